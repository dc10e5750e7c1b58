"""The plan's PDF from chapters laid out once per content version, two at a time (issue #15: the PDF in seconds).

WeasyPrint lays a document out page after page on one core; the plan's 40-odd pages cost ≈ 6 s of it, spread over
layout and drawing with no single cost above 15 %. Every chapter starts on a new page (`section.chapter
{ break-before: page }`), so a chapter's pages do not depend on what comes before it — only the numbers printed on them
do: «Side 12 av 44» in the footer and the contents' page numbers. Nor does the front (cover and contents) depend on
those numbers: the contents keep room for them. So:

1. the front and every chapter are laid out without page numbers, and kept (`LayoutCache`) by a hash of their content
   and of everything that shapes their pages (a chapter's number, the page headers' texts, the template, the
   stylesheet, WeasyPrint's version and the charts' style); what is not kept yet is laid out in two parts at once, one
   in a forked process, the front with the first;
2. with every page count known, the page numbers are laid out on a label sheet: each footer's «Side N av T» and each
   chapter's page in the contents, in the box it has on its page (the footer's margin box; the contents entry's box,
   from the front's layout), stacked on as few pages as they fit;
3. qpdf (pikepdf) joins the pages, lays each label over its page (clipped to its box, moved into place), and the named
   destinations (each anchor where it really is: the contents' links point at «ghost» targets laid out with the
   front), the links and the bookmarks (nested by level over all pages, as WeasyPrint nests them) are rebuilt over the
   joined pages.

The joined PDF has the same pages, text, links and bookmarks as the plan laid out in one piece, and its page numbers
stand where WeasyPrint puts them (`tests/report/test_pdf_parts.py` compares them). A plan's first PDF costs one round
in two processes and a label sheet of a few pages; after an edit only the changed chapters (and the front, if a title
changed) are laid out again.
"""

from __future__ import annotations

import hashlib
import io
import json
import multiprocessing
import os
import re
import threading
import warnings
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, cast

from legeplan.report.chart_cache import CHARTS, cache_folder, style_version
from legeplan.report.document import Figure, PlanDocument
from legeplan.report.kept import write_atomic
from legeplan.report.render.common import untitled
from legeplan.report.render.html import DocumentPart, Label, render_page, template_text

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    import pikepdf

#: Below this many chapters the plan is laid out in one piece (the parts' overhead would not pay).
MIN_CHAPTERS = 4
#: How long the parent waits for the other part before laying it out itself.
CHILD_TIMEOUT_S = 300.0
#: Laid-out parts kept in memory, and on disk (a part is 10–150 kB).
MEMORY_PARTS = 64
DISK_PARTS = 400
#: Chapters remembered in the index (a plan has ≈ 20).
INDEX_ENTRIES = 5000
#: CSS px to PDF points (WeasyPrint lays out at 96 px per inch).
PX_TO_PT = 0.75
#: The page and its margins in CSS px, as `@page` in plan.css sets them (A4; 22 mm 20 mm 22 mm 22 mm); the footer's
#: number is the @bottom-right margin box's: 8 pt, right-aligned, its line centred in the bottom margin.
_MM = 96 / 25.4
_PT = 96 / 72
PAGE_WIDTH, PAGE_HEIGHT = 210 * _MM, 297 * _MM
FOOTER_BOX = (22 * _MM, PAGE_HEIGHT - 22 * _MM, PAGE_WIDTH - 20 * _MM, PAGE_HEIGHT)
#: A line's height: plan.css's `line-height: 1.45` at the footer's 8 pt and the contents' 10 pt.
FOOTER_LINE = 1.45 * 8 * _PT
CONTENTS_LINE = 1.45 * 10 * _PT
#: The id of a chapter's entry in the contents (plan.html.j2): its number's line is at the foot of the entry's box, in
#: the room the entry keeps free at its right (`padding-right: 3em` at 10 pt).
CONTENTS_ENTRY = "innhold-"
CONTENTS_NUMBER_ROOM = 3 * 10 * _PT
#: Room between columns of labels on the label sheet.
LABEL_GAP = 8.0
_OFF = ("0", "off", "no", "nei", "false")


@dataclass(frozen=True)
class PageFacts:
    """What the joined PDF needs of one laid-out page: its height (CSS px), its anchors' boxes (left, top, right,
    bottom) and its bookmarks."""

    height: float
    anchors: dict[str, tuple[float, float, float, float]]
    bookmarks: list[tuple[int, str, float, float, str]]


@dataclass(frozen=True)
class PartResult:
    pdf: bytes
    pages: list[PageFacts]


