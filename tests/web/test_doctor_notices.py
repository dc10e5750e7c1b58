"""Notices (issue #12 item 7): inbox messages and e-mail through a configured SMTP server, tested against a local
aiosmtpd server on a free port. E-mail is off by default; a failure is recorded with its reason and retried."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from email.policy import default

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message as MessageHandler
from fastapi import FastAPI
from fastapi.testclient import TestClient

from legeplan.notices import MAX_ATTEMPTS, SmtpConfig, announce_published, drain_outbox
from legeplan.storage.rota_store import RotaStore

from .conftest import csrf_of
from .living_setup import PASSWORD, add_lege, build


class Collect(MessageHandler):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[Message] = []

    def handle_message(self, message: Message) -> None:
        self.messages.append(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[tuple[Collect, int]]:
    handler = Collect()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def body_of(message: Message) -> str:
    parsed = message_from_bytes(message.as_bytes(), policy=default)
    part = parsed.get_body(preferencelist=("plain",))  # type: ignore[attr-defined]
    return str(part.get_content())


def subject_of(message: Message) -> str:
    return str(message_from_bytes(message.as_bytes(), policy=default)["Subject"])


def test_email_is_off_by_default(app: FastAPI) -> None:
    assert not SmtpConfig.from_env({}).enabled
    living = build(app.state.storage)
    add_lege(app.state.web_store, "lege_a", living.a.id, email="a@example.org")
    store = RotaStore(app.state.storage)
    announce_published(store, app.state.web_store, living.period.id, SmtpConfig())
    (mail,) = store.outbox()
    assert mail.state == "off" and mail.to_address == "a@example.org"
    assert drain_outbox(store, SmtpConfig()).sent == 0
    # Every doctor of the period has the message in the inbox, with the count of their own duties.
    (message,) = store.inbox(municipality_code="3804", physician_id=living.a.id)
    assert message.subject == "Turnusen Vårperiode er publisert" and "Du har 2 vakter" in message.body


def test_published_mail_arrives_in_norwegian_without_other_doctors(
    app: FastAPI, smtp_server: tuple[Collect, int]
) -> None:
    handler, port = smtp_server
    config = SmtpConfig(host="127.0.0.1", port=port, starttls=False, sender="legevakt@kommune.no")
    living = build(app.state.storage)
    add_lege(app.state.web_store, "lege_a", living.a.id, email="a@example.org")
    store = RotaStore(app.state.storage)
    assert announce_published(store, app.state.web_store, living.period.id, config) == 1
    result = drain_outbox(store, config)
    assert (result.sent, result.failed) == (1, 0)
    (message,) = handler.messages
    assert message["To"] == "a@example.org"
    assert subject_of(message) == "Turnusen Vårperiode er publisert"
    body = body_of(message)
    assert "er publisert. Du har 2 vakter i perioden" in body and "Meldinger" in body
    others = [d.name for d in living.period.problem.doctors if d.id != living.a.id]
    assert not [name for name in others if name in body], "another doctor's name in the e-mail"
    assert store.outbox()[0].state == "sent" and store.outbox()[0].sent_at is not None


def test_failed_send_is_recorded_and_retried(app: FastAPI, smtp_server: tuple[Collect, int]) -> None:
    handler, port = smtp_server
    living = build(app.state.storage)
    add_lege(app.state.web_store, "lege_a", living.a.id, email="a@example.org")
    store = RotaStore(app.state.storage)
    down = SmtpConfig(host="127.0.0.1", port=free_port(), starttls=False, timeout_s=2)
    announce_published(store, app.state.web_store, living.period.id, down)
    assert drain_outbox(store, down).failed == 1
    (mail,) = store.outbox()
    assert mail.state == "failed" and mail.attempts == 1
    assert mail.error is not None and mail.error.startswith("fikk ikke kontakt med e-posttjeneren")
    up = SmtpConfig(host="127.0.0.1", port=port, starttls=False)
    assert drain_outbox(store, up).sent == 1
    assert store.outbox()[0].state == "sent" and len(handler.messages) == 1
    # A mail that failed MAX_ATTEMPTS times is not tried again.
    store.queue_mail("b@example.org", "Emne", "Tekst")
    for _ in range(MAX_ATTEMPTS):
        drain_outbox(store, down)
    assert drain_outbox(store, up).sent == 0
    assert [m.state for m in store.outbox()] == ["sent", "failed"]


def test_answer_to_a_request_is_mailed_by_the_job(
    app: FastAPI, smtp_server: tuple[Collect, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The web request only queues; the mail_send job (in-process worker on SQLite) sends."""
    handler, port = smtp_server
    monkeypatch.setenv("LEGEPLAN_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("LEGEPLAN_SMTP_PORT", str(port))
    monkeypatch.setenv("LEGEPLAN_SMTP_STARTTLS", "0")
    living = build(app.state.storage)
    add_lege(app.state.web_store, "lege_a", living.a.id, email="a@example.org")
    client = TestClient(app, follow_redirects=False)
    client.post("/login", data={"username": "lege_a", "password": PASSWORD})
    csrf = csrf_of(client.get("/lege").text)
    client.post(
        f"/lege/periode/{living.period.id}/foresporsel",
        data={"csrf_token": csrf, "kind": "giveaway", "vakt": f"{living.monday}|kveld|vakt", "to": living.d.id},
    )
    store = RotaStore(app.state.storage)
    (request,) = store.requests(living.period.id)
    editor = TestClient(app, follow_redirects=False)
    editor.post("/login", data={"username": "redaktor", "password": PASSWORD})
    page = editor.get(f"/lege/sjef/{living.legevakt.id}/foresporsler").text
    answer = editor.post(
        f"/lege/sjef/foresporsel/{request.id}/avvis",
        data={"csrf_token": csrf_of(page), "version": str(request.version), "why": "for kort varsel"},
    )
    assert answer.status_code == 303
    deadline = time.monotonic() + 60
    while not handler.messages and time.monotonic() < deadline:
        time.sleep(0.2)
    (message,) = handler.messages
    assert subject_of(message) == "Forespørselen din er avslått"
    body = body_of(message)
    shift = (living.monday).strftime("%d.%m.%Y")
    assert f"Kveldsvakt {shift}" in body or shift in body
    assert "Begrunnelse: for kort varsel" in body
    assert living.d.name not in body  # the colleague is not named
