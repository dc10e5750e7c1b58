"""The plan as an A4 PDF through WeasyPrint, from the same HTML as the web page.

What WeasyPrint is given is chosen by measurement (issue #15, `benchmarks/report_render.py`):

* each chart is an `<img>` of its SVG, so WeasyPrint draws one image instead of styling and laying out every SVG
  element as part of the page;
* the SVG bytes are handed over by a URL fetcher from memory (`legeplan-figur:<n>`), not as base64 data URIs in the
  page: the HTML parser no longer walks 250 kB of base64, and nothing is encoded and decoded again;
* the SVG is simplified for WeasyPrint's drawing (`print_svg`): matplotlib wraps every element in a `<g id=…>` of its
  own and adds RDF metadata; WeasyPrint draws each node in Python, so the same picture with a third of the nodes is
  drawn faster. Its `style="…"` declarations become presentation attributes, and its one stylesheet (`*{…}`, matched
  against every node) attributes of the root: WeasyPrint reads an attribute as it is, where it parses each style
  declaration with tinycss2 (6 % of the PDF's writing). The picture (paths, text, colours, clipping, transforms) is
  unchanged.
"""

from __future__ import annotations

import gc
import re
import threading
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from legeplan.report.document import Figure, PlanDocument
from legeplan.report.render.common import ProgressCallback, ReportRenderError, check_target, noop
from legeplan.report.render.html import DocumentPart, compile_template, figure_svg, plan_css, render_page
from legeplan.report.render.pdf_parts import PartResult, page_facts, parts_wanted, render_in_parts

if TYPE_CHECKING:
    from weasyprint import CSS
    from weasyprint.urls import URLFetcherResponse

#: The URL scheme of the plan's own charts in the PDF's HTML (served from memory by `_ChartFetcher`).
CHART_SCHEME = "legeplan-figur"
_SVG = "http://www.w3.org/2000/svg"
_REFERENCE = re.compile(r'(?:href="#|url\(#)([^")]+)')
_NO_ROTATION = re.compile(r"rotate\(-?0 [-0-9.e]+ [-0-9.e]+\)")
#: matplotlib's one stylesheet: `*{stroke-linejoin: round; stroke-linecap: butt}`.
_UNIVERSAL_RULE = re.compile(r"\s*\*\s*\{([^{}]*)\}\s*")
#: Properties SVG children inherit: a universal rule of only these means the same as the root's attributes.
_INHERITED = frozenset(
    {"stroke-linejoin", "stroke-linecap", "stroke-width", "stroke", "fill", "font-family", "font-size"}
)


def _declarations(text: str) -> list[tuple[str, str]] | None:
    """`a: b; c: d` as pairs; None when a declaration is not a plain `name: value` (then the style is kept)."""
    pairs = []
    for declaration in text.split(";"):
        if not declaration.strip():
            continue
        name, colon, value = declaration.partition(":")
        name, value = name.strip().lower(), value.strip()
        if not colon or not re.fullmatch(r"[a-z-]+", name) or not value or "!" in value:
            return None
        pairs.append((name, value))
    return pairs


def _style_as_attributes(root: ElementTree.Element) -> None:
    """The SVG's style declarations as presentation attributes, where that means the same picture: inline styles
    beat presentation attributes and a stylesheet rule beats them too, so this is done only when the one stylesheet
    is a universal rule of inherited properties (set on the root instead, where each element's own attribute still
    overrides it), as matplotlib writes it."""
    sheets = [element for element in root.iter() if element.tag.rpartition("}")[2] == "style"]
    universal: list[tuple[str, str]] = []
    for sheet in sheets:
        match = _UNIVERSAL_RULE.fullmatch(sheet.text or "")
        pairs = _declarations(match.group(1)) if match else None
        if pairs is None or any(name not in _INHERITED for name, _ in pairs):
            return
        universal += pairs
    ruled = {name for name, _ in universal}
    converted: list[tuple[ElementTree.Element, list[tuple[str, str]]]] = []
    for element in root.iter():
        if "style" in element.attrib:
            pairs = _declarations(element.attrib["style"])
            if pairs is None:
                return
            if len(element) and any(name in ruled for name, _ in pairs):
                return  # the rule beat what a group passes down; as the group's attribute it would pass it down
            converted.append((element, pairs))
    for parent in root.iter():
        for child in [child for child in parent if child in sheets]:
            parent.remove(child)
    for name, value in universal:
        root.set(name, value)
    for element, pairs in converted:
        del element.attrib["style"]
        for name, value in pairs:
            element.set(name, value)


