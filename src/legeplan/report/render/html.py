"""The plan as one self-contained HTML page (CSS and SVG charts inline); also the input to the PDF."""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from html import escape
from importlib import resources

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


@cache
def _css() -> str:
    return template_text("plan.css")


@dataclass(frozen=True)
class DocumentPart:
    """A slice of the plan laid out on its own (the PDF in two processes: `legeplan.report.render.pdf_parts`).

    `front` is the cover and the contents; `chapters` are indexes into `doc.chapters`, still numbered as in the whole
    plan. The page numbers a part cannot count itself come as literals: `page_css` (the first page's number, the
    total, or no number at all) and `toc_pages` (each chapter's first page, for the contents). `ghost_anchors` are
    empty targets for the contents' links to chapters laid out elsewhere (the joined PDF points them at the real
    pages). `stamps` pages carry nothing but the footer's page number, to be laid over chapter pages."""

    front: bool
    chapters: tuple[int, ...] = ()
    page_css: str = ""
    toc_pages: Mapping[str, int] | None = None
    ghost_anchors: tuple[str, ...] = field(default=())
    stamps: int = 0


def render_page(doc: PlanDocument, figure: Callable[[Figure], str], part: DocumentPart | None = None) -> str:
    """The plan's page, each figure's chart given by `figure` (inline SVG, or an image for the PDF); `part` is a
    slice of it for the PDF's parallel layout (None: the whole plan)."""
    return _template().render(doc=doc, css=_css(), labels=numbering(doc), svg=figure, part=part)


def render_html(doc: PlanDocument, *, inline_svg: bool = True) -> str:
    """The whole plan as one self-contained HTML page (CSS and SVG charts inline). `inline_svg=False` embeds the charts
    as SVG images (data URIs)."""
    return render_page(doc, figure_svg if inline_svg else _figure_image)
