"""The doctor's side of the living legevakt rota (issue #12): «Mine vakter», «Ønsker og fravær», swap and give-away
requests, «Meldinger» and the calendar subscription; and the legevaktsjef's list of requests and entries.

A user with the role `lege` is tied to a register physician (`User.physician_id`, `physician_municipality`) and sees
only the legevakter whose members include that municipality, and only while the register still holds the physician
(`seats`). Such a user may open nothing but these pages (`legeplan.web.auth.lege_may_open`). The legevaktsjef is an
editor or admin of a member municipality.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from legeplan.i18n import text
from legeplan.legevakt.living import (
    AVAILABILITY_KINDS,
    AvailabilityInput,
    Legevakt,
    RotaPeriod,
    RotaRequest,
    RotaVersion,
    ShiftRef,
    doctor_id,
)
from legeplan.legevakt.model import Assignment, Role
from legeplan.living_rota import LivingRotaError
from legeplan.notices import SmtpConfig, shift_label
from legeplan.rota_requests import approve, live_problem, reject, submit, today, withdraw
from legeplan.storage.repository import VersionConflict
from legeplan.storage.rota_store import RotaStore, RotaStoreError
from legeplan.storage.web_tables import User
from legeplan.web.auth import checked_form, current_user
from legeplan.web.routes.common import (
    audit,
    job_queue,
    load_register_or_none,
    redirect,
    render,
    storage_of,
    web_store,
)
from legeplan.web.views import month_calendars

router = APIRouter()


# --- who is who ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Seat:
    """A lege at one legevakt: the doctor id they have in its periods."""

    legevakt: Legevakt
    doctor: str
    name: str
    code: str
    physician_id: str


def rota_store(request: Request) -> RotaStore:
    return RotaStore(storage_of(request))


def smtp_config(request: Request) -> SmtpConfig:
    config = getattr(request.app.state, "smtp_config", None)
    return config if isinstance(config, SmtpConfig) else SmtpConfig.from_env()


def send_queued_mail(request: Request, user: User) -> None:
    """Queued e-mail is sent by a job (a worker, never this request)."""
    if smtp_config(request).enabled and rota_store(request).outbox(state="queued", limit=1):
        job_queue(request).enqueue("mail_send", user.username, None, {})


def announce_published(request: Request, user: User, period_id: int) -> None:
    """The doctors of a just published period get a message (and e-mail, sent by a job)."""
    from legeplan.notices import announce_published as announce

    if announce(rota_store(request), web_store(request), period_id, smtp_config(request)):
        send_queued_mail(request, user)


def seats(request: Request, user: User) -> list[Seat]:
    """The legevakter a lege serves: members include the physician's municipality and its register holds them."""
    code, physician_id = user.physician_municipality, user.physician_id
    if user.role != "lege" or code is None or physician_id is None:
        return []
    register = load_register_or_none(request, code)
    physician = None if register is None else next((p for p in register.physicians if p.id == physician_id), None)
    if physician is None:
        return []
    return [
        Seat(lv, doctor_id(lv.members, code, physician_id), physician.name, code, physician_id)
        for lv in rota_store(request).legevakter_of_physician(code, physician_id)
    ]


def _not_found() -> HTTPException:
    return HTTPException(status_code=404, detail=text("error.not_found"))


def require_lege(user: User) -> None:
    if user.role != "lege":
        raise _not_found()


def seat_of_period(request: Request, user: User, period_id: int) -> tuple[Seat, RotaPeriod]:
    """The lege's seat at the period's legevakt; anything else (another legevakt, a deleted period) is 404."""
    require_lege(user)
    period = rota_store(request).period(period_id) if 0 < period_id < 2**31 else None
    if period is None or period.deleted_at is not None:
        raise _not_found()
    seat = next((s for s in seats(request, user) if s.legevakt.id == period.legevakt_id), None)
    if seat is None:
        raise _not_found()
    return seat, period


