"""The legevaktsjef's pages for a living rota (issue #12), under /legevakt/…: legevakter of one or more
municipalities, periods (utkast → publisert), solve and repair as jobs, the rota as a month calendar and per doctor,
manual edits and pins checked by the rules, «hvem kan ta vakten», events, coverage, hours (CSV/XLSX), cumulative
fairness, and each doctor's calendar subscription (/kalender/{token}.ics, no login, revocable).

Scope: a legevakt is seen by users who may see one of its member municipalities; editors and admins of a member are
legevaktsjefer (may change it); viewers read. Every change is audited and recorded as a rota event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from legeplan import living_rota as live
from legeplan.i18n import decimal, number, text
from legeplan.legevakt import RotaProblem
from legeplan.legevakt.candidates import RotaChange
from legeplan.legevakt.hours import hours_csv, hours_xlsx, payroll_hours
from legeplan.legevakt.living import Legevakt, RotaPeriod, RotaVersion
from legeplan.legevakt.load import analyse_load
from legeplan.legevakt.model import Assignment, Role
from legeplan.register.io import MAX_IMPORT_BYTES
from legeplan.storage.repository import VersionConflict
from legeplan.storage.rota_store import RotaStore, RotaStoreError
from legeplan.storage.web_tables import User
from legeplan.web import views
from legeplan.web.auth import can_see, checked_form, current_user, has_role, require_role
from legeplan.web.routes.common import audit, job_queue, redirect, render, storage_of
from legeplan.web.routes.rota import parse_problem_upload, parse_time_limit

router = APIRouter()


def rota_store(request: Request) -> RotaStore:
    store: RotaStore | None = getattr(request.app.state, "rota_store", None)
    if store is None:
        store = RotaStore(storage_of(request))
        request.app.state.rota_store = store
    return store


def _visible(user: User, legevakt: Legevakt) -> bool:
    return any(can_see(user, code) for code in legevakt.members)


def _is_chief(user: User, legevakt: Legevakt) -> bool:
    return has_role(user, "editor") and _visible(user, legevakt)


def legevakt_of(request: Request, user: User, legevakt_id: int, role: str = "viewer") -> Legevakt:
    """The legevakt if the user may see it (else 404, so its existence is not revealed) with at least `role`."""
    require_role(user, "viewer")
    legevakt = rota_store(request).legevakt(legevakt_id)
    if legevakt is None or legevakt.deleted_at is not None or not _visible(user, legevakt):
        raise HTTPException(status_code=404, detail=text("error.not_found"))
    require_role(user, role)
    return legevakt


def period_of(request: Request, user: User, period_id: int, role: str = "viewer") -> tuple[Legevakt, RotaPeriod]:
    period = rota_store(request).period(period_id)
    if period is None or period.deleted_at is not None:
        raise HTTPException(status_code=404, detail=text("error.not_found"))
    return legevakt_of(request, user, period.legevakt_id, role), period


def _code(user: User, legevakt: Legevakt) -> str:
    """The member municipality the audit entry is filed under: the user's own if a member, else the first."""
    return next((c for c in legevakt.members if user.municipality_code == c), legevakt.members[0])


def _version_of(form: Any) -> int:
    raw = str(form.get("version", "")).strip()
    if not raw.isdigit():
        raise HTTPException(status_code=422, detail=text("lv.version_missing"))
    return int(raw)


def _date(raw: object, field: str) -> date:
    try:
        return date.fromisoformat(str(raw).strip())
    except ValueError:
        raise HTTPException(status_code=422, detail=text("lv.bad_date", field=field, value=str(raw)[:20])) from None


def _change_refused(
    request: Request, user: User, legevakt: Legevakt, period: RotaPeriod, error: VersionConflict | live.LivingRotaError
) -> HTMLResponse:
    """A one-duty change that did not happen: 409 for a stale form, else 400 naming the rule or the reason."""
    if isinstance(error, VersionConflict):
        return _conflict(request, user, period.id, error.current)
    message = text("lv.refused", reasons=str(error)) if isinstance(error, live.RuleRefusal) else str(error)
    return _period_page(request, user, legevakt, period, status_code=400, error=message)


def _conflict(request: Request, user: User, period_id: int, current: int) -> HTMLResponse:
    legevakt, period = period_of(request, user, period_id)
    return _period_page(request, user, legevakt, period, status_code=409, error=text("lv.conflict", current=current))


