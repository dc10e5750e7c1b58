"""Region page for the web app: the regional report's tables and charts, plus the same figures as JSON.

Mounted by the app factory with ``app.include_router(region.router)``. The dataset is
``app.state.region_dataset`` when the app sets one (a RegionalDataset), otherwise the generated Helse Nord set.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from legeplan.region.analysis import (
    GroupBy,
    chronic_shortage,
    competence_table,
    operating_model_distribution,
    stability_table,
    vacancy_table,
)
from legeplan.region.helse_nord import PERIOD, helse_nord_dataset, with_published
from legeplan.region.models import REGION_KIND_LABELS, RegionalDataset
from legeplan.region.report import build_regional_report
from legeplan.report.charts import to_svg
from legeplan.report.document import Figure, PlanDocument
from legeplan.storage.web_tables import User
from legeplan.web.auth import current_user
from legeplan.web.routes.common import render

router = APIRouter(prefix="/region", tags=["region"])
GENERATED_SOURCE = "Generert datasett med Helse Nords publiserte tall (2020)"


def _full_dataset(request: Request) -> tuple[RegionalDataset, str]:
    custom = getattr(request.app.state, "region_dataset", None)
    if isinstance(custom, RegionalDataset):
        return custom, str(getattr(request.app.state, "region_source", "Regionalt datasett"))
    return helse_nord_dataset(), GENERATED_SOURCE


def _selected(dataset: RegionalDataset, region: str | None) -> RegionalDataset:
    """The whole dataset, or one region of it; an unknown region id is a 404 naming the parameter."""
    if not region:
        return dataset
    match = next((r for r in dataset.regions if r.id == region), None)
    if match is None:
        raise HTTPException(status_code=404, detail=f"region: ukjent region {region!r}")
    return dataset.restricted_to(match)


def _period(period_from: date | None, period_to: date | None) -> tuple[date, date]:
    start, end = period_from or PERIOD[0], period_to or PERIOD[1]
    if end <= start:
        raise HTTPException(status_code=422, detail="to: periodeslutt må være etter periodestart")
    return start, end


@lru_cache(maxsize=32)
def _figure_svg(figure_json: str) -> str:
    """Charts are drawn with matplotlib; the same chart for the same data is drawn once per process."""
    return to_svg(Figure.model_validate_json(figure_json).chart)


def _svg(figure: Figure) -> Markup:
    """Safe to mark up: the SVG is our own matplotlib output, not user input."""
    return Markup(_figure_svg(figure.model_dump_json()))


FromQuery = Annotated[date | None, Query(alias="from", description="Periodestart (ÅÅÅÅ-MM-DD)")]
ToQuery = Annotated[date | None, Query(alias="to", description="Periodeslutt (ÅÅÅÅ-MM-DD)")]
RegionQuery = Annotated[str | None, Query(description="Region-id; tom for hele datasettet")]


@router.get("", response_class=HTMLResponse)
def region_page(
    request: Request,
    user: Annotated[User, Depends(current_user)],
    period_from: FromQuery = None,
    period_to: ToQuery = None,
    region: RegionQuery = None,
) -> HTMLResponse:
    """Regional oversikt: the regional report's chapters with tables and SVG charts."""
    dataset, source = _full_dataset(request)
    start, end = _period(period_from, period_to)
    document: PlanDocument = build_regional_report(_selected(dataset, region), start, end, source=source)
    return render(
        request,
        "region.html",
        document=document,
        regions=[(r.id, f"{REGION_KIND_LABELS[r.kind]}: {r.name}") for r in dataset.regions],
        selected=region or "",
        start=start,
        end=end,
        svg=_svg,
    )


@router.get("/data.json")
def region_data(
    request: Request,
    user: Annotated[User, Depends(current_user)],
    period_from: FromQuery = None,
    period_to: ToQuery = None,
    region: RegionQuery = None,
) -> dict[str, Any]:
    """The same figures for machines: stability by centrality and population, vacancies, models, competence."""
    dataset, source = _full_dataset(request)
    start, end = _period(period_from, period_to)
    selected = _selected(dataset, region)
    competence_rows, competence_total = competence_table(selected, GroupBy.CENTRALITY)
    return {
        "source": source,
        "region": region,
        "from": start.isoformat(),
        "to": end.isoformat(),
        "stability": {
            "total": stability_table(selected, start, end).total.model_dump(mode="json"),
            "by_centrality": with_published(
                selected, stability_table(selected, start, end, GroupBy.CENTRALITY)
            ).model_dump(mode="json"),
            "by_population": with_published(
                selected, stability_table(selected, start, end, GroupBy.POPULATION)
            ).model_dump(mode="json"),
        },
        "vacancies": [row.model_dump(mode="json") for row in vacancy_table(selected)],
        "chronic_shortage": chronic_shortage(selected).model_dump(mode="json"),
        "operating_models": [column.model_dump(mode="json") for column in operating_model_distribution(selected)],
        "competence": {
            "by_centrality": [row.model_dump(mode="json") for row in competence_rows],
            "total": competence_total.model_dump(mode="json"),
        },
    }