def manages(user: User, legevakt: Legevakt) -> bool:
    """The legevaktsjef: an editor or admin of a member municipality (or of all)."""
    return user.role in ("editor", "admin") and (
        user.municipality_code is None or user.municipality_code in legevakt.members
    )


def managed_legevakt(request: Request, user: User, legevakt_id: int) -> Legevakt:
    legevakt = rota_store(request).legevakt(legevakt_id) if 0 < legevakt_id < 2**31 else None
    if legevakt is None or legevakt.deleted_at is not None or not manages(user, legevakt):
        raise _not_found()
    return legevakt


# --- views of a rota -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShiftRow:
    ref: ShiftRef
    label: str
    start: str
    end: str
    future: bool

    @property
    def key(self) -> str:
        return f"{self.ref.date.isoformat()}|{self.ref.shift_type}|{self.ref.role.value}"


def shift_rows(
    period: RotaPeriod, assignments: tuple[Assignment, ...] | list[Assignment], doctor: str
) -> list[ShiftRow]:
    """The doctor's duties in date order, with Oslo clock times."""
    from legeplan.legevakt.calendar import expand_shifts

    times = {i.key: i for i in expand_shifts(period.problem)}
    rows = []
    now = today()
    for a in sorted((a for a in assignments if a.doctor == doctor), key=lambda a: (a.date, a.shift_type)):
        ref = ShiftRef(date=a.date, shift_type=a.shift_type, role=a.role)
        inst = times.get((a.date, a.shift_type))
        start = inst.start.strftime("%d.%m.%Y %H.%M") if inst else ""
        end = inst.end.strftime("%d.%m.%Y %H.%M") if inst else ""
        rows.append(ShiftRow(ref, shift_label(period, ref), start, end, a.date >= now))
    return rows


def live_rota(store: RotaStore, period: RotaPeriod) -> RotaVersion | None:
    """What a doctor sees of a period: the live rota once it is published (every approved change included), nothing
    while it is a draft."""
    return store.current_version(period.id) if period.state == "publisert" else None


def parse_ref(value: str) -> ShiftRef:
    """«2026-04-07|natt|vakt» → ShiftRef; 422 with a Norwegian message otherwise."""
    try:
        day, shift, role = value.split("|")
        return ShiftRef(date=date.fromisoformat(day), shift_type=shift, role=Role(role))
    except ValueError as error:
        raise HTTPException(status_code=422, detail=text("req.bad_shift")) from error


def request_view(period: RotaPeriod, request: RotaRequest, names: dict[str, str]) -> dict[str, Any]:
    return {
        "r": request,
        "shift": shift_label(period, request.shifts[0]),
        "back": shift_label(period, request.return_shifts[0]) if request.return_shifts else "",
        "from_name": names.get(request.from_physician, request.from_physician),
        "to_name": names.get(request.to_physician or "", "") if request.to_physician else text("lege.anyone"),
    }


# --- «Mine vakter» ---------------------------------------------------------------------------------------------------


@router.get("/lege", response_class=HTMLResponse)
def my_shifts(request: Request, user: User = Depends(current_user)) -> HTMLResponse:
    if user.role != "lege":
        return render(request, "lege_sjef.html", legevakter=_sjef_overview(request, user))
    store = rota_store(request)
    blocks = []
    for seat in seats(request, user):
        periods = []
        for period in store.periods(seat.legevakt.id):
            version = live_rota(store, period)
            own = shift_rows(period, version.assignments, seat.doctor) if version else []
            months = (
                month_calendars(period.problem, tuple(a for a in version.assignments if a.doctor == seat.doctor))
                if version
                else []
            )
            periods.append(
                {
                    "period": period,
                    "version": version,
                    "own": own,
                    "months": months,
                    "wishes_open": period.state == "utkast" and period.wishes_open(today()),
                }
            )
        tokens = store.calendar_tokens(seat.legevakt.id, seat.doctor)
        blocks.append({"seat": seat, "periods": periods, "tokens": tokens})
    new_url = request.session.pop("new_calendar_url", None)
    return render(request, "lege_home.html", blocks=blocks, new_url=new_url, linked=bool(blocks))


