"""What the pages show, computed by calling the engines: key figures with trends, charts, scenario runs, calendars.

No HTML here and no database queries: functions take domain models and return plain data for templates and the API.
"""

from __future__ import annotations

import calendar
import json
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from legeplan.capacity import DimensioningResult, Scenario, dimension, parse_scenario
from legeplan.figures import Comparison, Sourced
from legeplan.i18n import text, tier_label
from legeplan.legevakt import Assignment, RotaProblem, RotaSolution
from legeplan.legevakt.calendar import holidays_between
from legeplan.legevakt.solver import unreached_tiers
from legeplan.register.keyfigures import LABELS, PERCENT_FIELDS, KeyFigures, compute_key_figures, format_value
from legeplan.register.models import Register
from legeplan.report.charts import Series, age_group_counts, age_pyramid, line_chart, stacked_bar_chart
from legeplan.report.format import decimal, percent

REGISTER_SOURCE = "Kommunens fastlegeregister (legeplan)"


@dataclass(frozen=True)
class FigureView:
    field: str
    label: str
    value: str
    raw: float | int | None
    trend: str  # "up", "down", "same" or "" when there is no earlier snapshot
    trend_text: str
    source: str
    headline: bool = False


HEADLINE_FIELDS = (
    "free_capacity_share",
    "vacant_positions",
    "locum_positions",
    "share_aged_60_plus",
    "average_list_length",
    "open_lists",
)
"""The figures a kommuneoverlege acts on (capacity, vacancies, locums, retirements ahead) come first on the
dashboard; the rest are context below them."""


def _change(field: str, current: float | int, previous: float | int) -> str:
    """The size of a change in the figure's own unit: «+9», «−0,4 prosentpoeng»."""
    difference = current - previous
    sign = "+" if difference > 0 else "−"
    if field in PERCENT_FIELDS:
        return f"{sign}{abs(difference) * 100:.1f}".replace(".", ",") + " " + text("dash.points")
    return sign + format_value(field, abs(difference) if isinstance(difference, float) else int(abs(difference)))


def _trend(
    current: float | int | None, previous: float | int | None, field: str, since: date | None
) -> tuple[str, str]:
    if current is None or previous is None or since is None:
        return "", ""
    when = since.strftime("%d.%m.%Y")
    if abs(current - previous) < 1e-9:
        return "same", text("dash.trend_same", date=when)
    direction = "up" if current > previous else "down"
    return direction, text(
        f"dash.trend_{direction}",
        change=_change(field, current, previous),
        value=format_value(field, previous),
        date=when,
    )


def figure_views(current: KeyFigures, previous: KeyFigures | None) -> list[FigureView]:
    """Each key figure with its trend against the previous snapshot (the change and since when), its source and
    whether it is one of the headline figures."""
    source = text("dash.source", date=current.as_of.strftime("%d.%m.%Y"))
    since = previous.as_of if previous is not None else None
    views = []
    for field, label, value in current.labelled():
        before = getattr(previous, field) if previous is not None else None
        trend, trend_text = _trend(value, before, field, since)
        views.append(
            FigureView(
                field, label, format_value(field, value), value, trend, trend_text, source, field in HEADLINE_FIELDS
            )
        )
    return views


def capacity_table(register: Register) -> list[tuple[str, int, int]]:
    """The numbers behind the capacity chart: (office, listed patients, free places)."""
    offices = {o.id: o.name for o in register.offices}
    rows: dict[str, list[int]] = {}
    for p in register.positions:
        name = offices.get(p.office_id or "", p.office_id or "–")
        row = rows.setdefault(name, [0, 0])
        row[0] += p.listed_patients
        row[1] += max(0, p.list_ceiling - p.listed_patients)
    return [(name, listed, free) for name, (listed, free) in rows.items()]


def pyramid_table(register: Register) -> list[tuple[str, int, int]]:
    """The numbers behind the age pyramid: (age group, women, men) of active GPs and ALIS."""
    gps = [p for p in register.physicians if p.role.value in ("gp", "alis") and p.active_at(register.as_of)]
    labels, women, men = age_group_counts([(p.age_at(register.as_of), p.sex.value) for p in gps])
    return list(zip(labels, women, men, strict=True))


def key_figures_json(figures: KeyFigures) -> dict[str, Any]:
    return {
        "municipality_code": figures.municipality_code,
        "as_of": figures.as_of.isoformat(),
        "source": REGISTER_SOURCE,
        "figures": [
            {
                "field": f,
                "label": LABELS[f],
                "value": v,
                "formatted": format_value(f, v),
                "percent": f in PERCENT_FIELDS,
            }
            for f, _label, v in figures.labelled()
        ],
    }


