"""Dimensioning scenarios: list, create, compare, result, edit with versions, delete and restore."""

from __future__ import annotations

import math
import tomllib
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from legeplan.capacity import EXAMPLES, ScenarioError, example_path, parse_scenario
from legeplan.i18n import SHARE_FIELDS, number, text, validation_message
from legeplan.storage.job_tables import JobRecord
from legeplan.storage.repository import VersionConflict
from legeplan.storage.web_tables import User
from legeplan.web import views
from legeplan.web.auth import (
    checked_form,
    current_user,
    require_scope,
)
from legeplan.web.conflicts import conflict_rows
from legeplan.web.forms import (
    error_field,
    sentence,
)
from legeplan.web.listing import form_number, read_form_number
from legeplan.web.routes.common import (
    audit,
    job_queue,
    load_register_or_none,
    redirect,
    render,
    web_store,
)

router = APIRouter()
SCENARIO_FIELDS = (
    "positions",
    "average_list_length",
    "listed_patients",
    "free_places",
    "residents_listed_elsewhere",
    "guest_patients",
    "target_list_length",
    "target_free_share",
    "retirement_age",
)
INT_SCENARIO_FIELDS = frozenset(
    {"positions", "listed_patients", "free_places", "residents_listed_elsewhere", "guest_patients", "retirement_age"}
)


# --- scenarios -------------------------------------------------------------------------------------------------------


def scenario_of(request: Request, user: User, code: str, scenario_id: int, role: str = "viewer") -> Any:
    require_scope(user, code, role)
    # An id beyond the database's integer range is simply not found (SQLite would raise OverflowError).
    saved = web_store(request).scenario(scenario_id) if 0 < scenario_id < 2**63 else None
    if saved is None or saved.municipality_code != code or saved.deleted_at is not None:
        raise HTTPException(status_code=404, detail=text("error.not_found"))
    return saved


@router.get("/m/{code}/scenarios", response_class=HTMLResponse)
def scenarios_page(request: Request, code: str, user: User = Depends(current_user)) -> HTMLResponse:
    require_scope(user, code)
    return render(
        request,
        "scenarios.html",
        code=code,
        scenarios=web_store(request).scenarios(code),
        deleted=web_store(request).scenarios(code, deleted=True) if user.role in ("editor", "admin") else [],
        examples=EXAMPLES,
        error=None,
    )


@router.post("/m/{code}/scenarios", response_model=None)
async def scenario_create(request: Request, code: str, user: User = Depends(current_user)) -> Response:
    form = await checked_form(request)
    require_scope(user, code, "editor")
    example = str(form.get("example", ""))
    name = str(form.get("name", "")).strip()
    if example not in EXAMPLES or not name:
        error = text("error.choice") if example not in EXAMPLES else text("error.required")
        return render(
            request,
            "scenarios.html",
            status_code=400,
            code=code,
            scenarios=web_store(request).scenarios(code),
            examples=EXAMPLES,
            error=error,
        )
    body = tomllib.loads(example_path(example).read_text(encoding="utf-8"))
    register = load_register_or_none(request, code)
    if register is not None and form.get("from_register") == "1":
        # The register's hjemler, lists, ages and planned hjemler; the example gives projection and targets.
        from legeplan.capacity import scenario_from_register

        scenario = scenario_from_register(register, parse_scenario(body, source=example))
        body = scenario.model_dump(mode="json", exclude_none=True)
    body["name"] = name
    scenario_id = web_store(request).save_scenario(code, name, body)
    audit(request, user, code, text("audit.action.created"), f"scenario/{scenario_id}", None, body)
    return redirect(f"/m/{code}/scenarios/{scenario_id}", text("scn.saved"), request)