# --- legevakter -------------------------------------------------------------------------------------------------------


@router.get("/legevakt", response_class=HTMLResponse)
def legevakt_list(request: Request, user: User = Depends(current_user)) -> HTMLResponse:
    require_role(user, "viewer")
    shown = [lv for lv in rota_store(request).legevakter() if _visible(user, lv)]
    return render(
        request,
        "legevakt/list.html",
        legevakter=shown,
        errors={},
        values={"members": user.municipality_code or "", "wish_deadline_days": "14"},
    )


@router.post("/legevakt", response_model=None)
async def legevakt_create(request: Request, user: User = Depends(current_user)) -> Response:
    form = await checked_form(request)
    require_role(user, "editor")
    members = [c for c in str(form.get("members", "")).replace(";", ",").replace(" ", ",").split(",") if c]
    errors: dict[str, str] = {}
    if not any(can_see(user, c) for c in members):
        errors["members"] = text("lv.members_scope")
    days_raw = str(form.get("wish_deadline_days", "14")).strip()
    days = int(days_raw) if days_raw.isdigit() else -1
    legevakt = None
    if not errors:
        try:
            legevakt = live.create_legevakt(
                storage_of(request),
                rota_store(request),
                str(form.get("name", "")),
                members,
                user.username,
                wish_deadline_days=days,
                auto_approve=form.get("auto_approve") == "on",
            )
        except live.LivingRotaError as error:
            errors["name" if "navn" in str(error) else "members"] = str(error)
    if legevakt is None:
        shown = [lv for lv in rota_store(request).legevakter() if _visible(user, lv)]
        values = {k: str(v) for k, v in form.items() if isinstance(v, str)}
        return render(request, "legevakt/list.html", status_code=400, legevakter=shown, errors=errors, values=values)
    audit(
        request,
        user,
        _code(user, legevakt),
        text("audit.action.lv_created"),
        f"legevakt/{legevakt.id}",
        None,
        legevakt.model_dump(mode="json", exclude={"created_at"}),
    )
    return redirect(f"/legevakt/{legevakt.id}", text("lv.created"), request)


@router.get("/legevakt/{legevakt_id}", response_class=HTMLResponse)
def legevakt_page(request: Request, legevakt_id: int, user: User = Depends(current_user)) -> HTMLResponse:
    legevakt = legevakt_of(request, user, legevakt_id)
    return _legevakt_page(request, user, legevakt)


def _legevakt_page(
    request: Request,
    user: User,
    legevakt: Legevakt,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    new_token_url: str | None = None,
) -> HTMLResponse:
    store = rota_store(request)
    periods = store.periods(legevakt.id)
    fairness = live.fairness_report(store, legevakt.id)
    doctors = _doctors_of(periods)
    tokens = store.calendar_tokens(legevakt.id)
    return render(
        request,
        "legevakt/legevakt.html",
        status_code=status_code,
        legevakt=legevakt,
        periods=periods,
        fairness=fairness,
        doctors=doctors,
        tokens=tokens,
        chief=_is_chief(user, legevakt),
        errors=errors or {},
        values=values or {},
        new_token_url=new_token_url,
    )


def _doctors_of(periods: list[RotaPeriod]) -> dict[str, str]:
    names: dict[str, str] = {}
    for period in periods:
        for doctor in period.problem.doctors:
            names.setdefault(doctor.id, doctor.name)
    return dict(sorted(names.items(), key=lambda item: item[1]))


@router.post("/legevakt/{legevakt_id}/innstillinger", response_model=None)
async def legevakt_settings(request: Request, legevakt_id: int, user: User = Depends(current_user)) -> Response:
    form = await checked_form(request)
    legevakt = legevakt_of(request, user, legevakt_id, "editor")
    days_raw = str(form.get("wish_deadline_days", "")).strip()
    try:
        changed = rota_store(request).update_legevakt(
            legevakt.id,
            _version_of(form),
            name=str(form.get("name", legevakt.name)),
            wish_deadline_days=int(days_raw) if days_raw.isdigit() else -1,
            auto_approve=form.get("auto_approve") == "on",
        )
    except VersionConflict as error:
        return _legevakt_page(
            request, user, legevakt, status_code=409, errors={"__all__": text("lv.conflict", current=error.current)}
        )
    except RotaStoreError as error:
        return _legevakt_page(request, user, legevakt, status_code=400, errors={"settings": str(error)})
    audit(
        request,
        user,
        _code(user, legevakt),
        text("audit.action.changed"),
        f"legevakt/{legevakt.id}",
        legevakt.model_dump(mode="json", exclude={"version"}),
        changed.model_dump(mode="json", exclude={"version"}),
    )
    return redirect(f"/legevakt/{legevakt.id}", text("lv.saved"), request)