def capacity_chart(register: Register) -> str:
    """Listed patients and free places per office: where the capacity is, at a glance."""
    offices = {o.id: o.name for o in register.offices}
    listed: dict[str, int] = {}
    free: dict[str, int] = {}
    for p in register.positions:
        name = offices.get(p.office_id or "", p.office_id or "–")
        listed[name] = listed.get(name, 0) + p.listed_patients
        free[name] = free.get(name, 0) + max(0, p.list_ceiling - p.listed_patients)
    names = list(listed)
    return stacked_bar_chart(
        names,
        {text("dash.listed"): [listed[n] for n in names], text("dash.free"): [free[n] for n in names]},
        title=text("dash.chart_capacity"),
        y_label=text("dash.places_axis"),
        horizontal=True,
        source=f"{REGISTER_SOURCE}, {register.as_of.strftime('%d.%m.%Y')}",
    )


def pyramid_chart(register: Register) -> str:
    gps = [p for p in register.physicians if p.role.value in ("gp", "alis") and p.active_at(register.as_of)]
    labels, women, men = age_group_counts([(p.age_at(register.as_of), p.sex.value) for p in gps])
    return age_pyramid(
        labels,
        women,
        men,
        title=text("dash.chart_pyramid"),
        source=f"{REGISTER_SOURCE}, {register.as_of.strftime('%d.%m.%Y')}",
    )


def projection_chart(result: DimensioningResult, name: str) -> str:
    years = [row.year for row in result.rows]
    return line_chart(
        years,
        {
            text("dash.required"): [float(row.positions_required) for row in result.rows],
            text("dash.existing"): [float(row.positions_existing) for row in result.rows],
        },
        title=text("dash.chart_projection", name=name),
        y_label=text("dash.positions_axis"),
        projection_from=float(years[0]),
        source=result.scenario,
        from_zero=True,
    )


def compare_chart(name_a: str, result_a: DimensioningResult, name_b: str, result_b: DimensioningResult) -> str:
    """Both scenarios on one chart, so one y-axis from 0: A's 60 and B's 64 hjemler stand at their own heights.
    Hjemler in place are drawn dashed, and only once when both scenarios plan the same."""
    rows_b = {row.year: row for row in result_b.rows}
    years = [row.year for row in result_a.rows if row.year in rows_b]
    rows_a = {row.year: row for row in result_a.rows}
    series = [
        Series(
            name=text("scn.compare_required", label=f"{letter} {name}"),
            values=[float(rows[y].positions_required) for y in years],
        )
        for letter, name, rows in (("A", name_a, rows_a), ("B", name_b, rows_b))
    ]
    existing_a = [float(rows_a[y].positions_existing) for y in years]
    existing_b = [float(rows_b[y].positions_existing) for y in years]
    if existing_a == existing_b:
        series.append(Series(name=text("dash.existing"), values=existing_a, dashed=True))
    else:
        series.append(Series(name=text("scn.compare_existing", label="A"), values=existing_a, dashed=True))
        series.append(Series(name=text("scn.compare_existing", label="B"), values=existing_b, dashed=True))
    return line_chart(
        years,
        series,
        title=text("scn.compare_chart", a=name_a, b=name_b),
        y_label=text("dash.positions_axis"),
        projection_from=float(years[0]),
        source=f"{result_a.scenario}; {result_b.scenario}",
        from_zero=True,
    )


def compare_conclusion(name_a: str, result_a: DimensioningResult, name_b: str, result_b: DimensioningResult) -> str:
    """One line above the comparison: how many hjemler B needs more or fewer than A in the last common year."""
    rows_b = {row.year: row for row in result_b.rows}
    common = [row for row in result_a.rows if row.year in rows_b]
    if not common:
        return ""
    last_a = common[-1]
    last_b = rows_b[last_a.year]
    difference = last_b.positions_required - last_a.positions_required
    a_count, b_count = last_a.positions_required, last_b.positions_required
    if difference == 0:
        return text("scn.compare_same", a=name_a, b=name_b, year=last_a.year, a_count=a_count)
    key = "scn.compare_more" if difference > 0 else "scn.compare_fewer"
    if abs(difference) == 1:
        key += "_one"
    return text(key, a=name_a, b=name_b, year=last_a.year, count=abs(difference), a_count=a_count, b_count=b_count)


