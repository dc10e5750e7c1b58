"""Charts for the plan document and the web dashboard: data in, SVG (or PNG) out.

Every chart is described by a small Pydantic spec (so a document can store it and render it again as SVG for HTML/PDF
and as PNG for Word, which handles SVG poorly). The convenience functions `bar_chart`, `line_chart`, `age_pyramid`
and `stacked_bar_chart` build a spec and return an SVG string. Matplotlib is used through its object API with the
Agg/SVG backends only: no pyplot state, no display, safe to call from a web worker.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from legeplan.report.chart_cache import CHARTS

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# matplotlib (about a second to import) is imported only when a chart is really drawn: a plan whose charts are all in
# the cache (legeplan.report.chart_cache) is rendered without it.

#: Okabe-Ito palette: distinguishable with the common colour-vision deficiencies and in greyscale print order.
PALETTE: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",
)
TEXT_COLOUR = "#1f2933"
GRID_COLOUR = "#d9dee3"
FONT_FAMILY = ["DejaVu Sans", "Liberation Sans", "Arial", "sans-serif"]
WIDTH_IN = 7.0
#: Bars are labelled with their values only up to this many bars.
MAX_VALUE_LABELS = 20
#: A vertical bar chart names at most this many bars on the category axis; beyond it every n-th bar is named.
MAX_TICK_LABELS = 15
HEIGHT_IN = 3.6

_RC: Any = {
    "font.family": "sans-serif",
    "font.sans-serif": FONT_FAMILY,
    "font.size": 9.5,
    "axes.edgecolor": "#9aa5b1",
    "axes.labelcolor": TEXT_COLOUR,
    "xtick.color": TEXT_COLOUR,
    "ytick.color": TEXT_COLOUR,
    "text.color": TEXT_COLOUR,
    "svg.fonttype": "none",  # real <text>: searchable, selectable, smaller and faster than glyph paths
    "svg.hashsalt": "legeplan",  # deterministic element ids
    # Names from the register reach the charts: a name with $…$ must be drawn as typed, never parsed as mathtext
    # (a broken expression would otherwise stop the page), and never handed to LaTeX.
    "text.parse_math": False,
    "text.usetex": False,
}


@cache
def _agg_backend() -> None:
    """The non-interactive backend, chosen once, before the first figure: no display, safe in a web worker."""
    import matplotlib

    matplotlib.use("Agg")


@contextmanager
def _style() -> Iterator[None]:
    import matplotlib

    _agg_backend()
    with matplotlib.rc_context(_RC):
        yield


class ChartError(ValueError):
    """Chart data that cannot be drawn (lengths differ, no data); names the offending field."""


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    #: Drawn above the chart; empty inside the plan document, where the figure caption already says it.
    title: str = ""
    y_label: str = ""
    x_label: str = ""
    #: Shown under the chart inside the image, so the figure keeps its source when copied out of the document.
    source: str = ""
    #: The values are counts (doctors, hjemler): the value axis gets whole-number ticks only.
    integer: bool = False


def _fail(field: str, message: str) -> ChartError:
    return ChartError(f"{field}: {message}")


class BarChart(_Spec):
    kind: Literal["bar"] = "bar"
    categories: list[str]
    values: list[float]
    horizontal: bool = False
    value_format: str = "{:,.0f}"
    highlight: list[str] = Field(default_factory=list, description="Categories drawn in the accent colour")
    #: Legend text for highlighted and other bars, e.g. "Åpen liste" / "Lukket liste".
    highlight_label: str = ""
    base_label: str = ""
    reference_line: float | None = None
    reference_label: str = ""

    @model_validator(mode="after")
    def _lengths(self) -> BarChart:
        if not self.categories:
            raise _fail("categories", "no data to draw")
        if len(self.values) != len(self.categories):
            raise _fail("values", f"{len(self.values)} values for {len(self.categories)} categories")
        return self


class Series(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    values: list[float]
    #: Optional band (e.g. simulation percentiles P10-P90); both or neither.
    lower: list[float] | None = None
    upper: list[float] | None = None
    band_label: str = ""
    dashed: bool = False


class LineChart(_Spec):
    kind: Literal["line"] = "line"
    x: list[float]
    series: list[Series]
    x_is_year: bool = True
    #: Draws a vertical divider before this x (e.g. "framskriving" after the last observed year).
    projection_from: float | None = None
    #: Counts that must be read against zero (hjemler, compared scenarios): the y-axis starts at 0.
    from_zero: bool = False

    @model_validator(mode="after")
    def _lengths(self) -> LineChart:
        if not self.x:
            raise _fail("x", "no data to draw")
        if not self.series:
            raise _fail("series", "no series to draw")
        for number, series in enumerate(self.series):
            if len(series.values) != len(self.x):
                raise _fail(f"series[{number}].values", f"{len(series.values)} values for {len(self.x)} x points")
            if (series.lower is None) != (series.upper is None):
                raise _fail(f"series[{number}]", "a band needs both lower and upper")
            for bound_name, bound in (("lower", series.lower), ("upper", series.upper)):
                if bound is not None and len(bound) != len(self.x):
                    raise _fail(f"series[{number}].{bound_name}", f"{len(bound)} values for {len(self.x)} x points")
        return self


class AgePyramid(_Spec):
    kind: Literal["pyramid"] = "pyramid"
    age_groups: list[str]
    women: list[int]
    men: list[int]

    @model_validator(mode="after")
    def _lengths(self) -> AgePyramid:
        if not self.age_groups:
            raise _fail("age_groups", "no data to draw")
        for name, values in (("women", self.women), ("men", self.men)):
            if len(values) != len(self.age_groups):
                raise _fail(name, f"{len(values)} values for {len(self.age_groups)} age groups")
            if any(value < 0 for value in values):
                raise _fail(name, "counts cannot be negative")
        return self


class StackedBarChart(_Spec):
    kind: Literal["stacked"] = "stacked"
    categories: list[str]
    #: Segment name -> one value per category, drawn bottom-up in this order.
    segments: dict[str, list[float]]
    horizontal: bool = False
    show_totals: bool = True

    @model_validator(mode="after")
    def _lengths(self) -> StackedBarChart:
        if not self.categories:
            raise _fail("categories", "no data to draw")
        if not self.segments:
            raise _fail("segments", "no segments to draw")
        for name, values in self.segments.items():
            if len(values) != len(self.categories):
                raise _fail(f"segments[{name!r}]", f"{len(values)} values for {len(self.categories)} categories")
            if any(value < 0 for value in values):
                raise _fail(f"segments[{name!r}]", "stacked values cannot be negative")
        return self


ChartSpec = Annotated[BarChart | LineChart | AgePyramid | StackedBarChart, Field(discriminator="kind")]


def norwegian_number(value: float, decimals: int = 0) -> str:
    """12345.6 -> '12 345,6' (Norwegian: thin space thousands, decimal comma)."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", " ").replace(".", ",")


