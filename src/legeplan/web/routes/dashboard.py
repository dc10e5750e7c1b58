"""The municipality's dashboard: key figures, capacity and the published statistics beside them."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from legeplan.capacity import ScenarioError
from legeplan.figures import Comparison
from legeplan.storage import Storage
from legeplan.storage.web_tables import User
from legeplan.web import views
from legeplan.web.auth import (
    current_user,
    require_scope,
)
from legeplan.web.routes.common import (
    load_register_or_none,
    render,
    storage_of,
    web_store,
)

router = APIRouter()


# --- dashboard -------------------------------------------------------------------------------------------------------


def _published_comparisons(storage: Storage, code: str) -> tuple[Comparison, ...]:
    """The municipality beside the county and the country from the statistics cache; empty when nothing is
    fetched (the database only, never the network)."""
    from legeplan.statistics.figures import plan_comparisons
    from legeplan.storage.statistics_tables import StatisticsStore

    return plan_comparisons(StatisticsStore(storage), code)


@router.get("/m/{code}", response_class=HTMLResponse)
def dashboard(request: Request, code: str, user: User = Depends(current_user)) -> HTMLResponse:
    require_scope(user, code)
    storage = storage_of(request)
    register = load_register_or_none(request, code)
    if register is None:
        return render(request, "empty.html", code=code)
    dates = storage.snapshot_dates(code)
    earlier = [d for d in dates if d < register.as_of]
    previous = storage.load_register(code, earlier[-1]) if earlier else None
    figures, figure_views = views.dashboard(register, previous)
    capacity_svg, pyramid_svg = views.register_charts(register)
    projection_svg = None
    scenarios = web_store(request).scenarios(code)
    if scenarios:
        try:
            projection_svg = views.scenario_chart(scenarios[0].body, scenarios[0].name)
        except (ScenarioError, ValueError):
            projection_svg = None
    age_years = (date.today() - register.as_of).days // 365
    return render(
        request,
        "dashboard.html",
        comparisons=views.comparison_views(_published_comparisons(storage, code)),
        code=code,
        register=register,
        figures=figures,
        figure_views=figure_views,
        headline_views=[f for f in figure_views if f.headline],
        other_views=[f for f in figure_views if not f.headline],
        data_age_years=age_years,
        capacity_rows=views.capacity_table(register),
        pyramid_rows=views.pyramid_table(register),
        has_previous=previous is not None,
        capacity_svg=capacity_svg,
        pyramid_svg=pyramid_svg,
        projection_svg=projection_svg,
    )