@lru_cache(maxsize=64)
def _cached_register_charts(register_json: str) -> tuple[str, str]:
    register = Register.model_validate_json(register_json)
    return capacity_chart(register), pyramid_chart(register)


def register_charts(register: Register) -> tuple[str, str]:
    """Charts take a noticeable fraction of a second (matplotlib): cache them per register content."""
    return _cached_register_charts(register.model_dump_json())


@dataclass(frozen=True)
class ComparisonView:
    """One row of the dashboard's comparison: the figure, kommune / fylke / landet as text, and the source."""

    key: str
    label: str
    municipality: str
    county: str
    country: str
    citation: str


def _compared(found: Comparison, value: Sourced[float] | None) -> str:
    if value is None:
        return "–"
    if found.percent:
        return percent(value.value, found.shown_decimals())
    return decimal(value.value, found.shown_decimals())


def comparison_views(found: tuple[Comparison, ...]) -> list[ComparisonView]:
    """The published comparison (legeplan.statistics.figures.plan_comparisons) as the dashboard shows it, in the
    plan's number format, each row with its SSB table and date."""
    return [
        ComparisonView(
            key=row.key,
            label=row.label,
            municipality=_compared(row, row.municipality),
            county=_compared(row, row.county),
            country=_compared(row, row.country),
            citation=row.municipality.citation,
        )
        for row in found
    ]


def dashboard(register: Register, previous: Register | None) -> tuple[KeyFigures, list[FigureView]]:
    current = compute_key_figures(register)
    before = compute_key_figures(previous) if previous is not None else None
    return current, figure_views(current, before)


def run_scenario(body: dict[str, Any], source: str) -> tuple[Scenario, DimensioningResult]:
    """Parse (raises ScenarioError naming the field) and dimension a stored scenario."""
    scenario = parse_scenario(body, source=source)
    return scenario, dimension(scenario)


@lru_cache(maxsize=64)
def _cached_projection(body_json: str, name: str) -> str:
    _scenario, result = run_scenario(json.loads(body_json), name)
    return projection_chart(result, name)


def scenario_chart(body: dict[str, Any], name: str) -> str:
    """The projection chart of a scenario, cached per scenario content (matplotlib is the slow part)."""
    return _cached_projection(json.dumps(body, sort_keys=True, default=str), name)


def unreached_steps(solution: RotaSolution) -> str:
    """The steps the solver did not reach in time, in plain words; empty when every step was done."""
    missing = unreached_tiers(solution)
    if not missing:
        return ""
    return text("rota.unreached", steps=", ".join(tier_label(name) for name in missing))


# --- rota calendar ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarEntry:
    shift: str
    doctor: str
    backup: bool


@dataclass(frozen=True)
class CalendarDay:
    day: date
    in_period: bool
    entries: tuple[CalendarEntry, ...]
    holiday: str = ""


@dataclass(frozen=True)
class CalendarMonth:
    title: str
    weeks: tuple[tuple[CalendarDay, ...], ...]


def month_calendars(problem: RotaProblem, assignments: tuple[Assignment, ...]) -> list[CalendarMonth]:
    """One Monday-first month grid per month the rota covers, each day listing shift and doctor."""
    names = {d.id: d.name for d in problem.doctors}
    shifts = {s.id: s.name for s in problem.shift_types}
    order = {s.id: n for n, s in enumerate(problem.shift_types)}
    by_day: dict[date, list[Assignment]] = {}
    for a in assignments:
        by_day.setdefault(a.date, []).append(a)
    month_names = text("month.names").split(",")
    holidays = holidays_between(problem.start, problem.end, problem.extra_holidays)
    months = []
    year, month = problem.start.year, problem.start.month
    while (year, month) <= (problem.end.year, problem.end.month):
        weeks = []
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
            days = []
            for day in week:
                entries = tuple(
                    CalendarEntry(
                        shifts.get(a.shift_type, a.shift_type), names.get(a.doctor, a.doctor), a.role != "vakt"
                    )
                    for a in sorted(by_day.get(day, []), key=lambda a: (order.get(a.shift_type, 99), a.role))
                )
                in_period = day.month == month and problem.start <= day <= problem.end
                days.append(
                    CalendarDay(
                        day,
                        in_period,
                        entries if day.month == month else (),
                        holidays.get(day, "") if in_period else "",
                    )
                )
            if any(d.in_period for d in days):
                weeks.append(tuple(days))
        months.append(CalendarMonth(f"{month_names[month - 1]} {year}", tuple(weeks)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months