@router.post("/legevakt/{legevakt_id}/perioder", response_model=None)
async def period_create(request: Request, legevakt_id: int, user: User = Depends(current_user)) -> Response:
    """A new period in utkast: its doctors from the member registers (or an uploaded problem file)."""
    form = await checked_form(request)
    legevakt = legevakt_of(request, user, legevakt_id, "editor")
    errors: dict[str, str] = {}
    problem: RotaProblem | None = None
    name = str(form.get("name", "")).strip() or None
    if str(form.get("source", "register")) == "file":
        upload = form.get("problem_file")
        if upload is None or isinstance(upload, str) or not upload.filename:
            errors["problem_file"] = text("imp.no_file")
        else:
            try:
                problem = parse_problem_upload(upload.filename, await upload.read(MAX_IMPORT_BYTES))
            except (ValueError, ValidationError) as error:
                errors["problem_file"] = text("rota.file_error", error=str(error))
    else:
        try:
            start, end = _date(form.get("start"), text("lv.start")), _date(form.get("end"), text("lv.end"))
            problem = live.period_problem(
                storage_of(request),
                legevakt,
                start,
                end,
                shift_types=live.default_shift_types(rota_store(request), legevakt.id),
                name=name,
            )
        except HTTPException as error:
            errors["start"] = str(error.detail)
        except (live.LivingRotaError, ValidationError) as error:
            errors["start"] = str(error)
    if problem is None:
        values = {k: str(v) for k, v in form.items() if isinstance(v, str)}
        return _legevakt_page(request, user, legevakt, status_code=400, errors=errors, values=values)
    period = rota_store(request).create_period(legevakt.id, problem, user.username, name=name)
    audit(
        request,
        user,
        _code(user, legevakt),
        text("audit.action.lv_period_created"),
        f"legevakt/{legevakt.id}/periode/{period.id}",
        None,
        {"name": period.name, "start": period.start, "end": period.end, "doctors": len(problem.doctors)},
    )
    return redirect(f"/legevakt/periode/{period.id}", text("lv.period_created"), request)


# --- a period -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DoctorRow:
    id: str
    name: str
    shifts: int
    hours: str
    nights: int
    weekend_days: int
    holidays: int
    bakvakter: int


def _doctor_rows(period: RotaPeriod, version: RotaVersion | None) -> list[DoctorRow]:
    if version is None:
        return []
    loads = {d.doctor: d for d in analyse_load(period.problem, version.assignments).doctors}
    backups: dict[str, int] = {}
    for a in version.assignments:
        if a.role is Role.BAKVAKT:
            backups[a.doctor] = backups.get(a.doctor, 0) + 1
    rows = []
    for doctor in sorted(period.problem.doctors, key=lambda d: d.name):
        load = loads.get(doctor.id)
        rows.append(
            DoctorRow(
                doctor.id,
                doctor.name,
                load.shifts if load else 0,
                decimal(load.hours if load else 0.0),
                load.nights if load else 0,
                load.weekend_days if load else 0,
                load.holiday_shifts if load else 0,
                backups.get(doctor.id, 0),
            )
        )
    return rows


def _period_page(
    request: Request,
    user: User,
    legevakt: Legevakt,
    period: RotaPeriod,
    *,
    status_code: int = 200,
    error: str | None = None,
    number_shown: int | None = None,
) -> HTMLResponse:
    store = rota_store(request)
    current = store.current_version(period.id)
    shown = current if number_shown is None else store.version(period.id, number_shown)
    if number_shown is not None and shown is None:
        raise HTTPException(status_code=404, detail=text("error.not_found"))
    latest_change = next(
        (e for e in store.events(period.id, limit=20) if e.kind in ("repair", "manual_edit", "swap", "giveaway")), None
    )
    names = {d.id: d.name for d in period.problem.doctors}
    return render(
        request,
        "legevakt/period.html",
        status_code=status_code,
        legevakt=legevakt,
        period=period,
        current=current,
        shown=shown,
        versions=store.versions(period.id),
        months=views.month_calendars(period.problem, shown.assignments) if shown else [],
        doctor_rows=_doctor_rows(period, shown),
        hours=payroll_rows(period, shown) if shown else [],
        latest_change=latest_change,
        names=names,
        shift_types=period.problem.shift_types,
        pins=live.pins(store, period.id),
        chief=_is_chief(user, legevakt),
        error=error,
    )