class LaidOutPage(Protocol):
    """The parts of WeasyPrint's `Page` read here (WeasyPrint is untyped)."""

    height: float
    anchors: dict[str, tuple[float, float, float, float]]
    bookmarks: list[tuple[int, str, tuple[float, float], str]]


def page_facts(pages: Sequence[LaidOutPage]) -> list[PageFacts]:
    """The anchors and bookmarks of WeasyPrint's laid-out pages, as plain data (sent between processes, stored)."""
    facts = []
    for page in pages:
        anchors = {name: (float(a), float(b), float(c), float(d)) for name, (a, b, c, d) in page.anchors.items()}
        bookmarks = [
            (int(level), str(label), float(position[0]), float(position[1]), str(state))
            for level, label, position, state in page.bookmarks
        ]
        facts.append(PageFacts(float(page.height), anchors, bookmarks))
    return facts


@dataclass(frozen=True)
class LayoutPlan:
    """The page counts of a layout: pages before the first chapter, then each chapter's."""

    front_pages: int
    chapter_pages: tuple[int, ...]

    def first_page(self, chapter: int) -> int:
        return self.front_pages + sum(self.chapter_pages[:chapter]) + 1

    @property
    def total(self) -> int:
        return self.front_pages + sum(self.chapter_pages)


def parallel_enabled() -> bool:
    """Two processes only where they can run at once and fork is available (not on Windows)."""
    return (os.cpu_count() or 1) >= 2 and "fork" in multiprocessing.get_all_start_methods()


def parts_wanted(doc: PlanDocument) -> bool:
    """The plan in parts, unless it is short or `LEGEPLAN_PDF_PARALLEL=0` asks for one piece (as before)."""
    if os.environ.get("LEGEPLAN_PDF_PARALLEL", "").strip().lower() in _OFF:
        return False
    return len(doc.chapters) >= MIN_CHAPTERS


def layout_of(doc: PlanDocument, pages: Sequence[PageFacts], chapters: Sequence[int], first: int = 0) -> list[int]:
    """Each chapter's page count in laid-out pages that hold `chapters` (indexes, in order) from page `first` and
    nothing else after it (each chapter starts a page, and its anchor is on its first page; a chapter that runs over
    pages has its id on each). Fewer counts than chapters when one is missing."""
    if not chapters:
        return []
    start_of: dict[str, int] = {}
    for index, page in enumerate(pages):
        for name in page.anchors:
            start_of.setdefault(name, index)
    starts = [start_of[doc.chapters[i].id] for i in chapters if doc.chapters[i].id in start_of]
    if len(starts) != len(chapters) or (starts and starts[0] != first) or starts != sorted(starts):
        return []
    return [following - start for start, following in zip(starts, [*starts[1:], len(pages)], strict=True)]


def _first_page(pages: Sequence[PageFacts], anchor: str) -> int | None:
    """The first of `pages` that holds `anchor`."""
    return next((index for index, page in enumerate(pages) if anchor in page.anchors), None)


@cache
def _layout_version() -> str:
    """What shapes a part's layout besides its content: the template, the stylesheet, the code that makes the PDF's
    HTML and lays the parts out, WeasyPrint and the charts."""
    digest = hashlib.sha256(version("weasyprint").encode())
    digest.update(template_text("plan.html.j2").encode())
    digest.update(template_text("plan.css").encode())
    for module in ("html.py", "pdf.py", "pdf_parts.py"):
        digest.update(resources.files("legeplan.report.render").joinpath(module).read_bytes())
    digest.update(style_version().encode())
    return digest.hexdigest()


#: A chapter's layout time (s) on the benchmark machine, from what WeasyPrint spends on the demo plan: 5,2 s for the
#: chapters' 79 000 characters of HTML; 0,9 s drawing 11 charts, of it 0,5 s for 235 texts (an SVG text is laid out
#: letter by letter) and the rest by the SVG's size; and each chapter's page break and margin boxes. A chart not drawn
#: yet is reckoned at the demo's mean.
COST_PER_CHAPTER, COST_PER_CHARACTER, COST_PER_CHART_TEXT, COST_PER_SVG_BYTE = 0.03, 5.2e-5, 2.2e-3, 3e-6
COST_PER_CHART_NOT_DRAWN = 0.08
#: The cover and the contents (0,5 s for the demo).
FRONT_COST = 0.5
_CHART = re.compile(r'<img data-chart="([0-9a-f]+\.svg)">')
_CHAPTER = '<section class="chapter"'