@router.get("/m/{code}/scenarios/compare", response_class=HTMLResponse)
def scenario_compare(request: Request, code: str, a: int, b: int, user: User = Depends(current_user)) -> HTMLResponse:
    if a == b:
        require_scope(user, code)
        return render(
            request,
            "scenarios.html",
            status_code=400,
            code=code,
            scenarios=web_store(request).scenarios(code),
            examples=EXAMPLES,
            error=text("scn.same"),
        )
    runs = []
    for scenario_id in (a, b):
        saved = scenario_of(request, user, code, scenario_id)
        scenario, result = views.run_scenario(saved.body, saved.name)
        runs.append((saved, scenario, result))
    rows_b = {r.year: r for r in runs[1][2].rows}
    pairs = [(r, rows_b[r.year]) for r in runs[0][2].rows if r.year in rows_b]
    (saved_a, _, result_a), (saved_b, _, result_b) = runs
    return render(
        request,
        "compare.html",
        code=code,
        runs=runs,
        pairs=pairs,
        chart=views.compare_chart(saved_a.name, result_a, saved_b.name, result_b),
        conclusion=views.compare_conclusion(saved_a.name, result_a, saved_b.name, result_b),
    )


@router.get("/m/{code}/scenarios/{scenario_id}", response_class=HTMLResponse)
def scenario_result(request: Request, code: str, scenario_id: int, user: User = Depends(current_user)) -> HTMLResponse:
    saved = scenario_of(request, user, code, scenario_id)
    try:
        scenario, result = views.run_scenario(saved.body, saved.name)
    except ScenarioError as error:
        return render(
            request,
            "scenario_edit.html",
            status_code=400,
            code=code,
            saved=saved,
            fields=SCENARIO_FIELDS,
            values=_scenario_values(saved.body),
            errors=scenario_errors(error),
        )
    return render(
        request,
        "scenario_result.html",
        code=code,
        saved=saved,
        scenario=scenario,
        result=result,
        chart=views.scenario_chart(saved.body, saved.name),
    )


def _form_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return form_number(value)
    return str(value)


def _scenario_values(body: dict[str, Any]) -> dict[str, str]:
    values = {f: _form_text(body.get(f)) for f in SCENARIO_FIELDS}
    values["name"] = str(body.get("name", ""))
    values["rounding"] = str(body.get("rounding", "nearest"))
    return values


def _scenario_number(field: str, raw: str) -> int | float | None:
    """A scenario field's number from its Norwegian form text (already without spaces, comma read as point); a share
    may be written as a percentage («7 %» is 0,07). None for text that is no finite number («1_000», «nan», «inf»)."""
    percent = field in SHARE_FIELDS and raw.endswith("%")
    raw = raw.removesuffix("%") if percent else raw
    if "_" in raw or not raw:
        return None
    try:
        value: int | float = int(raw) if field in INT_SCENARIO_FIELDS else float(raw)
    except ValueError:
        return None
    if not math.isfinite(value):
        return None
    return value / 100 if percent else value