@router.get("/legevakt/periode/{period_id}", response_class=HTMLResponse)
def period_page(
    request: Request, period_id: int, versjon: int | None = None, user: User = Depends(current_user)
) -> HTMLResponse:
    legevakt, period = period_of(request, user, period_id)
    return _period_page(request, user, legevakt, period, number_shown=versjon)


@router.post("/legevakt/periode/{period_id}/los", response_model=None)
async def period_solve(request: Request, period_id: int, user: User = Depends(current_user)) -> Response:
    """Solve the period as a job (availability, wishes and balance over earlier published periods included)."""
    form = await checked_form(request)
    legevakt, period = period_of(request, user, period_id, "editor")
    expected = _version_of(form)
    if period.state != "utkast":
        return _period_page(request, user, legevakt, period, status_code=400, error=text("lv.solve_published"))
    if expected != period.version:
        return _conflict(request, user, period_id, period.version)
    time_limit = parse_time_limit(str(form.get("time_limit", "10")))
    if time_limit is None:
        return _period_page(request, user, legevakt, period, status_code=400, error=text("rota.time_limit_error"))
    store = rota_store(request)
    problem = live.solve_problem(store, period)
    payload = {
        "problem": problem.model_dump(mode="json"),
        "time_limit_s": time_limit,
        "period_id": period.id,
        "expected_version": expected,
        "fixed": [a.model_dump(mode="json") for a in live.pins(store, period.id)],
    }
    job = job_queue(request).enqueue("rota_solve", user.username, _code(user, legevakt), payload)
    audit(
        request,
        user,
        _code(user, legevakt),
        text("audit.action.rota_started"),
        f"legevakt/periode/{period.id}",
        None,
        {"job": job.id, "time_limit_s": time_limit},
    )
    return redirect(f"/legevakt/jobb/{job.id}")


@router.post("/legevakt/periode/{period_id}/publiser", response_model=None)
async def period_publish(request: Request, period_id: int, user: User = Depends(current_user)) -> Response:
    form = await checked_form(request)
    legevakt, period = period_of(request, user, period_id, "editor")
    try:
        published = rota_store(request).publish(
            period.id, user.username, expected_version=_version_of(form), why=str(form.get("why", ""))
        )
    except VersionConflict as error:
        return _conflict(request, user, period_id, error.current)
    except RotaStoreError as error:
        return _period_page(request, user, legevakt, period, status_code=400, error=str(error))
    audit(
        request,
        user,
        _code(user, legevakt),
        text("audit.action.lv_published"),
        f"legevakt/periode/{period.id}",
        {"state": period.state, "published_version": period.published_version},
        {"state": published.state, "published_version": published.published_version},
    )
    from legeplan.web.routes.doctor import announce_published

    announce_published(request, user, period.id)  # «Meldinger» (and e-mail) to the period's doctors
    return redirect(f"/legevakt/periode/{period.id}", text("lv.published"), request)