@dataclass(frozen=True)
class PlanShape:
    """What the layout of the front and of each chapter is made from, as keys, and each chapter's estimated cost.

    A key hashes the part's own print HTML (each chart as its chart cache key, which names its SVG), the chapter's
    number and the page headers' texts, and `_layout_version`: whatever code made the HTML, the same HTML with the
    same stylesheet and WeasyPrint lays out the same pages."""

    front: str
    chapters: tuple[str, ...]
    costs: tuple[float, ...]


def plan_shape(doc: PlanDocument) -> PlanShape | None:
    """The plan's shape from its print HTML (one render of the template, ≈ 20 ms for the demo; no chart is drawn for
    it). None if the HTML cannot be cut into the front and one section per chapter."""

    chart_costs: dict[str, float] = {}

    def chart(figure: Figure) -> str:
        """The chart as its key alone: whether it is drawn yet must not change the chapter's key."""
        key = CHARTS.key(untitled(figure).model_dump_json(), "svg")
        svg = CHARTS.get(key)
        chart_costs[key] = (
            COST_PER_CHART_NOT_DRAWN
            if svg is None
            else COST_PER_CHART_TEXT * svg.count(b"<text") + COST_PER_SVG_BYTE * len(svg)
        )
        return f'<img data-chart="{key}">'

    front, *sections = render_page(doc, chart, styles=False).split(_CHAPTER)
    if len(sections) != len(doc.chapters):
        return None
    version = _layout_version()
    chapters = []
    for number, section in enumerate(sections, start=1):
        digest = hashlib.sha256(f"{version}\0{number}\0{doc.organisation}\0{doc.title}\0".encode())
        digest.update(section.encode())
        chapters.append("c" + digest.hexdigest()[:40])
    costs = tuple(
        COST_PER_CHAPTER + COST_PER_CHARACTER * len(section) + sum(chart_costs[key] for key in _CHART.findall(section))
        for section in sections
    )
    front_key = "f" + hashlib.sha256(f"{version}\0front\0{front}".encode()).hexdigest()[:40]
    return PlanShape(front_key, tuple(chapters), costs)


def chapter_keys(doc: PlanDocument) -> list[str]:
    """Each chapter's layout key (`PlanShape`)."""
    shape = plan_shape(doc)
    return [] if shape is None else list(shape.chapters)


def part_key(shape: PlanShape, part: DocumentPart) -> str:
    """A laid-out part's key: the keys of the front and the chapters in it, its page rules, ghosts and labels."""
    digest = hashlib.sha256(_layout_version().encode())
    if part.front:
        digest.update(shape.front.encode())
    labels = [[label.kind, label.text, label.sheet, label.box] for label in part.labels]
    digest.update(json.dumps([[shape.chapters[i] for i in part.chapters], part.page_css, labels]).encode())
    digest.update("\0".join(part.ghost_anchors).encode())
    return "p" + digest.hexdigest()[:40]


@dataclass(frozen=True)
class ChapterPages:
    """Where a chapter's pages are: a stored part, the first page in it and how many."""

    part: str
    start: int
    count: int


