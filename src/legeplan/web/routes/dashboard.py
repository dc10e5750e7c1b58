"""The municipality's dashboard: key figures, capacity and the published statistics beside them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from legeplan.capacity import ScenarioError
from legeplan.figures import Comparison
from legeplan.register.keyfigures import KeyFigures
from legeplan.register.models import Register
from legeplan.storage import RegisterNotFoundError, Storage
from legeplan.storage.web_tables import User
from legeplan.web import views
from legeplan.web.auth import (
    current_user,
    require_scope,
)
from legeplan.web.cache import VersionedCache
from legeplan.web.routes.common import (
    render,
    render_content_cached,
    storage_of,
    web_store,
)

router = APIRouter()


# --- dashboard -------------------------------------------------------------------------------------------------------


#: The published comparisons per municipality and statistics cache version (a fetch stores rows: a new version).
COMPARISON_CACHE: VersionedCache[tuple[Comparison, ...]] = VersionedCache(64)


def _comparisons_version(storage: Storage) -> tuple[int, int]:
    """The statistics cache's version (`StatisticsStore.version`)."""
    from legeplan.storage.statistics_tables import StatisticsStore

    return StatisticsStore(storage).version()


def _published_comparisons(
    storage: Storage, code: str, version: tuple[int, int] | None = None
) -> tuple[Comparison, ...]:
    """The municipality beside the county and the country from the statistics cache; empty when nothing is
    fetched (the database only, never the network). Computed once per version of the statistics cache."""
    from legeplan.statistics.figures import plan_comparisons
    from legeplan.storage.statistics_tables import StatisticsStore

    store = StatisticsStore(storage)
    key = ("comparisons", storage.url, code, *(version or store.version()))
    return COMPARISON_CACHE.get_or_compute(key, lambda: plan_comparisons(store, code))


@dataclass(frozen=True)
class DashboardData:
    """Everything the dashboard computes from the register and its earlier snapshot (matplotlib charts included)."""

    register: Register
    figures: KeyFigures
    figure_views: list[views.FigureView]
    has_previous: bool
    capacity_rows: list[tuple[str, int, int]]
    pyramid_rows: list[tuple[str, int, int]]
    capacity_svg: str
    pyramid_svg: str


#: Per process; keyed by the register's version key, so any save (in any process) makes a new entry.
DASHBOARD_CACHE: VersionedCache[DashboardData | None] = VersionedCache(32)


#: The first scenario's projection chart, by the scenario's content (single flight: one rendering when cold).
PROJECTION_CACHE: VersionedCache[str] = VersionedCache(64)


def dashboard_data(storage: Storage, code: str, key: tuple[object, ...] | None = None) -> DashboardData | None:
    """The dashboard's register figures and charts, computed once per register version (None: no register).
    `key`: the register's `Storage.register_key` when the caller has read it already."""
    key = key or storage.register_key(code)
    if key is None:
        return None

    def compute() -> DashboardData | None:
        try:
            register = storage.load_register(code)
        except RegisterNotFoundError:
            return None
        dates = storage.snapshot_dates(code)
        earlier = [d for d in dates if d < register.as_of]
        previous = storage.load_register(code, earlier[-1]) if earlier else None
        figures, figure_views = views.dashboard(register, previous)
        capacity_svg, pyramid_svg = views.register_charts(register)
        return DashboardData(
            register=register,
            figures=figures,
            figure_views=figure_views,
            has_previous=previous is not None,
            capacity_rows=views.capacity_table(register),
            pyramid_rows=views.pyramid_table(register),
            capacity_svg=capacity_svg,
            pyramid_svg=pyramid_svg,
        )

    return DASHBOARD_CACHE.get_or_compute(("dashboard", storage.url, *key), compute)


@router.get("/m/{code}", response_class=HTMLResponse)
def dashboard(request: Request, code: str, user: User = Depends(current_user)) -> HTMLResponse:
    require_scope(user, code)
    storage = storage_of(request)
    register_key = storage.register_key(code)
    data = dashboard_data(storage, code, register_key)
    if data is None:
        return render(request, "empty.html", code=code)
    register = data.register
    scenarios = web_store(request).scenarios(code)
    first = scenarios[0] if scenarios else None
    statistics_key = _comparisons_version(storage)
    projection_key = (
        ("projection", json.dumps(first.body, sort_keys=True, default=str), first.name) if first is not None else None
    )
    today = date.today()

    def content() -> dict[str, Any]:
        projection_svg = None
        if first is not None and projection_key is not None:
            try:
                projection_svg = PROJECTION_CACHE.get_or_compute(
                    projection_key, lambda: views.scenario_chart(first.body, first.name)
                )
            except (ScenarioError, ValueError):
                projection_svg = None
        return {
            "comparisons": views.comparison_views(_published_comparisons(storage, code, statistics_key)),
            "figures": data.figures,
            "figure_views": data.figure_views,
            "headline_views": [f for f in data.figure_views if f.headline],
            "other_views": [f for f in data.figure_views if not f.headline],
            "data_age_years": (today - register.as_of).days // 365,
            "capacity_rows": data.capacity_rows,
            "pyramid_rows": data.pyramid_rows,
            "has_previous": data.has_previous,
            "capacity_svg": data.capacity_svg,
            "pyramid_svg": data.pyramid_svg,
            "projection_svg": projection_svg,
        }

    # The content is the same for every viewer of this municipality and role until the register, the first
    # scenario or the statistics cache change (or the day, for the data's age).
    key = (register_key, projection_key, statistics_key, today)
    return render_content_cached(request, "dashboard.html", key, content, code=code, register=register)