@router.get("/lege/periode/{period_id}", response_model=None)
def period_page(request: Request, period_id: int, user: User = Depends(current_user)) -> Response:
    """The whole published rota (read-only), the doctor's own duties with «Bytt»/«Gi bort», and own requests."""
    seat, period = seat_of_period(request, user, period_id)
    store = rota_store(request)
    version = live_rota(store, period)
    if version is None:
        return redirect(f"/lege/periode/{period.id}/onsker")  # a draft: only wishes until it is published
    names = {d.id: d.name for d in period.problem.doctors}
    requests = [request_view(period, r, names) for r in store.requests(period.id, physician_id=seat.doctor)]
    return render(
        request,
        "lege_period.html",
        seat=seat,
        period=period,
        version=version,
        own=shift_rows(period, version.assignments, seat.doctor),
        months=month_calendars(period.problem, version.assignments),
        requests=requests,
    )


# --- «Ønsker og fravær» ----------------------------------------------------------------------------------------------


def _wishes_page(
    request: Request,
    seat: Seat,
    period: RotaPeriod,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    store = rota_store(request)
    entries = store.availability(period.id, seat.doctor)
    return render(
        request,
        "lege_wishes.html",
        status_code=status_code,
        seat=seat,
        period=period,
        entries=entries,
        open=period.state == "utkast" and period.wishes_open(today()),
        kinds=AVAILABILITY_KINDS,
        shift_types=period.problem.shift_types,
        errors=errors or {},
        values=values or {},
    )


@router.get("/lege/periode/{period_id}/onsker", response_class=HTMLResponse)
def wishes_page(request: Request, period_id: int, user: User = Depends(current_user)) -> HTMLResponse:
    seat, period = seat_of_period(request, user, period_id)
    return _wishes_page(request, seat, period)


def _closed_message(period: RotaPeriod) -> str:
    if period.state != "utkast":
        return text("lege.wishes_published")
    deadline = period.wish_deadline or period.start
    return text("lege.wishes_closed", deadline=deadline.strftime("%d.%m.%Y"))


def _date(form: Any, name: str, errors: dict[str, str]) -> date | None:
    raw = str(form.get(name, "")).strip()
    try:
        return date.fromisoformat(raw) if "-" in raw else _dt.datetime.strptime(raw, "%d.%m.%Y").date()
    except ValueError:
        errors[name] = text("lege.bad_date")
        return None


@router.post("/lege/periode/{period_id}/onsker", response_model=None)
async def wish_add(request: Request, period_id: int, user: User = Depends(current_user)) -> Response:
    form = await checked_form(request)
    seat, period = seat_of_period(request, user, period_id)
    values = {k: str(form.get(k, "")) for k in ("start", "end", "kind", "shift_type", "note")}
    if period.state != "utkast" or not period.wishes_open(today()):
        return _wishes_page(
            request, seat, period, errors={"form": _closed_message(period)}, values=values, status_code=409
        )
    errors: dict[str, str] = {}
    start, end = _date(form, "start", errors), _date(form, "end", errors)
    kind = values["kind"]
    if kind not in AVAILABILITY_KINDS:
        errors["kind"] = text("error.choice")
    shift = values["shift_type"] or None
    if shift is not None and shift not in {s.id for s in period.problem.shift_types}:
        errors["shift_type"] = text("error.choice")
    if start and end and end < start:
        errors["end"] = text("lege.end_before_start")
    if start and end and not errors and (start < period.start or end > period.end):
        errors["start"] = text(
            "lege.outside_period", start=period.start.strftime("%d.%m.%Y"), end=period.end.strftime("%d.%m.%Y")
        )
    if errors or start is None or end is None:
        return _wishes_page(request, seat, period, errors=errors, values=values, status_code=400)
    entry = AvailabilityInput.model_validate(
        {
            "physician_id": seat.doctor,
            "start": start,
            "end": end,
            "kind": kind,
            "shift_type": shift,
            "note": values["note"][:500],
        }
    )
    try:
        stored = rota_store(request).add_availability(period.id, entry, user.username)
    except RotaStoreError as error:
        return _wishes_page(request, seat, period, errors={"form": str(error)}, values=values, status_code=400)
    audit(
        request,
        user,
        seat.code,
        text("audit.action.wish_added"),
        f"rota_period/{period.id}/availability/{stored.id}",
        None,
        entry.model_dump(mode="json"),
    )
    return redirect(f"/lege/periode/{period.id}/onsker", text("lege.wish_saved"), request)


@router.post("/lege/periode/{period_id}/onsker/{entry_id}/slett", response_model=None)
async def wish_delete(request: Request, period_id: int, entry_id: int, user: User = Depends(current_user)) -> Response:
    await checked_form(request)
    seat, period = seat_of_period(request, user, period_id)
    store = rota_store(request)
    entry = store.availability_entry(entry_id) if 0 < entry_id < 2**31 else None
    if entry is None or entry.period_id != period.id or entry.physician_id != seat.doctor or entry.deleted_at:
        raise _not_found()
    if period.state != "utkast" or not period.wishes_open(today()):
        return _wishes_page(request, seat, period, errors={"form": _closed_message(period)}, status_code=409)
    store.delete_availability(entry.id)
    audit(
        request,
        user,
        seat.code,
        text("audit.action.wish_deleted"),
        f"rota_period/{period.id}/availability/{entry.id}",
        entry.model_dump(mode="json"),
        None,
    )
    return redirect(f"/lege/periode/{period.id}/onsker", text("lege.wish_deleted"), request)


# --- requests --------------------------------------------------------------------------------------------------------


def _own_shift(seat: Seat, version: RotaVersion, ref: ShiftRef) -> None:
    if (
        Assignment(date=ref.date, shift_type=ref.shift_type, doctor=seat.doctor, role=ref.role)
        not in version.assignments
    ):
        raise HTTPException(status_code=409, detail=text("req.not_yours"))


def _colleague_shifts(period: RotaPeriod, version: RotaVersion, seat: Seat, role: Role) -> list[dict[str, str]]:
    names = {d.id: d.name for d in period.problem.doctors}
    now = today()
    rows = [a for a in version.assignments if a.doctor != seat.doctor and a.role is role and a.date >= now]
    rows.sort(key=lambda a: (names.get(a.doctor, a.doctor), a.date, a.shift_type))
    return [
        {
            "value": f"{a.doctor}|{a.date.isoformat()}|{a.shift_type}",
            "label": names.get(a.doctor, a.doctor)
            + ": "
            + shift_label(period, ShiftRef(date=a.date, shift_type=a.shift_type, role=a.role)),
        }
        for a in rows
    ]


def _request_page(
    request: Request,
    seat: Seat,
    period: RotaPeriod,
    kind: str,
    ref: ShiftRef,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    store = rota_store(request)
    version = live_rota(store, period)
    if version is None:
        raise _not_found()
    _own_shift(seat, version, ref)
    context: dict[str, Any] = {
        "seat": seat,
        "period": period,
        "ref": ref,
        "label": shift_label(period, ref),
        "error": error,
        "kind": kind,
    }
    if kind == "swap":
        context["options"] = _colleague_shifts(period, version, seat, ref.role)
    else:
        from legeplan.legevakt.candidates import ChangeError, candidates

        try:
            report = candidates(
                live_problem(store, period), version.assignments, ref.date, ref.shift_type, replacing=seat.doctor
            )
            context["eligible"] = [{"doctor": c.doctor, "name": c.name} for c in report.candidates]
        except ChangeError:
            context["eligible"] = []
    return render(request, "lege_request.html", status_code=status_code, **context)


@router.get("/lege/periode/{period_id}/bytt", response_class=HTMLResponse)
def swap_page(request: Request, period_id: int, vakt: str, user: User = Depends(current_user)) -> HTMLResponse:
    seat, period = seat_of_period(request, user, period_id)
    return _request_page(request, seat, period, "swap", parse_ref(vakt))


@router.get("/lege/periode/{period_id}/gi-bort", response_class=HTMLResponse)
def giveaway_page(request: Request, period_id: int, vakt: str, user: User = Depends(current_user)) -> HTMLResponse:
    seat, period = seat_of_period(request, user, period_id)
    return _request_page(request, seat, period, "giveaway", parse_ref(vakt))


@router.post("/lege/periode/{period_id}/foresporsel", response_model=None)
async def request_submit(request: Request, period_id: int, user: User = Depends(current_user)) -> Response:
    """Submit a swap («colleague» = «doctor|date|shift» of the colleague's duty) or a give-away («to» = a colleague or
    empty for anyone eligible); checked by the rota rules before it is stored."""
    form = await checked_form(request)
    seat, period = seat_of_period(request, user, period_id)
    kind = str(form.get("kind", ""))
    if kind not in ("swap", "giveaway"):
        raise HTTPException(status_code=422, detail=text("error.choice"))
    ref = parse_ref(str(form.get("vakt", "")))
    note = str(form.get("note", ""))[:500]
    to_doctor: str | None = None
    back: ShiftRef | None = None
    if kind == "swap":
        choice = str(form.get("colleague", ""))
        parts = choice.split("|")
        if len(parts) != 3:
            return _request_page(request, seat, period, kind, ref, error=text("req.pick_colleague"), status_code=400)
        to_doctor = parts[0]
        try:
            back = ShiftRef(date=date.fromisoformat(parts[1]), shift_type=parts[2], role=ref.role)
        except ValueError:
            return _request_page(request, seat, period, kind, ref, error=text("req.bad_shift"), status_code=400)
    else:
        to_doctor = str(form.get("to", "")).strip() or None
    try:
        made = submit(
            rota_store(request),
            web_store(request),
            smtp_config(request),
            period.id,
            "swap" if kind == "swap" else "giveaway",
            seat.doctor,
            ref,
            user.username,
            to_doctor=to_doctor,
            return_shift=back,
            note=note,
        )
    except (LivingRotaError, RotaStoreError, VersionConflict) as error:
        message = text("req.conflict") if isinstance(error, VersionConflict) else str(error)
        return _request_page(request, seat, period, kind, ref, error=message, status_code=409)
    audit(
        request,
        user,
        seat.code,
        text("audit.action.request_" + made.state),
        f"rota_request/{made.id}",
        None,
        made.model_dump(
            mode="json", include={"kind", "from_physician", "to_physician", "shifts", "return_shifts", "state"}
        ),
    )
    send_queued_mail(request, user)
    flash = text("req.sent") if made.state == "pending" else text("req.auto_approved")
    return redirect(f"/lege/periode/{period.id}", flash, request)


@router.post("/lege/foresporsel/{request_id}/trekk", response_model=None)
async def request_withdraw(request: Request, request_id: int, user: User = Depends(current_user)) -> Response:
    form = await checked_form(request)
    store = rota_store(request)
    found = store.request(request_id) if 0 < request_id < 2**31 else None
    if found is None:
        raise _not_found()
    seat, period = seat_of_period(request, user, found.period_id)
    try:
        withdraw(store, found.id, seat.doctor, user.username, expected_version=int(str(form.get("version", "0")) or 0))
    except (LivingRotaError, RotaStoreError, VersionConflict, ValueError) as error:
        message = text("req.conflict") if isinstance(error, VersionConflict) else str(error)
        return redirect(f"/lege/periode/{period.id}", message, request)
    audit(
        request,
        user,
        seat.code,
        text("audit.action.request_withdrawn"),
        f"rota_request/{found.id}",
        {"state": "pending"},
        {"state": "withdrawn"},
    )
    return redirect(f"/lege/periode/{period.id}", text("req.withdrawn"), request)


# --- the legevaktsjef: requests and entries --------------------------------------------------------------------------


def _sjef_overview(request: Request, user: User) -> list[dict[str, Any]]:
    store = rota_store(request)
    codes = None if user.municipality_code is None else [user.municipality_code]
    rows = []
    for legevakt in store.legevakter(codes):
        if not manages(user, legevakt):
            continue
        pending = sum(len(store.requests(p.id, state="pending")) for p in store.periods(legevakt.id))
        rows.append({"legevakt": legevakt, "pending": pending})
    return rows


@router.get("/lege/sjef/{legevakt_id}/foresporsler", response_class=HTMLResponse)
def requests_page(request: Request, legevakt_id: int, user: User = Depends(current_user)) -> HTMLResponse:
    legevakt = managed_legevakt(request, user, legevakt_id)
    store = rota_store(request)
    from legeplan.legevakt.candidates import ChangeError, candidates

    pending, decided = [], []
    for period in store.periods(legevakt.id):
        names = {d.id: d.name for d in period.problem.doctors}
        version = live_rota(store, period)
        for r in store.requests(period.id):
            view = request_view(period, r, names)
            view["period"] = period
            if r.state == "pending":
                view["eligible"] = []
                if r.to_physician is None and version is not None:
                    try:
                        report = candidates(
                            live_problem(store, period),
                            version.assignments,
                            r.shifts[0].date,
                            r.shifts[0].shift_type,
                            replacing=r.from_physician,
                        )
                        view["eligible"] = [{"doctor": c.doctor, "name": c.name} for c in report.candidates]
                    except ChangeError:
                        pass
                pending.append(view)
            else:
                decided.append(view)
    return render(request, "lege_requests.html", legevakt=legevakt, pending=pending, decided=decided[:50])


async def _decision(request: Request, request_id: int, user: User) -> tuple[Any, RotaRequest, Legevakt]:
    form = await checked_form(request)
    store = rota_store(request)
    found = store.request(request_id) if 0 < request_id < 2**31 else None
    period = None if found is None else store.period(found.period_id)
    if found is None or period is None:
        raise _not_found()
    legevakt = managed_legevakt(request, user, period.legevakt_id)
    return form, found, legevakt


@router.post("/lege/sjef/foresporsel/{request_id}/godkjenn", response_model=None)
async def request_approve(request: Request, request_id: int, user: User = Depends(current_user)) -> Response:
    form, found, legevakt = await _decision(request, request_id, user)
    back = f"/lege/sjef/{legevakt.id}/foresporsler"
    try:
        version = approve(
            rota_store(request),
            web_store(request),
            smtp_config(request),
            found.id,
            user.username,
            expected_version=int(str(form.get("version", "0")) or 0),
            taker=str(form.get("taker", "")) or None,
            why=str(form.get("why", ""))[:500],
        )
    except (LivingRotaError, RotaStoreError, VersionConflict, ValueError) as error:
        message = text("req.conflict") if isinstance(error, VersionConflict) else str(error)
        return redirect(back, text("req.not_approved", reason=message), request)
    code = legevakt.members[0]
    audit(
        request,
        user,
        code,
        text("audit.action.request_approved"),
        f"rota_request/{found.id}",
        {"state": "pending"},
        {"state": "approved", "version": version.number},
    )
    send_queued_mail(request, user)
    return redirect(back, text("req.approved", number=version.number), request)


@router.post("/lege/sjef/foresporsel/{request_id}/avvis", response_model=None)
async def request_reject(request: Request, request_id: int, user: User = Depends(current_user)) -> Response:
    form, found, legevakt = await _decision(request, request_id, user)
    back = f"/lege/sjef/{legevakt.id}/foresporsler"
    try:
        reject(
            rota_store(request),
            web_store(request),
            smtp_config(request),
            found.id,
            user.username,
            expected_version=int(str(form.get("version", "0")) or 0),
            reason=str(form.get("why", ""))[:500],
        )
    except (LivingRotaError, RotaStoreError, VersionConflict, ValueError) as error:
        message = text("req.conflict") if isinstance(error, VersionConflict) else str(error)
        return redirect(back, message, request)
    audit(
        request,
        user,
        legevakt.members[0],
        text("audit.action.request_rejected"),
        f"rota_request/{found.id}",
        {"state": "pending"},
        {"state": "rejected"},
    )
    send_queued_mail(request, user)
    return redirect(back, text("req.rejected"), request)


@router.get("/lege/sjef/{legevakt_id}/onsker", response_class=HTMLResponse)
def entries_page(request: Request, legevakt_id: int, user: User = Depends(current_user)) -> HTMLResponse:
    """Every doctor's wishes and unavailability per period (these go to the solver: `living_rota.solve_problem`)."""
    legevakt = managed_legevakt(request, user, legevakt_id)
    store = rota_store(request)
    periods = []
    for period in store.periods(legevakt.id):
        names = {d.id: d.name for d in period.problem.doctors}
        found = sorted(store.availability(period.id), key=lambda e: (names.get(e.physician_id, ""), e.start))
        entries = [{"e": e, "name": names.get(e.physician_id, e.physician_id)} for e in found]
        periods.append({"period": period, "entries": entries})
    return render(request, "lege_entries.html", legevakt=legevakt, periods=periods)


# --- «Meldinger» -----------------------------------------------------------------------------------------------------


def inbox_of(request: Request, user: User) -> dict[str, Any]:
    doctor = user.role == "lege" and user.physician_id is not None
    return {
        "username": user.username,
        "municipality_code": user.physician_municipality if doctor else None,
        "physician_id": user.physician_id if doctor else None,
    }


def unread_for(request: Request) -> int:
    """The header's unread count (0 when nobody is logged in)."""
    user: User | None = getattr(request.state, "user", None)
    if user is None:
        return 0
    return rota_store(request).unread_count(**inbox_of(request, user))


@router.get("/meldinger", response_class=HTMLResponse)
def inbox_page(request: Request, user: User = Depends(current_user)) -> HTMLResponse:
    """«Meldinger»: newest first; showing them marks them read (the new ones are marked «Ny» this once)."""
    store = rota_store(request)
    messages = store.inbox(**inbox_of(request, user))
    response = render(request, "lege_inbox.html", messages=messages)
    for message in messages:
        if not message.read:
            store.mark_read(message.id)
    return response


# --- calendar subscription -------------------------------------------------------------------------------------------


@router.post("/lege/kalender/{legevakt_id}", response_model=None)
async def calendar_create(request: Request, legevakt_id: int, user: User = Depends(current_user)) -> Response:
    """A new secret subscription URL (shown once); the old ones stay until revoked."""
    await checked_form(request)
    require_lege(user)
    seat = next((s for s in seats(request, user) if s.legevakt.id == legevakt_id), None)
    if seat is None:
        raise _not_found()
    token, secret = rota_store(request).create_calendar_token(seat.legevakt.id, seat.doctor, user.username)
    # /kalender/{token}.ics is served by web/routes/legevakt.py (the legevaktsjef can make the same links there).
    request.session["new_calendar_url"] = str(request.url_for("doctor_calendar", token=secret))
    audit(
        request,
        user,
        seat.code,
        text("audit.action.calendar_created"),
        f"calendar_token/{token.id}",
        None,
        {"legevakt": seat.legevakt.id},
    )
    return redirect("/lege", text("lege.calendar_created"), request)


@router.post("/lege/kalender/{legevakt_id}/{token_id}/trekk", response_model=None)
async def calendar_revoke(
    request: Request, legevakt_id: int, token_id: int, user: User = Depends(current_user)
) -> Response:
    await checked_form(request)
    require_lege(user)
    seat = next((s for s in seats(request, user) if s.legevakt.id == legevakt_id), None)
    store = rota_store(request)
    token = store.calendar_token_by_id(token_id) if 0 < token_id < 2**31 else None
    if seat is None or token is None or token.legevakt_id != legevakt_id or token.physician_id != seat.doctor:
        raise _not_found()
    store.revoke_calendar_token(token.id, user.username)
    audit(
        request,
        user,
        seat.code,
        text("audit.action.calendar_revoked"),
        f"calendar_token/{token.id}",
        {"active": True},
        {"active": False},
    )
    return redirect("/lege", text("lege.calendar_revoked"), request)