class LayoutCache:
    """Laid-out parts (PDF and page facts) by key, in memory and as files in `pdf-parts` beside the chart cache's
    folder, and an index from each chapter's key to its pages in a part (`pdf-chapters.json`). A file that cannot be
    read or written, or a damaged one, is a miss: the cache only saves time."""

    def __init__(self) -> None:
        self._parts: OrderedDict[str, PartResult] = OrderedDict()
        self._chapters: dict[str, ChapterPages] = {}
        self._loaded_from: Path | None = None
        self._lock = threading.Lock()
        self._writes = 0

    @staticmethod
    def folder() -> Path | None:
        charts = cache_folder()
        return None if charts is None else charts.parent / "pdf-parts"

    def _load(self) -> None:
        folder = self.folder()
        if folder is None or folder == self._loaded_from:
            return
        self._loaded_from = folder
        try:
            stored = json.loads((folder / "index.json").read_text(encoding="utf-8"))
            for key, (part, start, count) in stored["chapters"].items():
                self._chapters.setdefault(key, ChapterPages(str(part), int(start), int(count)))
        except (OSError, ValueError, KeyError, TypeError):
            return

    def part(self, key: str) -> PartResult | None:
        with self._lock:
            found = self._parts.get(key)
            if found is not None:
                self._parts.move_to_end(key)
                return found
        folder = self.folder()
        if folder is None:
            return None
        try:
            pdf = (folder / f"{key}.pdf").read_bytes()
            raw = json.loads((folder / f"{key}.json").read_text(encoding="utf-8"))
            pages = [
                PageFacts(
                    float(page["height"]),
                    {name: (float(a), float(b), float(c), float(d)) for name, (a, b, c, d) in page["anchors"].items()},
                    [(int(a), str(b), float(c), float(d), str(e)) for a, b, c, d, e in page["bookmarks"]],
                )
                for page in raw
            ]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if not pdf.startswith(b"%PDF-"):
            return None
        result = PartResult(pdf, pages)
        self._remember(key, result)
        return result

    def _remember(self, key: str, result: PartResult) -> None:
        with self._lock:
            self._parts[key] = result
            while len(self._parts) > MEMORY_PARTS:
                self._parts.popitem(last=False)

    def store_part(self, key: str, result: PartResult) -> None:
        self._remember(key, result)
        folder = self.folder()
        if folder is None:
            return
        facts = [{"height": page.height, "anchors": page.anchors, "bookmarks": page.bookmarks} for page in result.pages]
        try:
            folder.mkdir(parents=True, exist_ok=True)
            write_atomic(folder / f"{key}.json", json.dumps(facts).encode())
            write_atomic(folder / f"{key}.pdf", result.pdf)
        except OSError:
            return
        self._writes += 1
        if self._writes % 20 == 0:
            _prune(folder, DISK_PARTS)

    def chapter(self, key: str, chapter_id: str | None) -> tuple[PartResult, ChapterPages] | None:
        """The stored pages of the chapter (or, with no `chapter_id`, the front) with `key`, if they are where the
        index says: the chapter's anchor first on its first page (the front starts its part), a chapter heading
        (bookmark level 2) on no page after it but on the page after the last."""
        with self._lock:
            self._load()
            where = self._chapters.get(key)
        if where is None:
            return None
        part = self.part(where.part)
        if part is None or where.count < 1 or where.start + where.count > len(part.pages):
            return None
        pages = part.pages
        first = 0 if chapter_id is None else _first_page(pages, chapter_id)

        def heading(index: int) -> bool:
            return any(level == 2 for level, *_ in pages[index].bookmarks)

        # The front's own contents heading is a heading inside it.
        inside = range(where.start + 1, where.start + where.count) if chapter_id is not None else range(0)
        after = where.start + where.count
        if first != where.start or any(heading(i) for i in inside) or (after < len(pages) and not heading(after)):
            return None
        return part, where

    def store_layout(self, chapters: dict[str, ChapterPages]) -> None:
        with self._lock:
            self._load()
            self._chapters.update(chapters)
            while len(self._chapters) > INDEX_ENTRIES:
                del self._chapters[next(iter(self._chapters))]
            snapshot = {
                "chapters": {key: [where.part, where.start, where.count] for key, where in self._chapters.items()}
            }
        folder = self.folder()
        if folder is None:
            return
        try:
            folder.mkdir(parents=True, exist_ok=True)
            write_atomic(folder / "index.json", json.dumps(snapshot).encode())
        except OSError:
            return

    def clear(self) -> None:
        """Empties the memory (the files stay, and are read again)."""
        with self._lock:
            self._parts.clear()
            self._chapters.clear()
            self._loaded_from = None


def _prune(folder: Path, keep: int) -> None:
    """The oldest parts beyond `keep` are removed (their chapters are laid out again when next asked for)."""
    try:
        files = sorted(folder.glob("p*.pdf"), key=lambda path: path.stat().st_mtime)
    except OSError:
        return
    for path in files[: max(0, len(files) - keep)]:
        for stale in (path, path.with_suffix(".json")):
            stale.unlink(missing_ok=True)


LAYOUT_CACHE = LayoutCache()


def css_string(text: str) -> str:
    """`text` as a CSS string literal that cannot end the string, the rule or the `<style>` element: quotes,
    backslashes, angle brackets, ampersands and control characters as CSS escapes."""
    escaped = "".join(
        f"\\{ord(character):x} " if character in '"\\<>&' or ord(character) < 32 or ord(character) == 127 else character
        for character in text
    )
    return f'"{escaped}"'


#: No number in the footer: it is laid over the page from the label sheet.
NO_FOOTER = "@page { @bottom-right { content: none; } }"


def chapter_part(doc: PlanDocument, chapters: Sequence[int]) -> DocumentPart:
    """Chapters laid out without page numbers, with the page headers' texts the cover sets in the whole plan."""
    running = f"main {{ string-set: organisation {css_string(doc.organisation)}, doctitle {css_string(doc.title)}; }}"
    return DocumentPart(front=False, chapters=tuple(chapters), page_css=f"{NO_FOOTER}\n{running}")


