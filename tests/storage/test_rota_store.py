"""The living rota store (issue #12): every table round-trips on SQLite and PostgreSQL, versions are append-only,
stale saves are refused (no lost update), soft delete restores, tokens are hashed and revocable."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from legeplan.legevakt import example_problem
from legeplan.legevakt.living import AvailabilityInput, ShiftRef, apply_availability
from legeplan.legevakt.model import Assignment, RotaProblem
from legeplan.storage.repository import Storage, VersionConflict
from legeplan.storage.rota_store import Approval, NotFound, RotaStore, RotaStoreError, token_hash
from legeplan.storage.rota_tables import CalendarTokenRow
from legeplan.storage.web_tables import ROLES, WebStore


def _problem() -> RotaProblem:
    return example_problem("small")


def _rota(problem: RotaProblem) -> list[Assignment]:
    """A rota by hand: the first doctor on every shift of the first two days (the store keeps any rota)."""
    doctor = problem.doctors[0].id
    return [
        Assignment(date=problem.start, shift_type=problem.shift_types[0].id, doctor=doctor),
        Assignment(date=problem.start, shift_type=problem.shift_types[-1].id, doctor=problem.doctors[1].id),
    ]


def test_legevakt_members_settings_and_scope(storage: Storage) -> None:
    store = RotaStore(storage)
    # Vefsn (1824) and Grane (1825) as one interkommunal legevakt; Bodø (1804) alone.
    helgeland = store.create_legevakt("Mosjøen legevakt", ["1824", "1825", "1824"], "sjef", wish_deadline_days=21)
    bodo = store.create_legevakt("Bodø legevakt", ["1804"], "sjef")
    assert helgeland.members == ("1824", "1825") and helgeland.wish_deadline_days == 21
    assert not helgeland.auto_approve and helgeland.version == 1
    assert [lv.id for lv in store.legevakter(["1825"])] == [helgeland.id]
    assert {lv.id for lv in store.legevakter()} == {helgeland.id, bodo.id}
    assert [lv.id for lv in store.legevakter_of_physician("1804", "p1")] == [bodo.id]

    changed = store.update_legevakt(helgeland.id, 1, auto_approve=True, members=["1824"])
    assert changed.auto_approve and changed.members == ("1824",) and changed.version == 2
    with pytest.raises(VersionConflict):
        store.update_legevakt(helgeland.id, 1, name="Gammel")
    assert store.legevakt(helgeland.id) == changed

    with pytest.raises(RotaStoreError, match="kommunenummer"):
        store.create_legevakt("Feil", ["18"], "sjef")
    with pytest.raises(RotaStoreError, match="minst én"):
        store.create_legevakt("Tom", [], "sjef")

    assert store.delete_legevakt(bodo.id)
    assert [lv.id for lv in store.legevakter()] == [helgeland.id]
    assert [lv.id for lv in store.legevakter(deleted=True)] == [bodo.id]
    assert store.restore_legevakt(bodo.id) and not store.restore_legevakt(bodo.id)
    # A name follows the text rules of every form field: no control characters, NFC.
    with pytest.raises(RotaStoreError, match="kontrolltegn"):
        store.create_legevakt("Vefsn\x07 legevakt", ["1824"], "sjef")
    assert store.create_legevakt("Vefsn  le\u0301gevakt", ["1824"], "sjef").name == "Vefsn l\u00e9gevakt"


def test_period_versions_publish_and_events(storage: Storage) -> None:
    store = RotaStore(storage)
    legevakt = store.create_legevakt("Vefsn legevakt", ["1824"], "sjef", wish_deadline_days=14)
    problem = _problem()
    period = store.create_period(legevakt.id, problem, "sjef")
    assert (period.state, period.start, period.end, period.version) == ("utkast", problem.start, problem.end, 1)
    assert period.problem == problem
    assert (problem.start - period.wish_deadline).days == 14 if period.wish_deadline else False
    assert store.current_version(period.id) is None

    with pytest.raises(RotaStoreError, match="ingen turnus"):
        store.publish(period.id, "sjef", expected_version=1)

    rota = _rota(problem)
    first = store.add_version(
        period.id, rota, "sjef", expected_version=1, source="solve", status="optimal", events=[("solved", {}, "")]
    )
    assert first.number == 1 and first.assignments == tuple(rota)
    period = store.period(period.id) or period
    assert period.version == 2

    published = store.publish(period.id, "sjef", expected_version=2, why="klar")
    assert published.state == "publisert" and published.published_version == 1 and published.version == 3

    # A repair computed from the published rota: a new version, the published one stays readable.
    repaired = [rota[0].model_copy(update={"doctor": problem.doctors[2].id}), rota[1]]
    second = store.add_version(
        period.id,
        repaired,
        "sjef",
        expected_version=3,
        source="repair",
        events=[
            ("absence", {"doctor": problem.doctors[0].id, "from": problem.start, "to": problem.start}, "syk"),
            ("repair", {"changes": 2}, "syk"),
        ],
    )
    assert second.number == 2
    assert (store.current_version(period.id) or first).assignments == tuple(repaired)
    assert (store.published_version(period.id) or second).assignments == tuple(rota)
    assert [v.number for v in store.versions(period.id)] == [1, 2]

    # A save based on the rota before the repair is refused and stores nothing (no lost update).
    with pytest.raises(VersionConflict) as conflict:
        store.add_version(period.id, rota, "annen", expected_version=3, source="manual_edit")
    assert conflict.value.current == 4
    assert [v.number for v in store.versions(period.id)] == [1, 2]

    events = store.events(period.id)
    assert [e.kind for e in events] == ["repair", "absence", "published", "solved", "created"]
    assert events[1].why == "syk" and events[1].version == 2
    assert events[1].detail["doctor"] == problem.doctors[0].id
    assert [e.kind for e in store.events(period.id, kind="published")] == ["published"]

    with pytest.raises(RotaStoreError, match="utenfor perioden"):
        store.add_version(
            period.id,
            [Assignment(date=date(2000, 1, 1), shift_type="natt", doctor="x")],
            "sjef",
            expected_version=4,
            source="manual_edit",
        )
    with pytest.raises(RotaStoreError, match="publisert periode"):
        store.update_period(
            period.id, 4, "sjef", problem=problem.model_copy(update={"end": problem.end.replace(day=1)})
        )


def test_periods_are_listed_soft_deleted_and_restored(storage: Storage) -> None:
    store = RotaStore(storage)
    legevakt = store.create_legevakt("Vefsn legevakt", ["1824"], "sjef")
    first = store.create_period(legevakt.id, _problem(), "sjef", name="Vår", wish_deadline=date(2026, 1, 1))
    assert first.wish_deadline == date(2026, 1, 1) and first.name == "Vår"
    renamed = store.update_period(first.id, 1, "sjef", name="Våren")
    assert renamed.name == "Våren" and renamed.version == 2
    with pytest.raises(VersionConflict):
        store.update_period(first.id, 1, "sjef", name="Gammel")
    assert store.delete_period(first.id)
    assert store.periods(legevakt.id) == []
    assert [p.id for p in store.periods(legevakt.id, deleted=True)] == [first.id]
    with pytest.raises(NotFound):
        store.add_version(first.id, [], "sjef", expected_version=3, source="solve")
    assert store.restore_period(first.id)
    assert [p.id for p in store.periods(legevakt.id, state="utkast")] == [first.id]
    with pytest.raises(NotFound):
        store.create_period(9999, _problem(), "sjef")


def test_availability_feeds_the_solver_problem(storage: Storage) -> None:
    store = RotaStore(storage)
    legevakt = store.create_legevakt("Vefsn legevakt", ["1824"], "sjef")
    problem = _problem()
    period = store.create_period(legevakt.id, problem, "sjef")
    doctor = problem.doctors[0].id
    off = store.add_availability(
        period.id,
        AvailabilityInput(physician_id=doctor, start=problem.start, end=problem.start, kind="unavailable", note="kurs"),
        doctor,
    )
    store.add_availability(
        period.id,
        AvailabilityInput(
            physician_id=doctor,
            start=problem.start,
            end=problem.start.replace(day=problem.start.day + 1),
            kind="wish_off",
        ),
        doctor,
    )
    store.add_availability(
        period.id,
        AvailabilityInput(physician_id="ukjent", start=problem.start, end=problem.start, kind="wish_on"),
        "sjef",
    )
    assert [a.kind for a in store.availability(period.id, doctor)] == ["unavailable", "wish_off"]
    with pytest.raises(RotaStoreError, match="må ligge i perioden"):
        store.add_availability(
            period.id,
            AvailabilityInput(physician_id=doctor, start=date(2000, 1, 1), end=date(2000, 1, 2), kind="wish_off"),
            doctor,
        )
    with pytest.raises(ValidationError):
        AvailabilityInput(physician_id=doctor, start=problem.end, end=problem.start, kind="wish_off")

    solved_from = apply_availability(problem, store.availability(period.id))
    with_doctor = next(d for d in solved_from.doctors if d.id == doctor)
    assert with_doctor.unavailable[-1].start == problem.start
    own = [w for w in solved_from.wishes if w.doctor == doctor]
    assert len(own) == len([w for w in problem.wishes if w.doctor == doctor]) + 2
    assert all(w.kind == "avoid" for w in own[-2:])
    # A doctor not in the problem adds nothing.
    assert len(solved_from.wishes) == len(problem.wishes) + 2

    assert store.delete_availability(off.id) and not store.delete_availability(off.id)
    assert [a.id for a in store.availability(period.id, doctor, deleted=True)] == [off.id]
    again = apply_availability(problem, store.availability(period.id))
    assert next(d for d in again.doctors if d.id == doctor).unavailable == problem.doctors[0].unavailable


def test_requests_are_decided_once(storage: Storage) -> None:
    store = RotaStore(storage)
    legevakt = store.create_legevakt("Vefsn legevakt", ["1824"], "sjef")
    problem = _problem()
    period = store.create_period(legevakt.id, problem, "sjef")
    a, b = problem.doctors[0].id, problem.doctors[1].id
    shift = ShiftRef(date=problem.start, shift_type="natt")
    swap = store.create_request(
        period.id, "swap", a, [shift], a, to_physician=b, return_shifts=[ShiftRef(date=problem.end, shift_type="natt")]
    )
    assert (swap.state, swap.to_physician, swap.return_shifts[0].date) == ("pending", b, problem.end)
    away = store.create_request(period.id, "giveaway", b, [shift], b)
    assert away.to_physician is None
    refused = store.create_request(
        period.id, "giveaway", b, [shift], b, refusal="Hviletid: mindre enn 11 timer mellom vaktene"
    )
    assert refused.state == "rejected" and refused.refusal and "Hviletid" in refused.refusal

    with pytest.raises(RotaStoreError, match="navngitt kollega"):
        store.create_request(period.id, "swap", a, [shift], a)
    with pytest.raises(RotaStoreError, match="seg selv"):
        store.create_request(period.id, "swap", a, [shift], a, to_physician=a)
    with pytest.raises(RotaStoreError, match="minst én vakt"):
        store.create_request(period.id, "giveaway", a, [], a)

    approved = store.decide_request(away.id, "approved", "sjef", expected_version=1, to_physician=a)
    assert approved.state == "approved" and approved.to_physician == a and approved.version == 2
    with pytest.raises(RotaStoreError, match="allerede"):
        store.decide_request(away.id, "rejected", "sjef", expected_version=2)
    with pytest.raises(VersionConflict):
        store.decide_request(swap.id, "withdrawn", a, expected_version=5)
    assert [r.id for r in store.requests(period.id, state="pending")] == [swap.id]
    assert {r.id for r in store.requests(period.id, physician_id=a)} == {swap.id, away.id}


def test_an_approval_and_its_rota_version_are_one_write(storage: Storage) -> None:
    """A swap's new rota version and the request's «approved» are stored together: a request decided meanwhile (stale
    version) leaves neither, and a good approval leaves both."""
    store = RotaStore(storage)
    legevakt = store.create_legevakt("Vefsn legevakt", ["1824"], "sjef")
    problem = _problem()
    period = store.create_period(legevakt.id, problem, "sjef")
    a, b = problem.doctors[0].id, problem.doctors[1].id
    swap = store.create_request(
        period.id, "swap", a, [ShiftRef(date=problem.start, shift_type="natt")], a, to_physician=b
    )
    rota = _rota(problem)
    with pytest.raises(VersionConflict):
        store.add_version(
            period.id, rota, "sjef", expected_version=1, source="swap", approves=Approval(swap.id, swap.version + 1)
        )
    assert store.versions(period.id) == [] and store.request(swap.id).state == "pending"  # type: ignore[union-attr]
    version = store.add_version(
        period.id, rota, "sjef", expected_version=1, source="swap", approves=Approval(swap.id, swap.version)
    )
    decided = store.request(swap.id)
    assert version.number == 1 and decided is not None and decided.state == "approved" and decided.decided_by == "sjef"


def test_inbox_outbox_and_calendar_tokens(storage: Storage) -> None:
    store = RotaStore(storage)
    legevakt = store.create_legevakt("Vefsn legevakt", ["1824"], "sjef")
    store.send_message(
        "Turnus publisert", "Turnusen for våren er publisert.", municipality_code="1824", physician_id="p1"
    )
    store.send_message("Ny forespørsel", "Lege p1 vil bytte.", username="sjef")
    mine = store.inbox(municipality_code="1824", physician_id="p1")
    assert [m.subject for m in mine] == ["Turnus publisert"]
    assert store.inbox(municipality_code="1825", physician_id="p1") == []
    assert store.unread_count(username="sjef") == 1
    assert store.mark_read(store.inbox(username="sjef")[0].id)
    assert store.unread_count(username="sjef") == 0
    with pytest.raises(RotaStoreError, match="mottaker"):
        store.send_message("x", "y")

    mail = store.queue_mail("lege@example.no", "Turnus publisert", "Hei", enabled=False)
    assert mail.state == "off"
    queued = store.queue_mail("lege@example.no", "Svar", "Godkjent")
    assert [m.id for m in store.outbox(state="queued")] == [queued.id]
    assert store.mark_mail(queued.id, "sent")
    sent = store.outbox(state="sent")[0]
    assert sent.sent_at is not None and sent.attempts == 1
    with pytest.raises(RotaStoreError, match="ugyldig"):
        store.queue_mail("ingen-adresse", "x", "y")

    token, secret = store.create_calendar_token(legevakt.id, "p1", "sjef")
    assert store.calendar_token(secret) == token
    with storage.session() as session:
        stored = session.get(CalendarTokenRow, token.id)
        assert stored is not None and stored.token_hash == token_hash(secret) and secret not in stored.token_hash
    assert store.revoke_calendar_token(token.id, "p1")
    assert store.calendar_token(secret) is None
    assert not store.revoke_calendar_token(token.id, "p1")
    assert store.calendar_tokens(legevakt.id) == []
    assert (store.calendar_tokens(legevakt.id, include_revoked=True)[0].revoked_by) == "p1"


def test_a_login_is_tied_to_a_register_physician(storage: Storage) -> None:
    assert "lege" in ROLES
    web = WebStore(storage)
    user = web.add_user("kari", "hash", "lege", "1824")
    assert user.physician_id is None
    tied = web.link_physician(user.id, "1824", "p7", email="kari@example.no")
    assert tied is not None and (tied.physician_municipality, tied.physician_id, tied.email) == (
        "1824",
        "p7",
        tied.email,
    )
    assert [u.username for u in web.users_of_physician("1824", "p7")] == ["kari"]
    assert web.get_user(user.id) == tied
    with pytest.raises(ValueError):
        web.link_physician(user.id, None, "p7")
    assert web.link_physician(9999, "1824", "p7") is None