@router.post("/legevakt/periode/{period_id}/fravaer", response_model=None)
async def period_absence(request: Request, period_id: int, user: User = Depends(current_user)) -> Response:
    """Mark a doctor ill or away for some dates: the repair runs as a job, then the period shows what changed."""
    form = await checked_form(request)
    legevakt, period = period_of(request, user, period_id, "editor")
    expected = _version_of(form)
    doctor = str(form.get("doctor", ""))
    start, end = _date(form.get("from"), text("lv.from")), _date(form.get("to"), text("lv.to"))
    problem_error = None
    if doctor not in {d.id for d in period.problem.doctors}:
        problem_error = text("lv.unknown_doctor", doctor=doctor[:64])
    elif end < start:
        problem_error = text("lv.to_before_from")
    elif end < period.start or start > period.end:
        problem_error = text("lv.outside_period", start=period.start, end=period.end)
    elif rota_store(request).current_version(period.id) is None:
        problem_error = text("lv.no_rota")
    if problem_error:
        return _period_page(request, user, legevakt, period, status_code=400, error=problem_error)
    if expected != period.version:
        return _conflict(request, user, period_id, period.version)
    payload = {
        "period_id": period.id,
        "doctor": doctor,
        "from": start.isoformat(),
        "to": end.isoformat(),
        "why": str(form.get("why", "")),
        "expected_version": expected,
        "time_limit_s": 20.0,
    }
    job = job_queue(request).enqueue("rota_repair", user.username, _code(user, legevakt), payload)
    audit(
        request,
        user,
        _code(user, legevakt),
        text("audit.action.lv_absence"),
        f"legevakt/periode/{period.id}",
        None,
        {"doctor": doctor, "from": start, "to": end, "why": payload["why"], "job": job.id},
    )
    return redirect(f"/legevakt/jobb/{job.id}")


@router.post("/legevakt/periode/{period_id}/endre", response_model=None)
async def period_edit(request: Request, period_id: int, user: User = Depends(current_user)) -> Response:
    """Give one duty to another doctor (or fill an open one), checked by the rules; a refusal names the rule."""
    form = await checked_form(request)
    legevakt, period = period_of(request, user, period_id, "editor")
    expected = _version_of(form)
    try:
        change = RotaChange(
            kind="give",
            date=_date(form.get("date"), text("lv.date")),
            shift_type=str(form.get("shift", "")),
            from_doctor=str(form.get("from_doctor", "")) or None,
            to_doctor=str(form.get("to_doctor", "")),
            role=Role.BAKVAKT if form.get("role") == "bakvakt" else Role.VAKT,
        )
    except ValidationError as error:
        message = "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in error.errors())
        return _period_page(request, user, legevakt, period, status_code=400, error=message)
    why = str(form.get("why", ""))
    try:
        version = live.edit(rota_store(request), period.id, change, user.username, expected_version=expected, why=why)
    except (VersionConflict, live.LivingRotaError) as error:
        return _change_refused(request, user, legevakt, period, error)
    audit(
        request,
        user,
        _code(user, legevakt),
        text("audit.action.lv_edited"),
        f"legevakt/periode/{period.id}",
        None,
        {"change": change.model_dump(mode="json"), "version": version.number, "why": why},
    )
    return redirect(f"/legevakt/periode/{period.id}", text("lv.edited"), request)


@router.post("/legevakt/periode/{period_id}/las", response_model=None)
async def period_pin(request: Request, period_id: int, user: User = Depends(current_user)) -> Response:
    """Lock (or unlock) a doctor on a duty; locking a doctor not on it gives it to them first, checked by the rules."""
    form = await checked_form(request)
    legevakt, period = period_of(request, user, period_id, "editor")
    expected = _version_of(form)
    pinned = form.get("unpin") is None
    try:
        assignment = Assignment(
            date=_date(form.get("date"), text("lv.date")),
            shift_type=str(form.get("shift", "")),
            doctor=str(form.get("doctor", "")),
            role=Role.BAKVAKT if form.get("role") == "bakvakt" else Role.VAKT,
        )
        live.pin(rota_store(request), period.id, assignment, user.username, expected_version=expected, pinned=pinned)
    except ValidationError as error:
        message = "; ".join(str(e["msg"]) for e in error.errors())
        return _period_page(request, user, legevakt, period, status_code=400, error=message)
    except (VersionConflict, live.LivingRotaError) as error:
        return _change_refused(request, user, legevakt, period, error)
    audit(
        request,
        user,
        _code(user, legevakt),
        text("audit.action.lv_pinned" if pinned else "audit.action.lv_unpinned"),
        f"legevakt/periode/{period.id}",
        None,
        assignment.model_dump(mode="json"),
    )
    return redirect(f"/legevakt/periode/{period.id}", text("lv.pinned" if pinned else "lv.unpinned"), request)


