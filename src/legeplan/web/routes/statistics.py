"""Official statistics in the web app: a page with the cached key figures (municipality, county, country, source)
and a button that fetches them (POST, editor role).

The fetch runs as a job (`statistics_fetch`, legeplan.jobs.compute) with a short timeout and few retries, never in
the request; the page polls its progress. Figures already cached are kept, so a failed fetch never loses anything.
Base URLs: `app.state.ssb_url` / `app.state.kuhr_url` when the app sets them, else LEGEPLAN_SSB_URL /
LEGEPLAN_KUHR_URL, else the public services. Mounted from the app factory.
"""

from __future__ import annotations

import os
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from legeplan.i18n import text
from legeplan.statistics.errors import StatisticsError
from legeplan.statistics.figures import KEY_FIGURES, Comparison, comparison
from legeplan.statistics.inputs import contacts_comparison
from legeplan.storage.job_tables import JobRecord
from legeplan.storage.statistics_tables import StatisticsStore
from legeplan.storage.web_tables import User
from legeplan.web.auth import checked_form, current_user, has_role, require_scope
from legeplan.web.routes.common import job_queue, redirect, render

router = APIRouter(tags=["statistics"])
#: The web request waits at most about this long per service call, with one retry.
WEB_TIMEOUT_S = 8.0
WEB_RETRIES = 1


def _store(request: Request) -> StatisticsStore:
    return StatisticsStore(request.app.state.storage)


def _number(value: float, decimals: int) -> str:
    return f"{round(value, decimals) + 0.0:,.{decimals}f}".replace(",", "\u00a0").replace(".", ",")


def _comparisons(store: StatisticsStore, code: str) -> list[Comparison]:
    """Every cached key figure beside county and country, then measured consultations per inhabitant (KUHR)."""
    found: list[Comparison] = []
    for key in KEY_FIGURES:
        try:
            found.append(comparison(store, code, key))
        except StatisticsError:
            continue
    try:
        measured = contacts_comparison(store, code)
    except StatisticsError:
        measured = None
    if measured is not None:
        found.append(measured)
    return found


def _rows(store: StatisticsStore, code: str) -> list[dict[str, str]]:
    rows = []
    for found in _comparisons(store, code):
        decimals = 0 if float(found.municipality.value).is_integer() else 1
        if found.key == "kuhr_konsultasjoner_per_innbygger":
            decimals = 2
        rows.append(
            {
                "label": found.label,
                "municipality": _number(found.municipality.value, decimals),
                "county": _number(found.county.value, decimals) if found.county else "–",
                "country": _number(found.country.value, decimals) if found.country else "–",
                "citation": found.municipality.citation,
            }
        )
    return rows


@router.get("/m/{code}/statistics", response_class=HTMLResponse)
def statistics_page(request: Request, code: str, user: User = Depends(current_user)) -> HTMLResponse:
    """Cached key figures with county and country beside them, each with its source; the fetch button for
    editors."""
    require_scope(user, code)
    store = _store(request)
    history = [
        f"{h.fetched_at:%d.%m.%Y %H:%M}: {'SSB tabell ' + h.table_id if h.source == 'ssb' else 'KUHR takstbruk'}"
        f" ({h.data_date_text})"
        for h in store.history(code)[:20]
    ]
    return render(
        request,
        "statistics.html",
        code=code,
        rows=_rows(store, code),
        history=history,
        can_fetch=has_role(user, "editor"),
    )


@router.get("/m/{code}/statistics.json")
def statistics_json(request: Request, code: str, user: User = Depends(current_user)) -> dict[str, Any]:
    """The same figures for machines: municipality, county and country with provenance."""
    require_scope(user, code)
    return {"municipality": code, "figures": [c.as_dict() for c in _comparisons(_store(request), code)]}


@router.post("/m/{code}/statistics/fetch", response_model=None)
async def statistics_fetch(request: Request, code: str, user: User = Depends(current_user)) -> RedirectResponse:
    """Fetch SSB tables and KUHR fee-code use for the municipality into the cache (editor). The fetch waits on two
    services with timeouts and retries, so it runs as a job (`statistics_fetch`); the page shows its progress."""
    form = await checked_form(request)
    require_scope(user, code, "editor")
    refresh = form.get("refresh") in ("1", "on", "true")
    state = request.app.state
    payload: dict[str, Any] = {
        "refresh": refresh,
        "timeout_s": WEB_TIMEOUT_S,
        "retries": WEB_RETRIES,
        "ssb_url": getattr(state, "ssb_url", None) or os.environ.get("LEGEPLAN_SSB_URL"),
        "kuhr_url": getattr(state, "kuhr_url", None) or os.environ.get("LEGEPLAN_KUHR_URL"),
    }
    queue = job_queue(request)
    job = await run_in_threadpool(queue.enqueue, "statistics_fetch", user.username, code, payload)
    return redirect(f"/m/{code}/statistics/job/{job.id}", text("stats.job.queued"), request)


def _fetch_job(request: Request, user: User, code: str, job_id: str) -> JobRecord:
    require_scope(user, code, "editor")
    job = job_queue(request).get(job_id) if len(job_id) <= 64 else None
    if job is None or job.kind != "statistics_fetch" or job.municipality_code != code:
        raise HTTPException(status_code=404, detail=text("error.not_found"))
    return job


def _finished_message(job: JobRecord) -> str:
    if job.state == "done" and isinstance(job.result, dict):
        return str(job.result.get("message", ""))
    return text("stats.job.failed", error=job.error or text("job.state." + job.state))


@router.get("/m/{code}/statistics/job/{job_id}", response_model=None)
def statistics_fetch_job(request: Request, code: str, job_id: str, user: User = Depends(current_user)) -> Response:
    """The fetch's progress while it runs; when it has ended, the statistics page with its summary."""
    job = _fetch_job(request, user, code, job_id)
    if job.finished:
        return redirect(f"/m/{code}/statistics", _finished_message(job), request)
    store = _store(request)
    return render(
        request,
        "statistics.html",
        code=code,
        rows=_rows(store, code),
        history=[],
        can_fetch=False,
        job=job,
        poll_url=f"/m/{code}/statistics/job/{job_id}/progress",
    )


@router.get("/m/{code}/statistics/job/{job_id}/progress", response_model=None)
def statistics_fetch_progress(request: Request, code: str, job_id: str, user: User = Depends(current_user)) -> Response:
    """Polled by htmx every second; sends the browser back to the statistics page when the fetch has ended."""
    job = _fetch_job(request, user, code, job_id)
    if job.finished:
        return Response(status_code=200, headers={"HX-Redirect": f"/m/{code}/statistics/job/{job_id}"})
    return render(request, "job_progress.html", job=job, poll_url=f"/m/{code}/statistics/job/{job_id}/progress")