def _anchors(doc: PlanDocument, chapters: Sequence[int]) -> tuple[str, ...]:
    """The contents' link targets in `chapters`: each chapter and its sections."""
    return tuple(
        anchor
        for chapter in (doc.chapters[index] for index in chapters)
        for anchor in (chapter.id, *(f"{chapter.id}-{number}" for number in range(1, len(chapter.sections) + 1)))
    )


def front_part(doc: PlanDocument, chapters: Sequence[int] = ()) -> DocumentPart:
    """The cover and contents without page numbers (the contents keep room for them), then `chapters` (one document
    costs less than two); a ghost target for every link of the contents to a chapter laid out elsewhere. The front's
    pages do not depend on the chapters after it (they start a page; the ghosts take no room)."""
    elsewhere = [index for index in range(len(doc.chapters)) if index not in chapters]
    page_css = chapter_part(doc, chapters).page_css if chapters else NO_FOOTER
    return DocumentPart(front=True, chapters=tuple(chapters), page_css=page_css, ghost_anchors=_anchors(doc, elsewhere))


@dataclass(frozen=True)
class Placement:
    """A label laid over page `page` (of the joined PDF) in `box` (CSS px), from its box on the label sheet; a link
    to the anchor `link` over the number, as the number in the plan laid out in one piece has."""

    page: int
    label: Label
    box: tuple[float, float, float, float]
    link: str | None = None


def label_part(
    doc: PlanDocument, plan: LayoutPlan, front: Sequence[PageFacts]
) -> tuple[DocumentPart, list[Placement]] | None:
    """The label sheet of a layout: each chapter's page, on the line at the foot of its contents entry's box (found in
    the front's layout), and «Side N av T» on the footer's line of every page after the cover. The labels are stacked
    line by line in columns of one kind and width (each at the left and width it has on its page, so that only its
    height moves), on as few sheet pages as they fit. None if a chapter's entry is not in the front."""
    entries: dict[str, tuple[int, tuple[float, float, float, float]]] = {}
    for index, page in enumerate(front):
        for name, box in page.anchors.items():
            if name.startswith(CONTENTS_ENTRY):
                entries[name] = (index, box)  # an entry is never split over pages (plan.css)
    if not entries:
        return None
    wanted: list[Placement] = []  # the labels' boxes on their pages; on the sheet below
    for number, chapter in enumerate(doc.chapters):
        found = entries.get(CONTENTS_ENTRY + chapter.id)
        if found is None:
            return None
        left, _, right, bottom = found[1]
        line = (left, bottom - CONTENTS_LINE, right, bottom)
        wanted.append(Placement(found[0], Label("contents", str(plan.first_page(number)), 0, line), line, chapter.id))
    left, top, right, bottom = FOOTER_BOX
    middle = (top + bottom) / 2
    footer = (left, middle - FOOTER_LINE / 2, right, middle + FOOTER_LINE / 2)
    first_contents = min(index for index, _ in entries.values())
    for page_number in range(first_contents, plan.total):
        text = f"Side {page_number + 1} av {plan.total}"
        wanted.append(Placement(page_number, Label("footer", text, 0, footer), footer))
    placements: list[Placement] = []
    sheet, cursor, previous = 0, 0.0, ""
    for placement in wanted:
        left, top, right, bottom = placement.box
        if placement.label.kind != previous and placements:
            cursor += LABEL_GAP
        if cursor + bottom - top > PAGE_HEIGHT:
            sheet, cursor = sheet + 1, 0.0
        label = replace(placement.label, sheet=sheet, box=(left, cursor, right, cursor + bottom - top))
        placements.append(replace(placement, label=label))
        cursor, previous = cursor + bottom - top, placement.label.kind
    labels = tuple(placement.label for placement in placements)
    return DocumentPart(front=False, labels=labels), placements


RenderPart = Callable[[DocumentPart], PartResult]


def _child(render: RenderPart, parts: Sequence[DocumentPart], sender: Connection) -> None:
    try:
        result: list[PartResult] | None = [render(part) for part in parts]
    except BaseException:  # the parent lays the parts out itself
        result = None
    sender.send(result)
    sender.close()