@router.get("/legevakt/periode/{period_id}/kandidater", response_class=HTMLResponse)
def period_candidates(
    request: Request,
    period_id: int,
    dato: str = "",
    vakt: str = "",
    erstatter: str = "",
    user: User = Depends(current_user),
) -> HTMLResponse:
    """«Hvem kan ta vakten»: legal candidates for an open shift (or in place of a doctor), ranked by fairness."""
    legevakt, period = period_of(request, user, period_id)
    report = None
    error = None
    if dato and vakt:
        try:
            report = live.shift_candidates(
                rota_store(request), period.id, _date(dato, text("lv.date")), vakt, replacing=erstatter or None
            )
        except live.LivingRotaError as failure:
            error = str(failure)
    return render(
        request,
        "legevakt/candidates.html",
        status_code=400 if error else 200,
        legevakt=legevakt,
        period=period,
        report=report,
        error=error,
        values={"dato": dato, "vakt": vakt, "erstatter": erstatter},
        names={d.id: d.name for d in period.problem.doctors},
        chief=_is_chief(user, legevakt),
        current=rota_store(request).current_version(period.id),
    )


@router.get("/legevakt/periode/{period_id}/hendelser", response_class=HTMLResponse)
def period_events(request: Request, period_id: int, user: User = Depends(current_user)) -> HTMLResponse:
    legevakt, period = period_of(request, user, period_id)
    return render(
        request,
        "legevakt/events.html",
        legevakt=legevakt,
        period=period,
        events=rota_store(request).events(period.id),
        names={d.id: d.name for d in period.problem.doctors},
    )


@router.get("/legevakt/periode/{period_id}/dekning", response_class=HTMLResponse)
def period_coverage(
    request: Request, period_id: int, dagtid: bool = False, user: User = Depends(current_user)
) -> HTMLResponse:
    legevakt, period = period_of(request, user, period_id)
    report = live.period_coverage(rota_store(request), period.id, include_daytime=dagtid)
    return render(request, "legevakt/coverage.html", legevakt=legevakt, period=period, report=report, daytime=dagtid)