def update_scenario_body(body: dict[str, Any], form: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """The scenario with the posted fields; errors keyed by field, checked by the capacity engine's own model."""
    errors: dict[str, str] = {}
    updated = dict(body)
    name = str(form.get("name", "")).strip()
    if not name:
        errors["name"] = text("error.required")
    updated["name"] = name
    for field in SCENARIO_FIELDS:
        raw = read_form_number(str(form.get(field, "")))
        if raw == "":
            updated.pop(field, None)
            continue
        value = _scenario_number(field, raw)
        if value is None:
            errors[field] = text("error.integer" if field in INT_SCENARIO_FIELDS else "error.number")
        else:
            updated[field] = value
    rounding = str(form.get("rounding", "nearest"))
    updated["rounding"] = rounding
    if not errors:
        try:
            parse_scenario(updated, source="skjema")
        except ScenarioError as error:
            errors.update(scenario_errors(error))
    return updated, errors


def scenario_errors(error: ScenarioError) -> dict[str, str]:
    """The capacity engine's complaint as Norwegian messages under the scenario form's fields."""
    names = {*SCENARIO_FIELDS, "rounding", "name"}
    cause = error.__cause__
    if not isinstance(cause, ValidationError):
        message = str(error).removeprefix("skjema: ")
        field = next((f for f in names if f in message), "__all__")
        return {field: sentence(message)}
    errors: dict[str, str] = {}
    for item in cause.errors():
        errors.setdefault(error_field(item, names), sentence(validation_message(item)))
    return errors


@router.get("/m/{code}/scenarios/{scenario_id}/edit", response_class=HTMLResponse)
def scenario_edit(request: Request, code: str, scenario_id: int, user: User = Depends(current_user)) -> HTMLResponse:
    saved = scenario_of(request, user, code, scenario_id, "editor")
    return render(
        request,
        "scenario_edit.html",
        code=code,
        saved=saved,
        fields=SCENARIO_FIELDS,
        values={**_scenario_values(saved.body), "version": str(saved.version)},
        errors={},
    )


@router.post("/m/{code}/scenarios/{scenario_id}/edit", response_model=None)
async def scenario_save(request: Request, code: str, scenario_id: int, user: User = Depends(current_user)) -> Response:
    form = await checked_form(request)
    saved = scenario_of(request, user, code, scenario_id, "editor")
    updated, errors = update_scenario_body(saved.body, form)
    if errors:
        values = {k: str(v) for k, v in form.items() if isinstance(v, str)}
        return render(
            request,
            "scenario_edit.html",
            status_code=400,
            code=code,
            saved=saved,
            fields=SCENARIO_FIELDS,
            values=values,
            errors=errors,
        )
    raw_version = str(form.get("version", "")).strip()
    expected = int(raw_version) if raw_version.isdigit() else None
    try:
        web_store(request).save_scenario(code, updated["name"], updated, scenario_id, expected_version=expected)
    except VersionConflict:
        current = scenario_of(request, user, code, scenario_id, "editor")
        yours = {k: str(v) for k, v in form.items() if isinstance(v, str)}
        theirs = _scenario_values(current.body)
        labels = {"name": text("scn.name"), **{f: text(f"scn.field.{f}") for f in SCENARIO_FIELDS}}
        return render(
            request,
            "scenario_edit.html",
            status_code=409,
            code=code,
            saved=current,
            fields=SCENARIO_FIELDS,
            values={**yours, "version": str(current.version)},
            errors={"__all__": text("conflict.help")},
            conflict=[row for row in conflict_rows(labels, theirs, yours) if row.differs],
        )
    audit(request, user, code, text("audit.action.changed"), f"scenario/{scenario_id}", saved.body, updated)
    return redirect(f"/m/{code}/scenarios/{scenario_id}", text("scn.saved"), request)


@router.post("/m/{code}/scenarios/{scenario_id}/delete", response_model=None)
async def scenario_delete(
    request: Request, code: str, scenario_id: int, user: User = Depends(current_user)
) -> Response:
    """Soft delete (editor): the scenario leaves the lists and can be restored under «Slettet»."""
    await checked_form(request)
    saved = scenario_of(request, user, code, scenario_id, "editor")
    web_store(request).delete_scenario(scenario_id)
    audit(request, user, code, text("audit.action.deleted"), f"scenario/{scenario_id}", saved.body, None)
    return redirect(f"/m/{code}/scenarios", text("deleted.done"), request)


@router.post("/m/{code}/scenarios/{scenario_id}/restore", response_model=None)
async def scenario_restore(
    request: Request, code: str, scenario_id: int, user: User = Depends(current_user)
) -> Response:
    await checked_form(request)
    require_scope(user, code, "editor")
    saved = web_store(request).scenario(scenario_id)
    if saved is None or saved.municipality_code != code or saved.deleted_at is None:
        raise HTTPException(status_code=404, detail=text("error.not_found"))
    web_store(request).restore_scenario(scenario_id)
    audit(request, user, code, text("deleted.restore"), f"scenario/{scenario_id}", None, saved.body)
    return redirect(f"/m/{code}/scenarios/{scenario_id}", text("deleted.restored"), request)


# --- the Monte Carlo simulation of a scenario, as a job --------------------------------------------------------------


def _bounded(raw: object, default: int, high: int) -> int | None:
    text_value = read_form_number(str(raw or "")) or str(default)
    try:
        value = int(text_value)
    except ValueError:
        return None
    return value if 1 <= value <= high else None


@router.post("/m/{code}/scenarios/{scenario_id}/simulate", response_model=None)
async def scenario_simulate(
    request: Request, code: str, scenario_id: int, user: User = Depends(current_user)
) -> Response:
    """Start the workforce simulation of a scenario as a job (`scenario_simulation`); the page shows its progress.
    Thousands of Monte Carlo runs take seconds of CPU: never inside the request."""
    from legeplan.jobs.compute import SIMULATION_MAX_RUNS, SIMULATION_MAX_YEARS

    form = await checked_form(request)
    saved = scenario_of(request, user, code, scenario_id)
    runs = _bounded(form.get("runs"), 1000, SIMULATION_MAX_RUNS)
    years = _bounded(form.get("years"), 10, SIMULATION_MAX_YEARS)
    if runs is None or years is None:
        message = text("sim.error.size", runs=number(SIMULATION_MAX_RUNS), years=SIMULATION_MAX_YEARS)
        return redirect(f"/m/{code}/scenarios/{scenario_id}", message, request)
    payload = {"scenario_id": saved.id, "runs": runs, "years": years}
    job = await run_in_threadpool(job_queue(request).enqueue, "scenario_simulation", user.username, code, payload)
    return redirect(f"/m/{code}/scenarios/{scenario_id}/simulation/{job.id}", text("sim.queued"), request)


def _simulation_job(request: Request, code: str, scenario_id: int, job_id: str) -> JobRecord:
    job = job_queue(request).get(job_id) if len(job_id) <= 64 else None
    if (
        job is None
        or job.kind != "scenario_simulation"
        or job.municipality_code != code
        or job.payload.get("scenario_id") != scenario_id
    ):
        raise HTTPException(status_code=404, detail=text("error.not_found"))
    return job


@router.get("/m/{code}/scenarios/{scenario_id}/simulation/{job_id}", response_class=HTMLResponse)
def scenario_simulation_page(
    request: Request, code: str, scenario_id: int, job_id: str, user: User = Depends(current_user)
) -> HTMLResponse:
    """The simulation's progress while it runs, then its percentile bands per year (stored on the job)."""
    saved = scenario_of(request, user, code, scenario_id)
    job = _simulation_job(request, code, scenario_id, job_id)
    simulation = None
    if job.state == "done" and isinstance(job.result, dict):
        from legeplan.capacity import SimulationResult

        simulation = SimulationResult.model_validate(job.result["simulation"])
    return render(
        request,
        "scenario_simulation.html",
        code=code,
        saved=saved,
        job=job,
        simulation=simulation,
        poll_url=f"/m/{code}/scenarios/{scenario_id}/simulation/{job_id}/progress",
    )


@router.get("/m/{code}/scenarios/{scenario_id}/simulation/{job_id}/progress", response_model=None)
def scenario_simulation_progress(
    request: Request, code: str, scenario_id: int, job_id: str, user: User = Depends(current_user)
) -> Response:
    """Polled by htmx every second; sends the browser to the result when the job has ended."""
    scenario_of(request, user, code, scenario_id)
    job = _simulation_job(request, code, scenario_id, job_id)
    url = f"/m/{code}/scenarios/{scenario_id}/simulation/{job_id}"
    if job.finished:
        return Response(status_code=200, headers={"HX-Redirect": url})
    return render(request, "job_progress.html", job=job, poll_url=f"{url}/progress")