def render_both(
    render: RenderPart, first: Sequence[DocumentPart], second: Sequence[DocumentPart]
) -> tuple[list[PartResult], list[PartResult]]:
    """`second` (one part after the other) in a forked process while this one lays out `first`; both here where two
    processes cannot run at once, or when the fork fails or the child dies."""
    if not second or not parallel_enabled():
        return [render(part) for part in first], [render(part) for part in second]
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(render, list(second), sender), daemon=True, name="legeplan-pdf")
    try:
        process.start()
    except OSError:
        receiver.close()
        sender.close()
        return [render(part) for part in first], [render(part) for part in second]
    sender.close()
    try:
        first_results = [render(part) for part in first]
        second_results: list[PartResult] | None = None
        if receiver.poll(CHILD_TIMEOUT_S):
            try:
                second_results = receiver.recv()
            except (EOFError, OSError):
                second_results = None
    finally:
        receiver.close()
        process.join(5)
        if process.is_alive():
            process.kill()
            process.join()
    if second_results is None or len(second_results) != len(second):
        second_results = [render(part) for part in second]
    return first_results, second_results


@dataclass(frozen=True)
class Pages:
    """`count` pages of a part from its page `start`, in the order they go into the joined PDF."""

    part: PartResult
    start: int
    count: int


def _points(box: tuple[float, float, float, float], height: float) -> tuple[float, float, float, float]:
    """A box in CSS px from the top left of a page `height` px tall, in PDF points from its bottom left."""
    left, top, right, bottom = box
    return (left * PX_TO_PT, (height - bottom) * PX_TO_PT, right * PX_TO_PT, (height - top) * PX_TO_PT)


#: Text operators that move the text position other than by `Tm` (the label sheet has none).
_RELATIVE_TEXT = frozenset({"Td", "TD", "T*", "'", '"'})


def label_contents(page: pikepdf.Page, boxes: Sequence[tuple[float, float, float, float]]) -> list[bytes] | None:
    """For each box (CSS px on the label sheet's `page`), the page's content with no text but the one line whose
    baseline is in the box: a label's own content, so that it carries its own text and no other (text extraction
    does not heed clipping). WeasyPrint places each line by `Tm` in CSS px from the page's top (after its own `cm`s).
    None when a box holds no line or more than one, or a line is placed otherwise: the caller then lays the plan out
    in one piece."""
    import pikepdf

    instructions = pikepdf.parse_content_stream(page)
    lines: list[tuple[int, int, float]] = []  # (index of its Tm, index of its show, baseline)
    placed: tuple[int, float] | None = None
    for index, instruction in enumerate(instructions):
        name = str(instruction.operator)
        if name == "Tm":
            placed = (index, float(instruction.operands[5]))
        elif name in _RELATIVE_TEXT:
            return None
        elif name in ("TJ", "Tj"):
            if placed is None:
                return None
            lines.append((placed[0], index, placed[1]))
            placed = None
    contents = []
    for _, top, _, bottom in boxes:
        inside = [line for line in lines if top <= line[2] <= bottom]
        if len(inside) != 1:
            return None
        others = {index for line in lines if line is not inside[0] for index in line[:2]}
        kept = [instruction for index, instruction in enumerate(instructions) if index not in others]
        contents.append(pikepdf.unparse_content_stream(kept))
    return contents


def _link_number(pdf: pikepdf.Pdf, page: pikepdf.Page, link: str, box: tuple[float, float, float, float]) -> None:
    """A link to `link` over a contents number (the room kept for it on its line; `box` in points), right after the
    entry's own link, where WeasyPrint puts the link of the number it lays out."""
    import pikepdf

    left, bottom, right, top = box
    annotation = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot,
        Subtype=pikepdf.Name.Link,
        BS=pikepdf.Dictionary(W=0),
        Dest=pikepdf.String(link),
        Rect=pikepdf.Array([max(left, right - CONTENTS_NUMBER_ROOM * PX_TO_PT), top, right, bottom]),
    )
    if "/Annots" not in page.obj:
        page.obj.Annots = pikepdf.Array()
    annotations = cast(pikepdf.Array, page.obj.Annots)
    links = [str(existing.Dest) if "/Dest" in existing else "" for existing in annotations]
    position = links.index(link) + 1 if link in links else len(links)
    annotations.insert(position, pdf.make_indirect(annotation))