@router.get("/legevakt/periode/{period_id}/timer.{fmt}")
def period_hours(request: Request, period_id: int, fmt: str, user: User = Depends(current_user)) -> Response:
    """Hours per doctor per month for payroll (weekday evening, night, weekend, holiday; bakvakt apart)."""
    legevakt, period = period_of(request, user, period_id)
    if fmt not in ("csv", "xlsx"):
        raise HTTPException(status_code=404, detail=text("error.not_found"))
    try:
        rows = live.period_hours(rota_store(request), period.id)
    except live.LivingRotaError as error:
        raise HTTPException(status_code=404, detail=str(error)) from error
    name = f"timer-legevakt-{legevakt.id}-{period.start}"
    if fmt == "csv":
        return Response(
            hours_csv(rows),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    return Response(
        hours_xlsx(rows),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
    )


@router.get("/legevakt/{legevakt_id}/rettferdighet.csv")
def fairness_csv(request: Request, legevakt_id: int, user: User = Depends(current_user)) -> Response:
    """The cumulative fairness report over published periods as CSV for a Norwegian spreadsheet (`;`, decimal comma,
    UTF-8 with BOM), formulas neutralised."""
    from legeplan.safe_cells import spreadsheet_csv

    legevakt = legevakt_of(request, user, legevakt_id)
    report = live.fairness_report(rota_store(request), legevakt.id)
    categories = ("alle", "natt", "helg", "helligdag")
    header = [
        "lege",
        "navn",
        *[f"{c}_vakter" for c in categories],
        *[f"{c}_andel" for c in categories],
        *[f"{c}_balanse" for c in categories],
        "bakvakter",
    ]
    rows = [
        [
            row.doctor,
            row.name,
            *[row.load.get(c, 0.0) for c in categories],
            *[row.share.get(c, 0.0) for c in categories],
            *[row.balance.get(c, 0.0) for c in categories],
            row.bakvakter,
        ]
        for row in report.doctors
    ]
    return Response(
        spreadsheet_csv(header, rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="rettferdighet-legevakt-{legevakt.id}.csv"'},
    )


# --- jobs -------------------------------------------------------------------------------------------------------------


def _job_of(request: Request, user: User, job_id: str) -> tuple[Any, RotaPeriod]:
    job = job_queue(request).get(job_id)
    if job is None or job.kind not in ("rota_solve", "rota_repair") or "period_id" not in job.payload:
        raise HTTPException(status_code=404, detail=text("error.not_found"))
    _legevakt, period = period_of(request, user, int(job.payload["period_id"]))
    return job, period


@router.get("/legevakt/jobb/{job_id}", response_class=HTMLResponse)
def job_page(request: Request, job_id: str, user: User = Depends(current_user)) -> Response:
    job, period = _job_of(request, user, job_id)
    if job.state == "done":
        done = text("lv.solved") if job.kind == "rota_solve" else text("lv.repaired")
        return redirect(f"/legevakt/periode/{period.id}", done, request)
    return render(request, "legevakt/job.html", job=job, period=period)


@router.get("/legevakt/jobb/{job_id}/progress", response_model=None)
def job_progress(request: Request, job_id: str, user: User = Depends(current_user)) -> Response:
    """Polled by htmx every second; a finished job sends the browser on."""
    job, period = _job_of(request, user, job_id)
    if job.finished:
        return Response(status_code=200, headers={"HX-Redirect": f"/legevakt/jobb/{job_id}"})
    return render(request, "legevakt/job_progress.html", job=job, period=period)


# --- calendar subscriptions -----------------------------------------------------------------------------------------


@router.post("/legevakt/{legevakt_id}/kalender", response_model=None)
async def calendar_create(request: Request, legevakt_id: int, user: User = Depends(current_user)) -> Response:
    """A doctor's calendar subscription URL; the secret is shown once (only its hash is stored)."""
    form = await checked_form(request)
    legevakt = legevakt_of(request, user, legevakt_id, "editor")
    doctor = str(form.get("doctor", ""))
    if doctor not in _doctors_of(rota_store(request).periods(legevakt.id)):
        return _legevakt_page(
            request, user, legevakt, status_code=400, errors={"doctor": text("lv.unknown_doctor", doctor=doctor[:64])}
        )
    token, secret = rota_store(request).create_calendar_token(legevakt.id, doctor, user.username)
    audit(
        request,
        user,
        _code(user, legevakt),
        text("audit.action.lv_token_created"),
        f"legevakt/{legevakt.id}/kalender/{token.id}",
        None,
        {"doctor": doctor},
    )
    url = str(request.url_for("doctor_calendar", token=secret))
    return _legevakt_page(request, user, legevakt, new_token_url=url)


@router.post("/legevakt/{legevakt_id}/kalender/{token_id}/trekk", response_model=None)
async def calendar_revoke(
    request: Request, legevakt_id: int, token_id: int, user: User = Depends(current_user)
) -> Response:
    await checked_form(request)
    legevakt = legevakt_of(request, user, legevakt_id, "editor")
    token = rota_store(request).calendar_token_by_id(token_id)
    if token is None or token.legevakt_id != legevakt.id:
        raise HTTPException(status_code=404, detail=text("error.not_found"))
    rota_store(request).revoke_calendar_token(token_id, user.username)
    audit(
        request,
        user,
        _code(user, legevakt),
        text("audit.action.lv_token_revoked"),
        f"legevakt/{legevakt.id}/kalender/{token_id}",
        {"doctor": token.physician_id},
        None,
    )
    return redirect(f"/legevakt/{legevakt.id}", text("lv.token_revoked"), request)


@router.get("/kalender/{token}.ics", name="doctor_calendar")
def doctor_calendar(request: Request, token: str) -> Response:
    """The doctor's duties in every published period (no login: the secret token is the key; 404 once revoked)."""
    found = rota_store(request).calendar_token(token) if len(token) <= 100 else None
    legevakt = None if found is None else rota_store(request).legevakt(found.legevakt_id)
    if found is None or legevakt is None or legevakt.deleted_at is not None:
        raise HTTPException(status_code=404, detail=text("error.not_found"))
    body = live.doctor_calendar(rota_store(request), legevakt.id, found.physician_id)
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Cache-Control": "private, max-age=300", "Content-Disposition": 'inline; filename="legevakt.ics"'},
    )


def payroll_rows(period: RotaPeriod, version: RotaVersion) -> list[list[str]]:
    """The hours table as the page shows it (bokmål numbers)."""
    return [
        [
            r.name,
            r.month,
            number(r.shifts),
            decimal(r.total),
            decimal(r.kveld),
            decimal(r.natt),
            decimal(r.helg),
            decimal(r.helligdag),
            decimal(r.bakvakt),
        ]
        for r in payroll_hours(period.problem, version.assignments)
    ]
