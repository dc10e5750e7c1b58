"""The plan as one self-contained HTML page (CSS and SVG charts inline); also the input to the PDF."""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from html import escape
from importlib import resources
from typing import Literal

from jinja2 import Environment, StrictUndefined, Template, select_autoescape
from markupsafe import Markup

from legeplan.report.charts import to_svg
from legeplan.report.document import Figure, PlanDocument, norwegian_date, numbering
from legeplan.report.markdown import to_html
from legeplan.report.render.common import untitled


def template_text(name: str) -> str:
    return resources.files("legeplan.report").joinpath("templates", name).read_text(encoding="utf-8")


def _markdown(text: str) -> Markup:
    # markdown-it escapes raw HTML in the municipality's text (html=False), so the result is safe to insert.
    return Markup(to_html(text))


@cache
def _environment() -> Environment:
    environment = Environment(autoescape=select_autoescape(default=True), undefined=StrictUndefined)
    environment.globals["date"] = norwegian_date
    environment.globals["block_id"] = id
    environment.globals["markdown"] = _markdown
    return environment


def figure_svg(figure: Figure) -> str:
    """The figure's chart as SVG (drawn once per data version: `legeplan.report.chart_cache`)."""
    return to_svg(untitled(figure))


def _figure_image(figure: Figure) -> str:
    """The chart as an <img> with the SVG as a data URI (a self-contained page whose charts are images)."""
    data = base64.b64encode(figure_svg(figure).encode("utf-8")).decode("ascii")
    alt = escape(figure.alt or figure.caption, quote=True)
    return f'<img class="chart" alt="{alt}" src="data:image/svg+xml;base64,{data}">'


@cache
def _template() -> Template:
    return _environment().from_string(template_text("plan.html.j2"))


def compile_template() -> None:
    """Compiles the plan's template now (70 ms), e.g. once in the job server rather than in every job."""
    _template()


@cache
def _css() -> str:
    return template_text("plan.css")


@dataclass(frozen=True)
class Label:
    """A page number laid over a page of the PDF in parts (`legeplan.report.render.pdf_parts`): `kind` is «footer»
    (the footer's «Side N av T») or «contents» (a chapter's page in the contents), one line on page `sheet` of the
    label sheet, in `box` (left, top, right, bottom in CSS px; as tall as its line), right-aligned."""

    kind: Literal["footer", "contents"]
    text: str
    sheet: int
    box: tuple[float, float, float, float]


@dataclass(frozen=True)
class LabelColumn:
    """Labels of one kind and width, one line each, one below the other on the label sheet: one element (WeasyPrint
    spends milliseconds on each element's style, and far less on a line)."""

    kind: str
    left: float
    top: float
    width: float
    text: str


@dataclass(frozen=True)
class DocumentPart:
    """A slice of the plan laid out on its own (the PDF in two processes: `legeplan.report.render.pdf_parts`).

    `front` is the cover and the contents, without the contents' page numbers (room is kept for them); `chapters` are
    indexes into `doc.chapters`, still numbered as in the whole plan. `page_css` sets what a part cannot know of the
    page (no footer number, the page headers' texts). `ghost_anchors` are empty targets for the contents' links to
    chapters laid out elsewhere (the joined PDF points them at the real pages). A part with `labels` is nothing but
    the label sheet: the page numbers, to be laid over the pages they belong on."""

    front: bool
    chapters: tuple[int, ...] = ()
    page_css: str = ""
    ghost_anchors: tuple[str, ...] = field(default=())
    labels: tuple[Label, ...] = field(default=())

    def label_sheets(self) -> list[list[LabelColumn]]:
        """The label sheet's pages, each with its columns: labels that follow one another line by line."""
        sheets: list[list[LabelColumn]] = [
            [] for _ in range(max((label.sheet for label in self.labels), default=-1) + 1)
        ]
        run: list[Label] = []

        def close() -> None:
            if run:
                first = run[0]
                text = "\n".join(label.text for label in run)
                width = first.box[2] - first.box[0]
                sheets[first.sheet].append(LabelColumn(first.kind, first.box[0], first.box[1], width, text))
                run.clear()

        for label in self.labels:
            last = run[-1] if run else None
            if last is None or (label.sheet, label.kind, label.box[0], label.box[2], label.box[1]) != (
                last.sheet,
                last.kind,
                last.box[0],
                last.box[2],
                last.box[3],
            ):
                close()
            run.append(label)
        close()
        return sheets


def render_page(
    doc: PlanDocument, figure: Callable[[Figure], str], part: DocumentPart | None = None, *, styles: bool = True
) -> str:
    """The plan's page, each figure's chart given by `figure` (inline SVG, or an image for the PDF); `part` is a
    slice of it for the PDF's parallel layout (None: the whole plan). Without `styles` the page has no stylesheet
    (the PDF is given plan.css and the part's `page_css` parsed: `pdf.stylesheets`)."""
    return _template().render(doc=doc, css=_css(), labels=numbering(doc), svg=figure, part=part, styles=styles)


def plan_css() -> str:
    """The plan's stylesheet (screen and print)."""
    return _css()


def render_html(doc: PlanDocument, *, inline_svg: bool = True) -> str:
    """The whole plan as one self-contained HTML page (CSS and SVG charts inline). `inline_svg=False` embeds the charts
    as SVG images (data URIs)."""
    return render_page(doc, figure_svg if inline_svg else _figure_image)
