"""Official statistics in the web app: a page with the cached key figures (municipality, county, country, source)
and a button that fetches them (POST, editor role).

The fetch runs synchronously with a short timeout and few retries; figures already cached are kept, so a failed
fetch never loses anything. Base URLs: `app.state.ssb_url` / `app.state.kuhr_url` when the app sets them, else
LEGEPLAN_SSB_URL / LEGEPLAN_KUHR_URL, else the public services. Mounted from the app factory.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from legeplan.i18n import text
from legeplan.statistics.errors import StatisticsError
from legeplan.statistics.figures import KEY_FIGURES, Comparison, comparison
from legeplan.statistics.inputs import contacts_comparison
from legeplan.statistics.kuhr import KuhrClient
from legeplan.statistics.service import Status, fetch_statistics
from legeplan.statistics.ssb import PxWebClient
from legeplan.storage.statistics_tables import StatisticsStore
from legeplan.storage.web_tables import User
from legeplan.web.auth import checked_form, current_user, has_role, require_scope
from legeplan.web.routes.common import audit, redirect, render

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
    """Fetch SSB tables and KUHR fee-code use for the municipality into the cache (editor)."""
    form = await checked_form(request)
    require_scope(user, code, "editor")
    refresh = form.get("refresh") in ("1", "on", "true")
    state = request.app.state
    options: dict[str, Any] = {"timeout_s": WEB_TIMEOUT_S, "retries": WEB_RETRIES}
    for name in ("sleep", "clock"):
        if hasattr(state, f"statistics_{name}"):
            options[name] = getattr(state, f"statistics_{name}")
    with (
        PxWebClient(getattr(state, "ssb_url", None), **options) as ssb,
        KuhrClient(getattr(state, "kuhr_url", None), **options) as kuhr,
    ):
        try:
            # blocking network I/O runs in the thread pool, not on the event loop
            report = await run_in_threadpool(
                fetch_statistics, _store(request), code, refresh=refresh, ssb=ssb, kuhr=kuhr
            )
        except StatisticsError as error:
            return redirect(f"/m/{code}/statistics", str(error), request)
    done = [t for t in report.tables if t.status is not Status.FAILED]
    failed = [t for t in report.tables if t.status is Status.FAILED]
    summary = ", ".join(
        f"{t.citation} {text('stats.status.' + t.status.value)}"
        + (f" ({'; '.join(c.text for c in t.changes)})" if t.changes else "")
        for t in done
    )
    message = text("stats.web.fetched", summary=summary or text("stats.web.nothing_new"))
    if failed:
        message += " " + text("stats.web.failed", messages=" ".join(f"{t.table_id}: {t.message}" for t in failed))
    audit(
        request,
        user,
        code,
        "statistics.fetch",
        f"statistics/{code}",
        None,
        {"tables": [[t.table_id, t.status.value, t.data_date_text] for t in report.tables], "refresh": refresh},
    )
    return redirect(f"/m/{code}/statistics", message, request)