def print_svg(svg: str) -> bytes:
    """The chart's SVG with the same picture and fewer nodes: no metadata, no title, and every group that carries
    nothing but an unreferenced id replaced by its children; ids nothing refers to and rotations by 0° are dropped."""
    root = ElementTree.fromstring(svg)
    referenced = set(_REFERENCE.findall(svg))

    def flatten(element: ElementTree.Element) -> None:
        children: list[ElementTree.Element] = []
        for child in element:
            flatten(child)
            tag = child.tag.rpartition("}")[2]
            if tag in ("metadata", "title"):
                continue
            identifier = child.get("id")
            if identifier is not None and identifier not in referenced:
                del child.attrib["id"]
            if _NO_ROTATION.fullmatch(child.get("transform", "")):
                del child.attrib["transform"]  # matplotlib's «rotate(-0 x y)» on every label: the identity
            if tag == "g" and not child.attrib:
                children.extend(child)
            else:
                children.append(child)
        element[:] = children

    flatten(root)
    _style_as_attributes(root)
    ElementTree.register_namespace("", _SVG)
    ElementTree.register_namespace("xlink", "http://www.w3.org/1999/xlink")
    data: bytes = ElementTree.tostring(root, encoding="utf-8", xml_declaration=False)
    return data


def print_html(doc: PlanDocument, part: DocumentPart | None = None) -> tuple[str, dict[str, bytes]]:
    """The PDF's input: the plan's HTML (or `part` of it) with each chart as `<img src="legeplan-figur:<n>">`, and the
    SVG of each. Its styles are `stylesheets(part)`."""
    images: dict[str, bytes] = {}

    def chart_image(figure: Figure) -> str:
        url = f"{CHART_SCHEME}:{len(images) + 1}"
        images[url] = print_svg(figure_svg(figure))
        alt = escape(figure.alt or figure.caption, quote=True)
        return f'<img class="chart" alt="{alt}" src="{url}">'

    return render_page(doc, chart_image, part, styles=False), images


class RefusedResource(ReportRenderError):
    """A URL in the plan's HTML that is not one of the plan's own charts."""


def _fetcher(images: Mapping[str, bytes]) -> object:
    """Only the plan's own charts, from memory; every other URL is refused.

    The municipality's text is Markdown typed in a browser: a link or image address in it must never make the server
    fetch a URL (SSRF) or read a file next to the output (`../x.png`, `file://`). WeasyPrint logs a refused resource
    and leaves it out; the plan needs nothing else (its CSS is inline, fonts are the system's)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ChartFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint is untyped
        def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
            if url in images:
                return URLFetcherResponse(url, images[url], {"Content-Type": "image/svg+xml"})
            raise RefusedResource(f"{url[:80]}: not one of the plan's charts")

    return ChartFetcher()


#: The collector's first threshold while WeasyPrint lays out (Python 3.11's default is 700 new objects).
LAYOUT_GC_THRESHOLD = 50_000
_COLLECTIONS = threading.Lock()
_LAYING_OUT: list[tuple[tuple[int, int, int], bool]] = []  # (thresholds before, thaw after) while any layout runs


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Python's cyclic collector, run less often and never over what existed before: WeasyPrint makes millions of
    short-lived objects, and with the default threshold the collector walked the whole heap (the report engine,
    WeasyPrint, matplotlib) every few hundred of them — 7 % of a PDF's time. The objects of the layout are still
    collected, only in larger batches. Layouts in several threads share one setting: the first in sets it, the last
    out restores the thresholds and thaws the heap (unless it was frozen before, by someone who keeps it so)."""
    with _COLLECTIONS:
        if not _LAYING_OUT:
            thresholds = gc.get_threshold()
            _LAYING_OUT.append((thresholds, gc.get_freeze_count() == 0))
            gc.freeze()
            gc.set_threshold(LAYOUT_GC_THRESHOLD, thresholds[1], thresholds[2])
        else:
            _LAYING_OUT.append(_LAYING_OUT[0])
    try:
        yield
    finally:
        with _COLLECTIONS:
            thresholds, thaw = _LAYING_OUT.pop()
            if not _LAYING_OUT:
                gc.set_threshold(*thresholds)
                if thaw:
                    gc.unfreeze()


