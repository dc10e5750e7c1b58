"""Notices (issue #12 item 7): inbox messages and e-mail through a configured SMTP server, tested against a local
aiosmtpd server on a free port. E-mail is off by default; a failure is recorded with its reason and retried."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.message import Message
from email.policy import default

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message as MessageHandler
from fastapi import FastAPI
from fastapi.testclient import TestClient

from legeplan.jobs.runner import Worker
from legeplan.notices import MAX_ATTEMPTS, SmtpConfig, announce_published, drain_outbox, enqueue_due_retries
from legeplan.storage.job_tables import JobStore
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
    assert mail.retry_at is not None and drain_outbox(store, up, now=mail.retry_at).sent == 1
    assert store.outbox()[0].state == "sent" and len(handler.messages) == 1
    # A mail that failed MAX_ATTEMPTS times is not tried again (each try after its back-off has passed).
    store.queue_mail("b@example.org", "Emne", "Tekst")
    later = datetime.now(UTC).replace(tzinfo=None)
    for _ in range(MAX_ATTEMPTS):
        later += timedelta(days=1)
        drain_outbox(store, down, now=later)
    assert store.outbox()[1].attempts == MAX_ATTEMPTS and store.outbox()[1].retry_at is None
    assert drain_outbox(store, up, now=later + timedelta(days=1)).sent == 0
    assert [m.state for m in store.outbox()] == ["sent", "failed"]


def _smtp_env(monkeypatch: pytest.MonkeyPatch, port: int) -> None:
    monkeypatch.setenv("LEGEPLAN_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("LEGEPLAN_SMTP_PORT", str(port))
    monkeypatch.setenv("LEGEPLAN_SMTP_STARTTLS", "0")


def test_failed_mail_waits_its_back_off_then_the_timer_enqueues_one_job(
    app: FastAPI, smtp_server: tuple[Collect, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """After the 1st–4th failure a mail is due again after 1, 5, 15 and 60 minutes, with the reason kept; the
    timer's step (`enqueue_due_retries`) enqueues one `mail_send` job once one is due, and not a second while it
    waits; nothing is due after the 5th failure."""
    handler, port = smtp_server
    _smtp_env(monkeypatch, port)
    store = RotaStore(app.state.storage)
    jobs = JobStore(app.state.storage)
    down = SmtpConfig(host="127.0.0.1", port=free_port(), starttls=False, timeout_s=2)
    up = SmtpConfig(host="127.0.0.1", port=port, starttls=False)
    t0 = datetime(2026, 4, 6, 8, 0)
    store.queue_mail("a@example.org", "Turnusen er publisert", "Tekst")
    assert drain_outbox(store, down, now=t0).failed == 1
    (mail,) = store.outbox()
    assert (mail.state, mail.attempts, mail.retry_at) == ("failed", 1, t0 + timedelta(minutes=1))
    assert mail.error is not None and mail.error.startswith("fikk ikke kontakt med e-posttjeneren")
    assert drain_outbox(store, up, now=t0 + timedelta(seconds=30)).sent == 0  # not due yet
    assert not handler.messages and store.outbox()[0].attempts == 1
    assert not enqueue_due_retries(app.state.storage, now=t0 + timedelta(seconds=30))
    assert enqueue_due_retries(app.state.storage, now=t0 + timedelta(seconds=61))
    assert not enqueue_due_retries(app.state.storage, now=t0 + timedelta(seconds=62))  # one job is enough
    (job,) = [j for j in jobs.recent(kind="mail_send") if j.state == "queued"]
    assert job.owner == "system"
    assert drain_outbox(store, up, now=t0 + timedelta(seconds=61)).sent == 1 and len(handler.messages) == 1
    # The back-off grows; the reason of each failure is kept; after the 5th there is no next time.
    store.queue_mail("b@example.org", "Emne", "Tekst")
    when, waits = t0, []
    for _ in range(MAX_ATTEMPTS):
        drain_outbox(store, down, now=when)
        failed = store.outbox()[1]
        assert failed.state == "failed" and failed.error
        if failed.retry_at is not None:
            waits.append((failed.retry_at - when).total_seconds() / 60)
            when = failed.retry_at
    assert waits == [1, 5, 15, 60] and store.outbox()[1].attempts == MAX_ATTEMPTS
    assert store.mails_to_retry(when + timedelta(days=365), MAX_ATTEMPTS) == []


def test_legeplan_worker_retries_failed_mail_on_its_timer(
    app: FastAPI, smtp_server: tuple[Collect, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`legeplan worker` (Worker.run_once) looks for due mail itself: no new notice is needed."""
    handler, port = smtp_server
    _smtp_env(monkeypatch, port)
    monkeypatch.setenv("LEGEPLAN_SMTP_RETRY_S", "0")
    store = RotaStore(app.state.storage)
    store.queue_mail("a@example.org", "Turnusen er publisert", "Tekst")
    drain_outbox(store, SmtpConfig(host="127.0.0.1", port=free_port(), starttls=False, timeout_s=2))
    assert store.outbox()[0].state == "failed"
    outcome = Worker(app.state.storage, kinds=("mail_send",)).run_once()
    assert outcome is not None and outcome.state == "done", outcome
    (mail,) = store.outbox()
    assert (mail.state, mail.attempts) == ("sent", 2) and len(handler.messages) == 1