def _axis_number(value: float, _position: object = None) -> str:
    decimals = 0 if float(value).is_integer() else 1
    return norwegian_number(value, decimals)


def _format_value(template: str, value: float) -> str:
    return template.format(value).replace(",", " ").replace(".", ",")


def _new_figure(spec: _Spec, height: float = HEIGHT_IN, horizontal: bool = False) -> tuple[Figure, Axes]:
    """A figure with title, axis labels and source line. For horizontal bars the value axis is x, so the value label
    (`y_label`) goes there."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_IN, height), layout="constrained")
    axes = figure.add_subplot()
    # Title flush with the figure's left edge (not the axes'), like a table caption, whatever the tick labels' width.
    if spec.title:
        figure.suptitle(spec.title, x=0.01, ha="left", fontsize=11, fontweight="bold")
    value_label, category_label = spec.y_label, spec.x_label
    if horizontal:
        axes.set_xlabel(value_label)
        axes.set_ylabel(category_label)
    else:
        axes.set_ylabel(value_label)
        axes.set_xlabel(category_label)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.set_axisbelow(True)
    if spec.source:
        # As the figure's x super-label, so constrained layout keeps it clear of tick labels and legends.
        figure.supxlabel(f"Kilde: {spec.source}", x=0.01, ha="left", fontsize=7.5, color="#52606d")
    return figure, axes


def _tick_step(count: int) -> int:
    """Name every n-th category when there are more than MAX_TICK_LABELS: 54 hjemler -> every 5th (11 names)."""
    return 1 if count <= MAX_TICK_LABELS else -(-count // (MAX_TICK_LABELS - 3))


def _category_ticks(axes: Axes, categories: list[str], x_label: str) -> None:
    """Category names under vertical bars, readable however many bars: every n-th name when there are many (the
    axis label says so), rotated only when the names shown would not fit side by side."""
    step = _tick_step(len(categories))
    shown = list(range(0, len(categories), step))
    names = [categories[i] for i in shown]
    rotate = max(len(name) for name in names) * len(names) > 70
    axes.set_xticks(shown, names, rotation=30 if rotate else 0, ha="right" if rotate else "center")
    if step > 1:
        note = f"hver {step}. av {len(categories)} er navngitt"
        axes.set_xlabel(f"{x_label} ({note})" if x_label else note[:1].upper() + note[1:])


def _legend_columns(labels: Sequence[str]) -> int:
    """As many legend entries per row as fit the figure's width (about 0.065 in per character at 8.5 pt plus the
    swatch), so long labels wrap onto more rows instead of running off the left edge."""
    widths = [0.065 * len(label) + 0.45 for label in labels]
    for columns in range(min(4, len(labels)), 1, -1):
        rows = [widths[start : start + columns] for start in range(0, len(widths), columns)]
        column_widths = [max(row[c] for row in rows if c < len(row)) for c in range(columns)]
        if sum(column_widths) <= WIDTH_IN * 0.95:
            return columns
    return 1


def _whole_numbers(spec: _Spec, axis: Any) -> None:
    """Counted things (doctors, hjemler) get whole-number ticks: no «2,5 leger» on the axis."""
    from matplotlib.ticker import MaxNLocator

    if spec.integer:
        axis.set_major_locator(MaxNLocator(integer=True))


def _draw_bar(spec: BarChart) -> Figure:
    from matplotlib.patches import Patch
    from matplotlib.ticker import FuncFormatter

    figure, axes = _new_figure(
        spec,
        height=max(HEIGHT_IN, 0.32 * len(spec.categories) + 1.2) if spec.horizontal else HEIGHT_IN,
        horizontal=spec.horizontal,
    )
    colours = [PALETTE[1] if category in spec.highlight else PALETTE[0] for category in spec.categories]
    positions = list(range(len(spec.categories)))
    if spec.horizontal:
        bars = axes.barh(positions, spec.values, color=colours)
        axes.set_yticks(positions, spec.categories)
        axes.invert_yaxis()
        axes.grid(axis="x", color=GRID_COLOUR)
        axes.xaxis.set_major_formatter(FuncFormatter(_axis_number))
    else:
        bars = axes.bar(positions, spec.values, color=colours)
        _category_ticks(axes, spec.categories, spec.x_label)
        axes.grid(axis="y", color=GRID_COLOUR)
        axes.yaxis.set_major_formatter(FuncFormatter(_axis_number))
    _whole_numbers(spec, axes.xaxis if spec.horizontal else axes.yaxis)
    if len(spec.values) <= MAX_VALUE_LABELS:  # beyond that the labels overlap, and text layout dominates the cost
        axes.bar_label(bars, labels=[_format_value(spec.value_format, v) for v in spec.values], padding=2, fontsize=8)
    handles: list[Any] = []
    if spec.highlight and spec.highlight_label:
        handles.append(Patch(color=PALETTE[1], label=spec.highlight_label))
        if spec.base_label:
            handles.append(Patch(color=PALETTE[0], label=spec.base_label))
    if spec.reference_line is not None:
        draw = axes.axvline if spec.horizontal else axes.axhline
        line = draw(spec.reference_line, color=PALETTE[5], linestyle="--", linewidth=1.2)
        if spec.reference_label:
            line.set_label(spec.reference_label)
            handles.append(line)
    if handles:
        axes.legend(
            handles=handles,
            frameon=False,
            loc="lower right",
            bbox_to_anchor=(1.0, 1.0),
            ncols=_legend_columns([str(handle.get_label()) for handle in handles]),
            fontsize=8.5,
        )
    axes.margins(x=0.02, y=0.12) if not spec.horizontal else axes.margins(x=0.12, y=0.02)
    return figure


def _line_y_range(spec: LineChart) -> tuple[float, float]:
    """The y-axis covers every line and band with headroom above, so a band's top is never cut flat by the plot's
    edge; counts and amounts (nothing negative) start at 0."""
    values = [v for series in spec.series for part in (series.values, series.lower, series.upper) for v in part or []]
    low, high = min(values), max(values)
    if low >= 0 and (spec.from_zero or any(series.lower is not None for series in spec.series)):
        low = 0.0
    span = (high - low) or abs(high) or 1.0
    return (low if low == 0 else low - 0.05 * span), high + 0.1 * span


def _draw_line(spec: LineChart) -> Figure:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    figure, axes = _new_figure(spec)
    for number, series in enumerate(spec.series):
        colour = PALETTE[number % len(PALETTE)]
        if series.lower is not None and series.upper is not None:
            axes.fill_between(
                spec.x,
                series.lower,
                series.upper,
                color=colour,
                alpha=0.18,
                linewidth=0,
                label=series.band_label or None,
            )
        axes.plot(
            spec.x,
            series.values,
            color=colour,
            linewidth=2,
            linestyle="--" if series.dashed else "-",
            marker="o" if len(spec.x) <= 15 else None,
            markersize=3.5,
            label=series.name,
        )
    if spec.projection_from is not None:
        axes.axvline(spec.projection_from, color="#7b8794", linestyle=":", linewidth=1)
        axes.annotate(
            "framskriving",
            xy=(spec.projection_from, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(4, -4),
            textcoords="offset points",
            fontsize=8,
            color="#52606d",
            va="top",
        )
    axes.grid(axis="y", color=GRID_COLOUR)
    axes.yaxis.set_major_formatter(FuncFormatter(_axis_number))
    axes.set_ylim(*_line_y_range(spec))
    _whole_numbers(spec, axes.yaxis)
    if spec.x_is_year:
        axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _pos: f"{value:.0f}"))
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    else:
        axes.xaxis.set_major_formatter(FuncFormatter(_axis_number))
    if len(spec.series) > 1 or any(series.lower is not None for series in spec.series):
        axes.legend(frameon=False, loc="best", fontsize=8.5)
    return figure


def _draw_pyramid(spec: AgePyramid) -> Figure:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    figure, axes = _new_figure(spec, height=max(HEIGHT_IN, 0.3 * len(spec.age_groups) + 1.4))
    positions = list(range(len(spec.age_groups)))
    men_bars = axes.barh(positions, [-count for count in spec.men], color=PALETTE[0], label="Menn")
    women_bars = axes.barh(positions, spec.women, color=PALETTE[1], label="Kvinner")
    axes.bar_label(men_bars, labels=[str(count) if count else "" for count in spec.men], padding=2, fontsize=8)
    axes.bar_label(women_bars, labels=[str(count) if count else "" for count in spec.women], padding=2, fontsize=8)
    axes.set_yticks(positions, spec.age_groups)
    largest = max([*spec.women, *spec.men, 1])
    axes.set_xlim(-largest * 1.25, largest * 1.25)
    axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _pos: _axis_number(abs(value))))
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))  # people: whole numbers
    axes.axvline(0, color="#7b8794", linewidth=0.8)
    axes.grid(axis="x", color=GRID_COLOUR)
    axes.legend(frameon=False, loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=2, fontsize=8.5)
    if not spec.x_label:
        axes.set_xlabel("Antall leger")
    return figure


def _draw_stacked(spec: StackedBarChart) -> Figure:
    from matplotlib.ticker import FuncFormatter

    height = max(HEIGHT_IN, 0.34 * len(spec.categories) + 1.4) if spec.horizontal else HEIGHT_IN
    figure, axes = _new_figure(spec, height=height, horizontal=spec.horizontal)
    positions = list(range(len(spec.categories)))
    bottoms = [0.0] * len(spec.categories)
    for number, (name, values) in enumerate(spec.segments.items()):
        colour = PALETTE[number % len(PALETTE)]
        if spec.horizontal:
            axes.barh(positions, values, left=bottoms, color=colour, label=name)
        else:
            axes.bar(positions, values, bottom=bottoms, color=colour, label=name)
        bottoms = [bottom + value for bottom, value in zip(bottoms, values, strict=True)]
    if spec.horizontal:
        axes.set_yticks(positions, spec.categories)
        axes.invert_yaxis()
        axes.grid(axis="x", color=GRID_COLOUR)
        axes.xaxis.set_major_formatter(FuncFormatter(_axis_number))
    else:
        _category_ticks(axes, spec.categories, spec.x_label)
        axes.grid(axis="y", color=GRID_COLOUR)
        axes.yaxis.set_major_formatter(FuncFormatter(_axis_number))
    _whole_numbers(spec, axes.xaxis if spec.horizontal else axes.yaxis)
    if spec.show_totals:
        for position, total in zip(positions, bottoms, strict=True):
            label = _axis_number(total)
            if spec.horizontal:
                axes.annotate(
                    label, (total, position), xytext=(3, 0), textcoords="offset points", va="center", fontsize=8
                )
            else:
                axes.annotate(
                    label, (position, total), xytext=(0, 2), textcoords="offset points", ha="center", fontsize=8
                )
    axes.margins(x=0.1, y=0.02) if spec.horizontal else axes.margins(y=0.1)
    # Above the plot, like the age pyramid's: below it the legend would collide with the source line.
    axes.legend(
        frameon=False,
        fontsize=8.5,
        loc="lower right",
        bbox_to_anchor=(1.0, 1.0),
        ncols=_legend_columns(list(spec.segments)),
    )
    return figure


def _draw(spec: BarChart | LineChart | AgePyramid | StackedBarChart) -> Figure:
    if isinstance(spec, BarChart):
        return _draw_bar(spec)
    if isinstance(spec, LineChart):
        return _draw_line(spec)
    if isinstance(spec, AgePyramid):
        return _draw_pyramid(spec)
    return _draw_stacked(spec)


_SVG_HEADER = re.compile(r"^.*?(?=<svg)", re.DOTALL)


def to_svg(spec: BarChart | LineChart | AgePyramid | StackedBarChart, *, cached: bool = True) -> str:
    """The chart as a standalone SVG element (no XML prolog, so it can be inlined in HTML), with a <title> for
    screen readers. Drawn once per data version: the result is cached by a hash of the spec and the style
    (`legeplan.report.chart_cache`); `cached=False` always draws."""
    if not cached:
        return _draw_svg(spec)
    return CHARTS.get_or_draw(spec.model_dump_json(), "svg", lambda: _draw_svg(spec).encode()).decode()


def _draw_svg(spec: BarChart | LineChart | AgePyramid | StackedBarChart) -> str:
    with _style():
        figure = _draw(spec)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": "legeplan"})
    svg = _SVG_HEADER.sub("", buffer.getvalue(), count=1)
    # Ids unique per chart, so several charts can be inlined in one HTML page without clashing glyph/clip ids.
    prefix = "c" + hashlib.sha1(spec.model_dump_json().encode(), usedforsecurity=False).hexdigest()[:8] + "-"
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}\1"', svg)
    svg = svg.replace('xlink:href="#', f'xlink:href="#{prefix}').replace("url(#", f"url(#{prefix}")
    title = spec.title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    svg = re.sub(r"(<svg\b[^>]*>)", lambda match: f"{match.group(1)}<title>{title}</title>", svg, count=1)
    return svg.replace("<svg ", '<svg role="img" ', 1)


def to_png(spec: BarChart | LineChart | AgePyramid | StackedBarChart, dpi: int = 200, *, cached: bool = True) -> bytes:
    """The chart as PNG bytes, for DOCX (Word renders SVG poorly); cached like `to_svg`."""
    if not cached:
        return _draw_png(spec, dpi)
    return CHARTS.get_or_draw(spec.model_dump_json(), f"png-{dpi}", lambda: _draw_png(spec, dpi))


def _draw_png(spec: BarChart | LineChart | AgePyramid | StackedBarChart, dpi: int) -> bytes:
    with _style():
        figure = _draw(spec)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=dpi, facecolor="white")
    return buffer.getvalue()


def bar_chart(
    categories: Sequence[str],
    values: Sequence[float],
    *,
    title: str,
    y_label: str = "",
    horizontal: bool = False,
    highlight: Sequence[str] = (),
    reference_line: float | None = None,
    reference_label: str = "",
    value_format: str = "{:,.0f}",
    source: str = "",
) -> str:
    """Bar chart as SVG (e.g. list length per GP, with the listetak as reference line)."""
    return to_svg(
        BarChart(
            title=title,
            y_label=y_label,
            categories=list(categories),
            values=list(values),
            horizontal=horizontal,
            highlight=list(highlight),
            reference_line=reference_line,
            reference_label=reference_label,
            value_format=value_format,
            source=source,
        )
    )


def line_chart(
    x: Sequence[float],
    series: Sequence[Series] | dict[str, Sequence[float]],
    *,
    title: str,
    y_label: str = "",
    x_label: str = "",
    projection_from: float | None = None,
    x_is_year: bool = True,
    source: str = "",
    from_zero: bool = False,
) -> str:
    """Line chart as SVG, each series optionally with a band (projections, simulation percentiles)."""
    if isinstance(series, dict):
        series = [Series(name=name, values=list(values)) for name, values in series.items()]
    return to_svg(
        LineChart(
            title=title,
            y_label=y_label,
            x_label=x_label,
            x=list(x),
            series=list(series),
            projection_from=projection_from,
            x_is_year=x_is_year,
            source=source,
            from_zero=from_zero,
        )
    )


def age_pyramid(
    age_groups: Sequence[str],
    women: Sequence[int],
    men: Sequence[int],
    *,
    title: str = "Fastleger etter alder og kjønn",
    source: str = "",
) -> str:
    """GP age pyramid by sex as SVG: men to the left, women to the right."""
    return to_svg(AgePyramid(title=title, age_groups=list(age_groups), women=list(women), men=list(men), source=source))


def stacked_bar_chart(
    categories: Sequence[str],
    segments: dict[str, Sequence[float]],
    *,
    title: str,
    y_label: str = "",
    horizontal: bool = False,
    show_totals: bool = True,
    source: str = "",
) -> str:
    """Stacked bar chart as SVG (e.g. operating models per year, listed vs free places per office)."""
    return to_svg(
        StackedBarChart(
            title=title,
            y_label=y_label,
            categories=list(categories),
            segments={name: list(values) for name, values in segments.items()},
            horizontal=horizontal,
            show_totals=show_totals,
            source=source,
        )
    )


AGE_GROUPS: tuple[tuple[str, int, int], ...] = (
    ("under 30", 0, 29),
    ("30–39", 30, 39),
    ("40–49", 40, 49),
    ("50–54", 50, 54),
    ("55–59", 55, 59),
    ("60–64", 60, 64),
    ("65 og over", 65, 200),
)


def age_group_counts(ages_and_sexes: Sequence[tuple[int, str]]) -> tuple[list[str], list[int], list[int]]:
    """Bins (age, 'F'|'M') pairs into the pyramid's groups; 55 and 60 are group edges because they are the legevakt
    exemption ages."""
    labels = [label for label, _low, _high in AGE_GROUPS]
    women = [0] * len(AGE_GROUPS)
    men = [0] * len(AGE_GROUPS)
    for age, sex in ages_and_sexes:
        for index, (_label, low, high) in enumerate(AGE_GROUPS):
            if low <= age <= high:
                (women if sex == "F" else men)[index] += 1
                break
    return labels, women, men