@cache
def _plan_stylesheet() -> CSS:
    from weasyprint import CSS

    return CSS(string=plan_css(), url_fetcher=_fetcher({}))


def stylesheets(part: DocumentPart | None = None) -> list[CSS]:
    """plan.css, parsed once per process (a part of the PDF in parts is one of several documents: ≈ 30 ms each), and
    after it the part's own page rules, which win over plan.css's where they say otherwise."""
    from weasyprint import CSS

    own = [CSS(string=part.page_css, url_fetcher=_fetcher({}))] if part is not None and part.page_css else []
    return [_plan_stylesheet(), *own]


def warm_up() -> None:
    """One tiny PDF in the plan's styles, regular and bold: WeasyPrint's and the plan's stylesheets parsed and the
    system's fonts found, once per process (the job server's: every job forks from it) instead of in each first PDF
    (0,12 s); and the plan's template compiled (0,07 s)."""
    from weasyprint import HTML

    compile_template()
    HTML(string="<p>Side <b>1</b> av 2</p>", url_fetcher=_fetcher({})).render(stylesheets=stylesheets()).write_pdf()


def render_part(doc: PlanDocument, part: DocumentPart | None = None) -> PartResult:
    """The plan (or `part` of it) laid out and written by WeasyPrint, with the facts of its pages."""
    from weasyprint import HTML  # imported late: pango is loaded only when a PDF is asked for

    html, images = print_html(doc, part)
    with fewer_collections():
        document = HTML(string=html, base_url=None, url_fetcher=_fetcher(images))
        rendered = document.render(stylesheets=stylesheets(part))
        pdf = rendered.write_pdf()
    if pdf is None:
        raise ReportRenderError("WeasyPrint produced no PDF")
    return PartResult(pdf, page_facts(rendered.pages))


def render_pdf(doc: PlanDocument, path: Path, progress: ProgressCallback | None = None) -> None:
    """The plan as an A4 PDF, with page headers, page numbers and a table of contents.

    Made of chapters laid out once per content version, two at a time, with the contents and the page numbers added
    when every chapter's page count is known (`legeplan.report.render.pdf_parts`); a short plan, or
    `LEGEPLAN_PDF_PARALLEL=0`, is laid out in one piece. The file is written only when layout succeeded, so a
    failure never leaves half a PDF behind."""
    report = progress or noop
    path = Path(path)
    check_target(path, ".pdf")
    report(1, 3, "Lager HTML og figurer")
    pdf: bytes | None = None
    if parts_wanted(doc):

        def part_of(part: DocumentPart) -> PartResult:
            return render_part(doc, part)

        joined = render_in_parts(doc, part_of, lambda message: report(2, 3, message))
        if joined is not None:
            pdf = joined[0]
    if pdf is None:
        report(2, 3, "Setter sider (WeasyPrint)")
        pdf = render_part(doc).pdf
    report(3, 3, "Skriver PDF")
    path.write_bytes(pdf)