def test_in_process_worker_retries_when_the_mail_server_comes_back(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The web app's in-process worker: the notice's job fails (the server is down), the server comes back, and the
    mail arrives on the timer, without another notice being queued."""
    port = free_port()
    _smtp_env(monkeypatch, port)
    monkeypatch.setenv("LEGEPLAN_SMTP_RETRY_S", "1")
    monkeypatch.setenv("LEGEPLAN_SMTP_RETRY_CHECK_S", "0.3")
    store = RotaStore(app.state.storage)
    store.queue_mail("a@example.org", "Turnusen er publisert", "Tekst")
    first = app.state.job_queue.enqueue("mail_send", "redaktor", None, {})
    assert app.state.job_queue.wait(first.id, 60) is not None
    assert store.outbox()[0].state == "failed" and store.outbox()[0].attempts == 1
    handler = Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        deadline = time.monotonic() + 60
        while not handler.messages and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        controller.stop()
    assert len(handler.messages) == 1
    (mail,) = store.outbox()
    assert mail.state == "sent" and mail.attempts == 2


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


def test_two_senders_at_once_send_each_mail_once(app: FastAPI, smtp_server: tuple[Collect, int]) -> None:
    """The web app's timer and a `legeplan worker` may drain the outbox at the same moment: each mail is claimed
    before it is sent, so it goes out once; a sender that dies mid-send leaves it to be retried after the lease."""
    handler, port = smtp_server
    config = SmtpConfig(host="127.0.0.1", port=port, starttls=False, sender="legevakt@kommune.no")
    store = RotaStore(app.state.storage)
    for number in range(6):
        store.queue_mail(f"lege{number}@example.org", "Emne", "Tekst")
    seen_by_a = store.outbox(state="queued")  # sender A has read the queue …
    assert drain_outbox(store, config).sent == 6  # … when sender B sends all of it
    assert not [mail for mail in seen_by_a if store.claim_mail(mail, datetime(2026, 11, 30, 12, 0))]
    with ThreadPoolExecutor(2) as pool:
        store.queue_mail("ny@example.org", "Emne", "Tekst")
        results = list(pool.map(lambda _: drain_outbox(store, config), range(2)))
    assert sorted(r.sent for r in results) == [0, 1] and len(handler.messages) == 7
    # A sender that claims and dies: the mail waits for the lease, then is offered again (attempts unchanged).
    t0 = datetime(2026, 11, 30, 12, 0)
    store.queue_mail("sist@example.org", "Emne", "Tekst")
    (last,) = store.outbox(state="queued")
    assert store.claim_mail(last, t0 + timedelta(minutes=10)) and not store.claim_mail(last, t0)
    assert not store.mails_to_retry(t0 + timedelta(minutes=9), MAX_ATTEMPTS)
    assert [m.id for m in store.mails_to_retry(t0 + timedelta(minutes=10), MAX_ATTEMPTS)] == [last.id]
    assert drain_outbox(store, config, now=t0 + timedelta(minutes=11)).sent == 1 and len(handler.messages) == 8
