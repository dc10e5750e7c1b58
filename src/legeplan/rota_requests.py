"""Doctors' requests on a published legevakt rota (issue #12): «Bytt vakt» with a named colleague and «Gi bort vakt»
to a named colleague or to anyone eligible; the legevaktsjef approves or rejects.

Every request is checked by the one rule set (`legevakt.candidates.check_change` → `rules.check_rota`: rest and night
rest, 60+/55+ exemptions, absence, § 7 competence and bakvakt, LIS1) when it is submitted and again at approval, on the
live rota of that moment. A refusal names the rule (`RuleRefusal`) and changes nothing. A request whose shifts changed
meanwhile (the requester or the colleague no longer has the duty) is refused as stale, nothing changed.

Approval stores the next rota version (source `swap` or `giveaway`) with one event (who approved, what changed, why)
through `RotaStore.add_version`, so every earlier version — the published one too — stays readable.

Who takes a give-away: a give-away to a named colleague is like a swap without a shift back. A give-away «to anyone
eligible» always goes to the legevaktsjef, who picks the taker from the legal candidates (ranked by fairness); the
app has no colleague acceptance step. With the legevakt's `auto_approve`, a legal swap or give-away to a named
colleague is approved at once; a give-away to anyone still waits for the legevaktsjef (someone must be chosen).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from legeplan.i18n import text
from legeplan.legevakt.candidates import ChangeError, RotaChange, apply_change, candidates, check_change
from legeplan.legevakt.living import (
    Legevakt,
    RequestKind,
    RotaPeriod,
    RotaRequest,
    RotaVersion,
    ShiftRef,
    apply_availability,
    physician_of,
)
from legeplan.legevakt.model import Assignment, RotaProblem, Violation
from legeplan.legevakt.repair import diff_rotas
from legeplan.legevakt.rules import RULE_TEXT
from legeplan.living_rota import LivingRotaError, RuleRefusal, pins, require_period, require_rota
from legeplan.notices import SmtpConfig, legevaktsjefer, notify_doctor, notify_users, shift_label
from legeplan.storage.repository import VersionConflict
from legeplan.storage.rota_store import Approval, RotaStore
from legeplan.storage.web_tables import WebStore

#: Who a request decided by the auto-approve setting is recorded as.
AUTO = "automatisk"


class StaleRequest(LivingRotaError):
    """The shifts of the request changed since it was made; nothing was changed."""


def today() -> date:
    return date.today()


def refusal_text(violations: Sequence[Violation], viewer: str | None, names: dict[str, str]) -> str:
    """The rules a change breaks, in Norwegian, each with its rule id. The viewer's own violations are told in full;
    a colleague's only by rule, name and shift (their age, exemptions or absence are not the viewer's business)."""
    parts = []
    for v in violations:
        if viewer is None or v.doctor == viewer:
            parts.append(f"{v.message} [{text('req.rule')}: {v.rule}]")
            continue
        who = names.get(v.doctor or "", text("req.colleague"))
        when = f"{v.shift_type or ''} {v.date.strftime('%d.%m.%Y') if v.date else ''}".strip()
        parts.append(f"{who}, {when}: {RULE_TEXT.get(v.rule, v.rule)} [{text('req.rule')}: {v.rule}]")
    return "; ".join(dict.fromkeys(parts))


class RequestRefused(RuleRefusal):
    """A `RuleRefusal` whose message is told for the viewer (see `refusal_text`)."""

    def __init__(self, violations: Sequence[Violation], message: str) -> None:
        super().__init__(violations)
        self.args = (message,)

    def __str__(self) -> str:
        return str(self.args[0])


def _change(kind: RequestKind, from_doctor: str, shift: ShiftRef, to_doctor: str, back: ShiftRef | None) -> RotaChange:
    if kind == "swap":
        if back is None:
            raise LivingRotaError(text("req.swap_needs_shift"))
        if back.role != shift.role:
            raise LivingRotaError(text("req.swap_same_role"))
        return RotaChange(
            kind="swap",
            date=shift.date,
            shift_type=shift.shift_type,
            from_doctor=from_doctor,
            to_doctor=to_doctor,
            role=shift.role,
            with_date=back.date,
            with_shift=back.shift_type,
        )
    return RotaChange(
        kind="give",
        date=shift.date,
        shift_type=shift.shift_type,
        from_doctor=from_doctor,
        to_doctor=to_doctor,
        role=shift.role,
    )


def live_problem(store: RotaStore, period: RotaPeriod) -> RotaProblem:
    """The period's problem with the doctors' availability: what every check of a request uses."""
    return apply_availability(period.problem, store.availability(period.id))


def _names(problem: RotaProblem) -> dict[str, str]:
    return {d.id: d.name for d in problem.doctors}


def checked_change(
    store: RotaStore,
    period: RotaPeriod,
    rota: RotaVersion,
    change: RotaChange,
    viewer: str | None,
) -> list[Assignment]:
    """The rota after the change, if every rule holds; `StaleRequest` if a duty moved, `RequestRefused` naming the
    rule otherwise. Locked (pinned) duties do not move."""
    problem = live_problem(store, period)
    locked = {(a.date, a.shift_type, a.doctor, a.role) for a in pins(store, period.id)}
    moving = [(change.date, change.shift_type, change.from_doctor, change.role)]
    if change.kind == "swap" and change.with_date is not None and change.with_shift is not None:
        moving.append((change.with_date, change.with_shift, change.to_doctor, change.role))
    if any(m in locked for m in moving):
        raise LivingRotaError(text("req.locked"))
    try:
        violations = check_change(problem, rota.assignments, change)
        after = apply_change(problem, rota.assignments, change)
    except ChangeError as error:
        raise StaleRequest(text("req.stale", detail=str(error))) from error
    if violations:
        raise RequestRefused(violations, refusal_text(violations, viewer, _names(problem)))
    return list(after)


def _published(store: RotaStore, period_id: int) -> tuple[RotaPeriod, RotaVersion]:
    period = require_period(store, period_id)
    if period.state != "publisert":
        raise LivingRotaError(text("req.not_published"))
    return period, require_rota(store, period_id)


def _legevakt(store: RotaStore, period: RotaPeriod) -> Legevakt:
    legevakt = store.legevakt(period.legevakt_id)
    if legevakt is None or legevakt.deleted_at is not None:
        raise LivingRotaError(text("error.not_found"))
    return legevakt


def submit(
    store: RotaStore,
    web: WebStore,
    config: SmtpConfig,
    period_id: int,
    kind: RequestKind,
    from_doctor: str,
    shift: ShiftRef,
    who: str,
    *,
    to_doctor: str | None = None,
    return_shift: ShiftRef | None = None,
    note: str = "",
) -> RotaRequest:
    """Check and store a request. Refused (nothing stored): the period is not published, the shift has passed or is
    not the requester's, a pending request already covers it, or a rule breaks (`RequestRefused`). With the
    legevakt's auto-approve a legal request with a named colleague is approved at once; otherwise the legevaktsjefer
    get a notice."""
    period, rota = _published(store, period_id)
    legevakt = _legevakt(store, period)
    if shift.date < today():
        raise LivingRotaError(text("req.past"))
    if kind == "swap" and (to_doctor is None or return_shift is None):
        raise LivingRotaError(text("req.swap_needs_shift"))
    doctors = {d.id for d in period.problem.doctors}
    if to_doctor is not None and to_doctor not in doctors:
        raise LivingRotaError(text("req.unknown_colleague"))
    if to_doctor == from_doctor:
        raise LivingRotaError(text("req.self"))
    for pending in store.requests(period_id, state="pending", physician_id=from_doctor):
        if pending.from_physician == from_doctor and shift in pending.shifts:
            raise LivingRotaError(text("req.duplicate"))
    if to_doctor is not None:
        checked_change(store, period, rota, _change(kind, from_doctor, shift, to_doctor, return_shift), from_doctor)
    else:
        problem = live_problem(store, period)
        try:
            report = candidates(problem, rota.assignments, shift.date, shift.shift_type, replacing=from_doctor)
        except ChangeError as error:
            raise StaleRequest(text("req.stale", detail=str(error))) from error
        if not report.candidates:
            raise LivingRotaError(text("req.no_candidates"))
    request = store.create_request(
        period_id,
        kind,
        from_doctor,
        [shift],
        who,
        to_physician=to_doctor,
        return_shifts=[return_shift] if return_shift is not None else [],
        note=note,
    )
    if legevakt.auto_approve and to_doctor is not None:
        approve(store, web, config, request.id, AUTO, expected_version=request.version)
        fresh = store.request(request.id)
        assert fresh is not None
        return fresh
    subject = text("notice.request_subject", period=period.name)
    body = text(
        "notice.request_body_" + kind, shift=shift_label(period, shift), period=period.name, legevakt=legevakt.name
    )
    notify_users(store, legevaktsjefer(web, legevakt.members), subject, body, config, legevakt_id=legevakt.id)
    return request


def _pending(store: RotaStore, request_id: int) -> RotaRequest:
    request = store.request(request_id)
    if request is None:
        raise LivingRotaError(text("error.not_found"))
    if request.state != "pending":
        raise LivingRotaError(text("req.already", state=text("req.state." + request.state)))
    return request


def approve(
    store: RotaStore,
    web: WebStore,
    config: SmtpConfig,
    request_id: int,
    who: str,
    *,
    expected_version: int,
    taker: str | None = None,
    why: str = "",
) -> RotaVersion:
    """Approve a pending request: checked again on the live rota, stored as the next rota version with an event, the
    request marked approved and the doctors told. A give-away to anyone needs `taker` (a legal candidate)."""
    request = _pending(store, request_id)
    if request.version != expected_version:
        raise VersionConflict(expected_version, request.version)
    period, rota = _published(store, request.period_id)
    to_doctor = request.to_physician or taker
    if to_doctor is None:
        raise LivingRotaError(text("req.pick_taker"))
    if to_doctor not in {d.id for d in period.problem.doctors}:
        raise LivingRotaError(text("req.unknown_colleague"))
    shift = request.shifts[0]
    back = request.return_shifts[0] if request.return_shifts else None
    change = _change(request.kind, request.from_physician, shift, to_doctor, back)
    assignments = checked_change(store, period, rota, change, None)
    changes = [c.model_dump(mode="json") for c in diff_rotas(rota.assignments, assignments)]
    detail = {
        "request": request.id,
        "kind": request.kind,
        "requested_by": request.created_by,
        "from": request.from_physician,
        "to": to_doctor,
        "shifts": [s.model_dump(mode="json") for s in request.shifts],
        "return_shifts": [s.model_dump(mode="json") for s in request.return_shifts],
        "changes": changes,
    }
    reason = why or request.note
    version = store.add_version(
        period.id,
        assignments,
        who,
        expected_version=period.version,
        source=request.kind if request.kind == "swap" else "giveaway",
        status=rota.status,
        note=reason,
        events=[(request.kind, detail, reason)],
        approves=Approval(request.id, request.version, to_doctor if request.to_physician is None else None),
    )
    _tell(store, web, config, period, request, "approved", to_doctor=to_doctor)
    return version


def reject(
    store: RotaStore,
    web: WebStore,
    config: SmtpConfig,
    request_id: int,
    who: str,
    *,
    expected_version: int,
    reason: str = "",
) -> RotaRequest:
    """Reject a pending request (with the legevaktsjef's reason); the requester is told."""
    request = _pending(store, request_id)
    period = require_period(store, request.period_id)
    decided = store.decide_request(
        request.id, "rejected", who, expected_version=expected_version, refusal=reason or text("req.rejected_plain")
    )
    _tell(store, web, config, period, decided, "rejected")
    return decided


def withdraw(store: RotaStore, request_id: int, doctor: str, who: str, *, expected_version: int) -> RotaRequest:
    """The requester takes back a pending request."""
    request = _pending(store, request_id)
    if request.from_physician != doctor:
        raise LivingRotaError(text("error.not_found"))
    return store.decide_request(request.id, "withdrawn", who, expected_version=expected_version)


def _tell(
    store: RotaStore,
    web: WebStore,
    config: SmtpConfig,
    period: RotaPeriod,
    request: RotaRequest,
    outcome: str,
    *,
    to_doctor: str | None = None,
) -> None:
    legevakt = _legevakt(store, period)
    shift = shift_label(period, request.shifts[0])
    subject = text("notice.answer_subject_" + outcome, period=period.name)
    body = text("notice.answer_body_" + outcome, shift=shift, period=period.name)
    if outcome == "rejected" and request.refusal:
        body += " " + text("notice.reason", reason=request.refusal)
    code, physician = physician_of(legevakt.members, request.from_physician)
    notify_doctor(store, web, code, physician, subject, body, config, legevakt_id=legevakt.id)
    if outcome == "approved" and to_doctor is not None:
        taken = request.return_shifts[0] if request.return_shifts else None
        body = text(
            "notice.taken_body",
            shift=shift,
            back=shift_label(period, taken) if taken else "",
            period=period.name,
        )
        if taken is None:
            body = text("notice.given_body", shift=shift, period=period.name)
        code, physician = physician_of(legevakt.members, to_doctor)
        notify_doctor(
            store,
            web,
            code,
            physician,
            text("notice.changed_subject", period=period.name),
            body,
            config,
            legevakt_id=legevakt.id,
        )


__all__ = [
    "AUTO",
    "RequestRefused",
    "StaleRequest",
    "approve",
    "checked_change",
    "live_problem",
    "refusal_text",
    "reject",
    "submit",
    "today",
    "withdraw",
]
