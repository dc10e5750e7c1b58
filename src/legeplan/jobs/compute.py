"""Job handlers for heavy work the web pages start (issue 14, item 3): the Monte Carlo simulation of a scenario's
GP workforce and the fetch of official statistics (SSB, KUHR). Both ran (or would run) inside a web request; as jobs
they run in the worker's child process with limits, report progress and store their result on the job.

Registered in `legeplan.jobs.handlers.HANDLERS`; limits in `legeplan.jobs.model.JOB_KINDS`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from legeplan.i18n import number, text
from legeplan.jobs.model import JobFailure

if TYPE_CHECKING:
    from legeplan.jobs.handlers import JobContext

#: Bounds on what a user may ask the simulation for (the job's CPU limit must cover the largest).
SIMULATION_MAX_RUNS = 10_000
SIMULATION_MAX_YEARS = 30


# --- scenario simulation ---------------------------------------------------------------------------------------------


def scenario_simulation(ctx: JobContext) -> dict[str, Any]:
    """Simulate vacancies and locum cost for a stored scenario: from the municipality's register when it has one
    (the GPs' ages, vacant hjemler, ALIS), otherwise from the scenario's own hjemler and ages. Result: the
    `SimulationResult` as JSON plus where the start came from."""
    from legeplan.capacity import (
        TURNOVER_NORD_NORGE,
        ScenarioError,
        parse_scenario,
        simulate_workforce,
        workforce_from_register,
        workforce_from_scenario,
    )
    from legeplan.storage import RegisterNotFoundError
    from legeplan.storage.web_tables import WebStore

    payload = ctx.job.payload
    code = ctx.job.municipality_code or ""
    runs = int(payload.get("runs", 1000))
    years = int(payload.get("years", 10))
    if not 1 <= runs <= SIMULATION_MAX_RUNS or not 1 <= years <= SIMULATION_MAX_YEARS:
        raise JobFailure(text("sim.error.size", runs=number(SIMULATION_MAX_RUNS), years=SIMULATION_MAX_YEARS))
    saved = WebStore(ctx.storage).scenario(int(payload["scenario_id"]))
    if saved is None or saved.municipality_code != code or saved.deleted_at is not None:
        raise JobFailure(text("sim.error.gone"))
    ctx.report({"percent": 2, "message": text("sim.progress.preparing")})
    try:
        scenario = parse_scenario(saved.body, source=saved.name)
    except ScenarioError as error:
        raise JobFailure(str(error)) from error
    try:
        register = ctx.storage.load_register(code)
    except RegisterNotFoundError:
        register = None
    if register is not None and register.positions:
        params = workforce_from_register(register, scenario, years=years)
        start_year = register.as_of.year + 1
        start = "register"
    else:
        params = workforce_from_scenario(scenario, turnover_rate=TURNOVER_NORD_NORGE)
        start_year = scenario.base_year
        start = "scenario"

    def progress(done: int, total: int) -> None:
        if ctx.cancelled():
            from legeplan.jobs.model import JobCancelled

            raise JobCancelled()
        ctx.report(
            {"percent": 5 + int(90 * done / total), "message": text("sim.progress.runs", done=done, total=total)}
        )

    result = simulate_workforce(
        params,
        runs=runs,
        years=years,
        start_year=start_year,
        seed=payload.get("seed") if isinstance(payload.get("seed"), int) else None,
        progress=progress,
    )
    return {
        "scenario_id": saved.id,
        "scenario_name": saved.name,
        "start": start,
        "simulation": result.model_dump(mode="json"),
    }


# --- statistics fetch ------------------------------------------------------------------------------------------------


def statistics_fetch(ctx: JobContext) -> dict[str, Any]:
    """Fetch SSB tables and KUHR fee-code use for the job's municipality into the statistics cache (figures already
    cached are kept, so a failed fetch loses nothing). Result: the Norwegian summary the statistics page shows and
    the status of each table; the fetch is audited under the user who started it."""
    from legeplan.statistics.errors import StatisticsError
    from legeplan.statistics.kuhr import KuhrClient
    from legeplan.statistics.service import Status, fetch_statistics
    from legeplan.statistics.ssb import PxWebClient
    from legeplan.statistics.tables import DEFAULT_TABLES
    from legeplan.storage.statistics_tables import StatisticsStore
    from legeplan.storage.web_tables import WebStore

    payload = ctx.job.payload
    code = ctx.job.municipality_code or ""
    refresh = bool(payload.get("refresh"))
    options: dict[str, Any] = {
        "timeout_s": float(payload.get("timeout_s", 8.0)),
        "retries": int(payload.get("retries", 1)),
    }
    ssb_url = payload.get("ssb_url")
    kuhr_url = payload.get("kuhr_url")
    steps = len(DEFAULT_TABLES) + 1  # the SSB tables, then KUHR
    done = 0

    def progress(message: str) -> None:
        nonlocal done
        done += 1
        ctx.report({"percent": min(95, 5 + int(90 * done / steps)), "message": message})

    ctx.report({"percent": 2, "message": text("stats.job.starting")})
    with (
        PxWebClient(ssb_url if isinstance(ssb_url, str) else None, **options) as ssb,
        KuhrClient(kuhr_url if isinstance(kuhr_url, str) else None, **options) as kuhr,
    ):
        try:
            report = fetch_statistics(
                StatisticsStore(ctx.storage), code, refresh=refresh, ssb=ssb, kuhr=kuhr, progress=progress
            )
        except StatisticsError as error:
            raise JobFailure(str(error)) from error
    done_tables = [t for t in report.tables if t.status is not Status.FAILED]
    failed = [t for t in report.tables if t.status is Status.FAILED]
    summary = ", ".join(
        f"{t.citation} {text('stats.status.' + t.status.value)}"
        + (f" ({'; '.join(c.text for c in t.changes)})" if t.changes else "")
        for t in done_tables
    )
    message = text("stats.web.fetched", summary=summary or text("stats.web.nothing_new"))
    if failed:
        message += " " + text("stats.web.failed", messages=" ".join(f"{t.table_id}: {t.message}" for t in failed))
    tables = [[t.table_id, t.status.value, t.data_date_text] for t in report.tables]
    WebStore(ctx.storage).audit(
        ctx.job.owner, code, "statistics.fetch", f"statistics/{code}", None, {"tables": tables, "refresh": refresh}
    )
    return {"message": message, "tables": tables, "failed": len(failed)}