def join_pdfs(
    sources: Sequence[Pages],
    ghosts: Sequence[str] = (),
    sheet: PartResult | None = None,
    placements: Sequence[Placement] = (),
) -> bytes | None:
    """One PDF of the sources' pages (qpdf through pikepdf: 44 pages in ≈ 0,1 s; pages of one part share its fonts),
    with one set of named destinations (each anchor where it really is, not the first source's ghost of it) and one
    outline nested by bookmark level over all pages, as WeasyPrint makes them for one document. Metadata and language
    are the first source's. Each placement's label is laid over its page from the label `sheet`: a form of its line
    alone (`label_contents`), clipped to its box and moved into the box on the page. None if a label is not found."""
    import pikepdf

    joined = pikepdf.Pdf.new()
    opened: dict[int, pikepdf.Pdf] = {}

    def pdf_of(part: PartResult) -> pikepdf.Pdf:
        if id(part) not in opened:
            opened[id(part)] = pikepdf.Pdf.open(io.BytesIO(part.pdf))
        return opened[id(part)]

    for source in sources:
        pdf = pdf_of(source.part)
        with warnings.catch_warnings():  # the named destinations are rebuilt below, over the joined pages
            warnings.simplefilter("ignore")
            joined.pages.extend(pdf.pages[source.start : source.start + source.count])
    front = pdf_of(sources[0].part)
    if "/Lang" in front.Root:
        joined.Root.Lang = pikepdf.String(str(front.Root.Lang))
    if "/PageMode" in front.Root:
        joined.Root.PageMode = pikepdf.Name(str(front.Root.PageMode))
    joined.docinfo = cast(pikepdf.Dictionary, joined.copy_foreign(front.docinfo))
    facts = [page for source in sources for page in source.part.pages[source.start : source.start + source.count]]

    if sheet is not None:
        sheet_pdf = pdf_of(sheet)
        for number, sheet_page in enumerate(sheet_pdf.pages):
            on_page = [placement for placement in placements if placement.label.sheet == number]
            contents = label_contents(sheet_page, [placement.label.box for placement in on_page])
            if contents is None or any(placement.page >= len(facts) for placement in on_page):
                return None
            resources = joined.copy_foreign(sheet_page.Resources)
            for placement, content in zip(on_page, contents, strict=True):
                label = pikepdf.Stream(joined, content)
                label.Type, label.Subtype = pikepdf.Name.XObject, pikepdf.Name.Form
                label.BBox = pikepdf.Array(_points(placement.label.box, sheet.pages[number].height))
                label.Resources = resources
                target = _points(placement.box, facts[placement.page].height)
                joined.pages[placement.page].add_overlay(label, pikepdf.Rectangle(*target))
                if placement.link is not None:
                    _link_number(joined, joined.pages[placement.page], placement.link, target)

    ghost_set = set(ghosts)
    destinations: dict[str, tuple[int, float, float]] = {}
    for index, page in enumerate(facts):
        in_first = index < sources[0].count
        for name, (x, y, _, _) in page.anchors.items():
            if not (in_first and name in ghost_set):
                destinations.setdefault(name, (index, x, y))  # where the element starts
    names = pikepdf.Array()
    for name in sorted(destinations):
        index, x, y = destinations[name]
        names.append(pikepdf.String(name))
        names.append(
            pikepdf.Array(
                [
                    joined.pages[index].obj,
                    pikepdf.Name.XYZ,
                    round(x * PX_TO_PT, 3),
                    round((facts[index].height - y) * PX_TO_PT, 3),
                    0,
                ]
            )
        )
    joined.Root.Names = pikepdf.Dictionary(Dests=pikepdf.Dictionary(Names=names))

    with joined.open_outline() as outline:
        del outline.root[:]  # the sources' own outlines, if any came with their pages
        stack: list[tuple[int, pikepdf.OutlineItem]] = []
        for index, page in enumerate(facts):
            for level, label_text, x, y, state in page.bookmarks:
                while stack and stack[-1][0] >= level:
                    stack.pop()
                item = pikepdf.OutlineItem(
                    label_text,
                    index,
                    pikepdf.PageLocation.XYZ,
                    left=round(x * PX_TO_PT, 3),
                    top=round((page.height - y) * PX_TO_PT, 3),
                    zoom=0,
                )
                item.is_closed = state == "closed"
                (stack[-1][1].children if stack else outline.root).append(item)
                stack.append((level, item))
    output = io.BytesIO()
    joined.save(output, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return output.getvalue()


def halves(costs: Sequence[float], chapters: Sequence[int], first_extra: float = 0.0) -> tuple[list[int], list[int]]:
    """`chapters` in two sets of about the same estimated cost (`costs`, by chapter index), the first carrying
    `first_extra` besides its chapters: the costliest chapter first, each to the set that ends sooner (a part need
    not be a run of chapters: each is kept and placed on its own). Each set in plan order; the second is empty when
    there is only one chapter."""
    if len(chapters) < 2:
        return list(chapters), []
    loads = [first_extra, 0.0]
    sets: list[list[int]] = [[], []]
    for index in sorted(chapters, key=lambda index: (-costs[index], index)):
        lighter = 0 if loads[0] <= loads[1] else 1
        loads[lighter] += costs[index]
        sets[lighter].append(index)
    if not sets[1]:
        sets = [sets[0][:-1], sets[0][-1:]]
    return sorted(sets[0]), sorted(sets[1])


def _work(doc: PlanDocument, front: bool, groups: list[list[int]]) -> tuple[list[DocumentPart], list[DocumentPart]]:
    """What each process lays out: the front (if not kept) in one document with the first half of the chapters not
    kept, the second half in the other process; the front alone in one when there is but one half."""
    parts = [chapter_part(doc, group) for group in groups if group]
    if not front:
        return parts[:1], parts[1:]
    if len(parts) <= 1:
        return [front_part(doc)], parts
    return [front_part(doc, parts[0].chapters)], parts[1:]


def render_in_parts(
    doc: PlanDocument, render: RenderPart, report: Callable[[str], None] | None = None
) -> tuple[bytes, LayoutPlan] | None:
    """The PDF from the front and chapters kept by `LAYOUT_CACHE` and the others laid out now, two at a time (see the
    module's docstring). None if a chapter or a contents entry cannot be found in its layout, or the label sheet is not
    as laid out; the caller then lays the plan out in one piece."""
    shape = plan_shape(doc)
    if shape is None:
        return None
    keys = shape.chapters
    kept = {index: LAYOUT_CACHE.chapter(key, doc.chapters[index].id) for index, key in enumerate(keys)}
    missing = [index for index, found in kept.items() if found is None]
    front_key = shape.front
    front = LAYOUT_CACHE.chapter(front_key, None)

    laid_out: dict[str, ChapterPages] = {}
    if missing or front is None:
        if report is not None:
            report(f"Setter sider for {len(missing)} av {len(doc.chapters)} kapitler")
        groups = list(halves(shape.costs, missing, FRONT_COST if front is None else 0.0)) if missing else []
        first, second = _work(doc, front is None, groups)
        first_results, second_results = render_both(render, first, second)
        for part, result in zip([*first, *second], [*first_results, *second_results], strict=True):
            key = part_key(shape, part)
            front_pages = 0
            if part.front:
                first_chapter = _first_page(result.pages, doc.chapters[part.chapters[0]].id) if part.chapters else None
                front_pages = len(result.pages) if first_chapter is None else first_chapter
                laid_out[front_key] = ChapterPages(key, 0, front_pages)
                front = (result, laid_out[front_key])
            counts = layout_of(doc, result.pages, part.chapters, front_pages)
            if len(counts) != len(part.chapters) or front_pages + sum(counts) != len(result.pages):
                return None
            LAYOUT_CACHE.store_part(key, result)
            start = front_pages
            for index, count in zip(part.chapters, counts, strict=True):
                laid_out[keys[index]] = where = ChapterPages(key, start, count)
                kept[index] = (result, where)
                start += count
    chapters = [kept[index] for index in range(len(doc.chapters))]
    if front is None or any(found is None for found in chapters):
        return None
    placed = [cast(tuple[PartResult, ChapterPages], found) for found in chapters]
    front_result, front_where = front
    front_facts = front_result.pages[: front_where.count]
    plan = LayoutPlan(front_where.count, tuple(where.count for _, where in placed))
    labelled = label_part(doc, plan, front_facts)
    if labelled is None:
        return None
    labels, placements = labelled
    labels_key = part_key(shape, labels)
    sheet = LAYOUT_CACHE.part(labels_key)
    if sheet is None:
        if report is not None:
            report("Setter inn innholdsfortegnelse og sidetall")
        sheet = render(labels)
        if len(sheet.pages) != len(labels.label_sheets()):
            return None
        LAYOUT_CACHE.store_part(labels_key, sheet)
    elif len(sheet.pages) != len(labels.label_sheets()):
        return None
    LAYOUT_CACHE.store_layout(laid_out)
    sources = [Pages(front_result, 0, plan.front_pages)]
    sources += [Pages(result, where.start, where.count) for result, where in placed]
    joined = join_pdfs(sources, _anchors(doc, range(len(doc.chapters))), sheet, placements)
    return None if joined is None else (joined, plan)


__all__ = [
    "LAYOUT_CACHE",
    "ChapterPages",
    "LayoutCache",
    "LayoutPlan",
    "PageFacts",
    "Pages",
    "PartResult",
    "Placement",
    "PlanShape",
    "chapter_keys",
    "chapter_part",
    "css_string",
    "front_part",
    "halves",
    "join_pdfs",
    "label_part",
    "layout_of",
    "page_facts",
    "parallel_enabled",
    "part_key",
    "parts_wanted",
    "plan_shape",
    "render_both",
    "render_in_parts",
]
