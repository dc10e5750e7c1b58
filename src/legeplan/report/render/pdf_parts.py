"""The plan's PDF laid out in two processes at once (issue #15: the PDF in seconds).

WeasyPrint lays a document out page after page in one thread; the plan's 40-odd pages cost ≈ 6 s of one core. Every
chapter starts on a new page (`section.chapter { break-before: page }`), so a chapter's pages do not depend on what
comes before it — only the numbers printed on them do: «Side 12 av 46» in the footer and the contents' page numbers.
So the plan is cut in two parts: the cover, the contents and the first chapters here; the other chapters in a forked
process. Each part gets its page numbers as literals (`DocumentPart.page_css`, `toc_pages`), the two PDFs are joined,
and the links of the contents, the named destinations and the bookmarks are rebuilt over the joined pages.

The literals need each chapter's page count before layout. They come from `LayoutMemory`: the page counts of every
chapter laid out before, keyed by a hash of the chapter's content and everything that shapes its layout; a chapter
changed since keeps its last count as the guess. After layout the real counts are compared with the guesses: on any
difference the parts are laid out again with the real numbers (at most twice), so a wrong guess costs time, never a
wrong number. With no memory of the plan (the first PDF of a new plan), `render_pdf` lays it out in one piece as before
and remembers the counts.
"""

from __future__ import annotations

import hashlib
import io
import json
import multiprocessing
import os
import threading
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, cast

from legeplan.report.chart_cache import cache_folder, style_version
from legeplan.report.document import PlanDocument
from legeplan.report.render.html import DocumentPart, template_text

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

#: Below this many chapters one process is as fast (forking and joining cost ≈ 0,3 s).
MIN_CHAPTERS = 4
#: How long the parent waits for the other part before laying it out itself.
CHILD_TIMEOUT_S = 300.0
#: Entries kept in the layout memory (a plan has ≈ 20 chapters).
MEMORY_ENTRIES = 2000
#: CSS px to PDF points (WeasyPrint lays out at 96 px per inch).
PX_TO_PT = 0.75
_OFF = ("0", "off", "no", "nei", "false")


@dataclass(frozen=True)
class PageFacts:
    """What the joined PDF needs of one laid-out page: its height (CSS px), its anchors and bookmarks."""

    height: float
    anchors: dict[str, tuple[float, float]]
    bookmarks: list[tuple[int, str, float, float, str]]


@dataclass(frozen=True)
class PartResult:
    pdf: bytes
    pages: list[PageFacts]


@dataclass(frozen=True)
class LayoutPlan:
    """The page counts a layout assumes: pages before the first chapter, then each chapter's."""

    front_pages: int
    chapter_pages: tuple[int, ...]

    def first_page(self, chapter: int) -> int:
        return self.front_pages + sum(self.chapter_pages[:chapter]) + 1

    @property
    def total(self) -> int:
        return self.front_pages + sum(self.chapter_pages)


def parallel_enabled() -> bool:
    """Two processes only where they can run at once and fork is available (not on Windows); `LEGEPLAN_PDF_PARALLEL=0`
    turns it off."""
    if os.environ.get("LEGEPLAN_PDF_PARALLEL", "").strip().lower() in _OFF:
        return False
    return (os.cpu_count() or 1) >= 2 and "fork" in multiprocessing.get_all_start_methods()


class LaidOutPage(Protocol):
    """The parts of WeasyPrint's `Page` read here (WeasyPrint is untyped)."""

    height: float
    anchors: dict[str, tuple[float, float, float, float]]
    bookmarks: list[tuple[int, str, tuple[float, float], str]]


def page_facts(pages: Sequence[LaidOutPage]) -> list[PageFacts]:
    """The anchors and bookmarks of WeasyPrint's laid-out pages, as plain data (sent between processes)."""
    facts = []
    for page in pages:
        anchors = {name: (float(box[0]), float(box[1])) for name, box in page.anchors.items()}
        bookmarks = [
            (int(level), str(label), float(position[0]), float(position[1]), str(state))
            for level, label, position, state in page.bookmarks
        ]
        facts.append(PageFacts(float(page.height), anchors, bookmarks))
    return facts


def layout_of(
    doc: PlanDocument, pages: Sequence[PageFacts], first_chapter: int = 0, end_chapter: int | None = None
) -> tuple[int, list[int]]:
    """(pages before the first chapter, each chapter's page count) of laid-out pages holding the chapters
    `first_chapter` to `end_chapter` (each chapter starts a page: its anchor is on its first page)."""
    start_of: dict[str, int] = {}
    for index, page in enumerate(pages):
        for name in page.anchors:
            start_of.setdefault(name, index)  # a chapter that runs over pages has its id on each of them
    ids = [chapter.id for chapter in doc.chapters[first_chapter:end_chapter] if chapter.id in start_of]
    starts = [start_of[identifier] for identifier in ids]
    counts = [following - start for start, following in zip(starts, [*starts[1:], len(pages)], strict=True)]
    return (starts[0] if starts else len(pages)), counts


@cache
def _layout_version() -> str:
    """What shapes a chapter's layout besides its content: the template, the stylesheet, WeasyPrint and the charts."""
    digest = hashlib.sha256(version("weasyprint").encode())
    digest.update(template_text("plan.html.j2").encode())
    digest.update(template_text("plan.css").encode())
    digest.update(style_version().encode())
    return digest.hexdigest()


def chapter_keys(doc: PlanDocument) -> list[str]:
    """One key per chapter: its number, its content (text, tables, charts' data) and `_layout_version`."""
    keys = []
    for number, chapter in enumerate(doc.chapters, start=1):
        digest = hashlib.sha256(f"{_layout_version()}\0{number}\0".encode())
        digest.update(chapter.model_dump_json().encode())
        keys.append("c" + digest.hexdigest()[:40])
    return keys


def front_key(doc: PlanDocument) -> str:
    """The cover and the contents: titles, dates and every chapter's and section's title."""
    digest = hashlib.sha256(f"{_layout_version()}\0front\0".encode())
    head = [doc.title, doc.subtitle, doc.organisation, doc.organisation_code, str(doc.as_of), str(doc.generated)]
    digest.update(json.dumps(head, default=str).encode())
    for chapter in doc.chapters:
        digest.update(json.dumps([chapter.title, [section.title for section in chapter.sections]]).encode())
    return "f" + digest.hexdigest()[:40]


def _front_shape(doc: PlanDocument) -> str:
    """The guess for a front not laid out before: one with as many chapters and sections in the contents."""
    return f"front:{len(doc.chapters)}:{sum(len(chapter.sections) for chapter in doc.chapters)}"


class LayoutMemory:
    """Page counts of chapters laid out before: by content key (exact), and by chapter id (the guess for a chapter
    whose text changed). In memory and, like the chart cache, in a file beside the charts' folder; a file that cannot
    be read or written is ignored (the memory only saves time)."""

    def __init__(self) -> None:
        self._counts: dict[str, int] = {}
        self._loaded_from: Path | None = None
        self._lock = threading.Lock()

    @staticmethod
    def path() -> Path | None:
        folder = cache_folder()
        return None if folder is None else folder.parent / "pdf-layout.json"

    def _load(self) -> None:
        path = self.path()
        if path is None or path == self._loaded_from:
            return
        self._loaded_from = path
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if isinstance(stored, dict):
            for key, value in stored.items():
                if isinstance(key, str) and isinstance(value, int) and 0 < value < 10_000:
                    self._counts.setdefault(key, value)

    def guess(self, doc: PlanDocument) -> LayoutPlan | None:
        """The plan's page counts from memory, or None when a chapter (by content or by id) or the front is unknown."""
        with self._lock:
            self._load()
            front = self._counts.get(front_key(doc)) or self._counts.get(_front_shape(doc))
            counts = []
            for key, chapter in zip(chapter_keys(doc), doc.chapters, strict=True):
                count = self._counts.get(key) or self._counts.get(f"id:{chapter.id}")
                if count is None:
                    return None
                counts.append(count)
        return None if front is None else LayoutPlan(front, tuple(counts))

    def front_guess(self, doc: PlanDocument) -> int | None:
        """The page count of the plan's cover and contents, or of one with as many contents entries."""
        with self._lock:
            self._load()
            return self._counts.get(front_key(doc)) or self._counts.get(_front_shape(doc))

    def remember(self, doc: PlanDocument, plan: LayoutPlan) -> None:
        if len(plan.chapter_pages) != len(doc.chapters):
            return
        with self._lock:
            self._load()
            self._counts[front_key(doc)] = plan.front_pages
            self._counts[_front_shape(doc)] = plan.front_pages
            for key, chapter, count in zip(chapter_keys(doc), doc.chapters, plan.chapter_pages, strict=True):
                self._counts[key] = count
                self._counts[f"id:{chapter.id}"] = count
            while len(self._counts) > MEMORY_ENTRIES:
                del self._counts[next(iter(self._counts))]
            snapshot = dict(self._counts)
        path = self.path()
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
            partial.write_text(json.dumps(snapshot), encoding="utf-8")
            os.replace(partial, path)
        except OSError:
            return

    def clear(self) -> None:
        with self._lock:
            self._counts.clear()
            self._loaded_from = None


LAYOUT_MEMORY = LayoutMemory()


def split_point(plan: LayoutPlan) -> int:
    """The first chapter of the second part: the pages as even as they can be, the first part (cover and contents,
    and the joining afterwards) a page lighter."""
    total = plan.total
    best, best_gap = 1, float("inf")
    for split in range(1, len(plan.chapter_pages)):
        first = plan.front_pages + sum(plan.chapter_pages[:split]) + 1
        gap = abs(first - (total + 1 - first))
        if gap < best_gap:
            best, best_gap = split, gap
    return best


def css_string(text: str) -> str:
    """`text` as a CSS string literal that cannot end the string, the rule or the `<style>` element: quotes,
    backslashes, angle brackets, ampersands and control characters as CSS escapes."""
    escaped = "".join(
        f"\\{ord(character):x} " if character in '"\\<>&' or ord(character) < 32 or ord(character) == 127 else character
        for character in text
    )
    return f'"{escaped}"'


def _footer_css(total: int) -> str:
    return f'@page {{ @bottom-right {{ content: "Side " counter(page) {css_string(f" av {total}")}; }} }}'


def _running_strings(doc: PlanDocument) -> str:
    """The page headers' texts, which the cover sets in the whole plan, for a part without the cover."""
    return f"main {{ string-set: organisation {css_string(doc.organisation)}, doctitle {css_string(doc.title)}; }}"


def _anchors_of(doc: PlanDocument, chapters: range) -> tuple[str, ...]:
    """The contents' link targets in `chapters`: each chapter and each of its sections."""
    return tuple(
        anchor
        for index in chapters
        for anchor in (
            doc.chapters[index].id,
            *(f"{doc.chapters[index].id}-{number}" for number in range(1, len(doc.chapters[index].sections) + 1)),
        )
    )


def _toc_pages(doc: PlanDocument, plan: LayoutPlan) -> dict[str, int]:
    return {chapter.id: plan.first_page(index) for index, chapter in enumerate(doc.chapters)}


def parts_for(doc: PlanDocument, plan: LayoutPlan, split: int) -> tuple[DocumentPart, DocumentPart]:
    """The two parts with the page numbers `plan` gives: the footer's «av N», the second part's first page number
    and the contents' page per chapter."""
    footer = _footer_css(plan.total)
    first = DocumentPart(
        front=True,
        first_chapter=0,
        end_chapter=split,
        page_css=footer,
        toc_pages=_toc_pages(doc, plan),
        ghost_anchors=_anchors_of(doc, range(split, len(doc.chapters))),
    )
    second = DocumentPart(
        front=False,
        first_chapter=split,
        end_chapter=len(doc.chapters),
        page_css=f"{footer}\n@page :first {{ counter-reset: page {plan.first_page(split)}; }}\n{_running_strings(doc)}",
    )
    return first, second


RenderPart = Callable[[DocumentPart], PartResult]


def _child(render: RenderPart, part: DocumentPart, sender: Connection) -> None:
    try:
        result: PartResult | None = render(part)
    except BaseException:  # the parent lays the part out itself
        result = None
    sender.send(result)
    sender.close()


def render_both(
    render: RenderPart, first: DocumentPart, second: DocumentPart, second_render: RenderPart | None = None
) -> tuple[PartResult, PartResult]:
    """`second` in a forked process (by `second_render`, default `render`) while this one lays out `first`; if the
    fork fails or the child dies, here."""
    other = second_render or render
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(other, second, sender), daemon=True, name="legeplan-pdf")
    try:
        process.start()
    except OSError:
        receiver.close()
        sender.close()
        return render(first), other(second)
    sender.close()
    try:
        first_result = render(first)
        second_result: PartResult | None = None
        if receiver.poll(CHILD_TIMEOUT_S):
            try:
                second_result = receiver.recv()
            except (EOFError, OSError):
                second_result = None
    finally:
        receiver.close()
        process.join(5)
        if process.is_alive():
            process.kill()
            process.join()
    return first_result, second_result if second_result is not None else other(second)


@dataclass(frozen=True)
class Pages:
    """The first `count` pages of a part, in the order they go into the joined PDF."""

    part: PartResult
    count: int


def join_pdfs(
    sources: Sequence[Pages], ghosts: Sequence[str] = (), stamps: Pages | None = None, stamped_from: int = 0
) -> bytes:
    """One PDF of the sources' pages (qpdf through pikepdf: 44 pages in ≈ 0,1 s), with one set of named destinations
    (each anchor where it really is, not the first source's ghost of it) and one outline nested by bookmark level over
    all pages, as WeasyPrint makes them for one document. Metadata and language are the first source's. `stamps`:
    pages laid over the joined pages from `stamped_from` on (the page numbers of chapters laid out without them)."""
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
            warnings.simplefilter("ignore", pikepdf.PageCopyWarning if hasattr(pikepdf, "PageCopyWarning") else Warning)
            joined.pages.extend(pdf.pages[: source.count])
    front = pdf_of(sources[0].part)
    if "/Lang" in front.Root:
        joined.Root.Lang = pikepdf.String(str(front.Root.Lang))
    if "/PageMode" in front.Root:
        joined.Root.PageMode = pikepdf.Name(str(front.Root.PageMode))
    joined.docinfo = cast(pikepdf.Dictionary, joined.copy_foreign(front.docinfo))
    if stamps is not None:
        stamp_pdf = pdf_of(stamps.part)
        for offset in range(len(joined.pages) - stamped_from):
            joined.pages[stamped_from + offset].add_overlay(stamp_pdf.pages[stamps.count + offset], None)

    facts = [page for source in sources for page in source.part.pages[: source.count]]
    ghost_set = set(ghosts)
    destinations: dict[str, tuple[int, float, float]] = {}
    for index, page in enumerate(facts):
        in_first = index < sources[0].count
        for name, (x, y) in page.anchors.items():
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
            for level, label, x, y, state in page.bookmarks:
                while stack and stack[-1][0] >= level:
                    stack.pop()
                item = pikepdf.OutlineItem(
                    label,
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


def render_in_parts(
    doc: PlanDocument, render: RenderPart, plan: LayoutPlan, report: Callable[[str], None] | None = None
) -> tuple[bytes, LayoutPlan] | None:
    """The PDF in two processes with the page numbers of `plan`, laid out again with the real numbers while the
    real page counts differ (at most twice); None when they never settle (the caller lays it out in one piece)."""
    for _attempt in range(3):
        split = split_point(plan)
        first, second = parts_for(doc, plan, split)
        if report is not None:
            report(f"Setter sider i to deler (kapittel 1–{split} og {split + 1}–{len(doc.chapters)})")
        first_result, second_result = render_both(render, first, second)
        front_pages, first_counts = layout_of(doc, first_result.pages, 0, split)
        _, second_counts = layout_of(doc, second_result.pages, split)
        actual = LayoutPlan(front_pages, (*first_counts, *second_counts))
        if len(actual.chapter_pages) != len(doc.chapters):
            return None
        if actual == plan:
            sources = [Pages(first_result, len(first_result.pages)), Pages(second_result, len(second_result.pages))]
            return join_pdfs(sources, first.ghost_anchors), actual
        plan = actual
    return None


def weighted_split(doc: PlanDocument, first_extra: float = 0.0) -> int:
    """Where to cut a plan whose page counts are unknown: the chapters' content (as JSON) in two even halves, the
    first half carrying `first_extra` of the whole besides its chapters."""
    weights = [len(chapter.model_dump_json()) for chapter in doc.chapters]
    total = sum(weights) * (1 + first_extra)
    running = sum(weights) * first_extra
    for index, weight in enumerate(weights):
        if running + weight / 2 >= total / 2:
            return min(max(index, 1), len(weights) - 1)
        running += weight
    return len(weights) - 1


#: The cover and the contents cost about this share of the whole plan's layout (0,6 of 6,3 s for the demo).
FRONT_SHARE = 0.1


def render_unknown(
    doc: PlanDocument, render: RenderPart, report: Callable[[str], None] | None = None
) -> tuple[bytes, LayoutPlan] | None:
    """The PDF of a plan whose page counts are unknown, still in two processes. First the chapters in two parts,
    laid out without page numbers (and, when no plan with as many contents entries was laid out before, the front
    once to count its pages). Then, with every count known and again in two processes, the cover and the contents
    with the real numbers, and one page per chapter page that carries only its footer's number («Side 12 av 44»),
    laid over that chapter page when the parts are joined. None if the chapters cannot be found in the layout or the
    front's count does not settle."""
    count = len(doc.chapters)
    front_pages = LAYOUT_MEMORY.front_guess(doc)
    split = weighted_split(doc, 0.0 if front_pages else FRONT_SHARE)
    no_number = "@page { @bottom-right { content: none; } }\n" + _running_strings(doc)
    first_part = DocumentPart(front=False, first_chapter=0, end_chapter=split, page_css=no_number)
    if report is not None:
        report(f"Setter sider i to deler (kapittel 1–{split} og {split + 1}–{count})")
    counted: list[int] = []

    def first_and_front(part: DocumentPart) -> PartResult:
        if not front_pages:  # the front's own page count does not depend on the numbers in it
            placeholder = LayoutPlan(1, tuple(1 for _ in doc.chapters))
            contents = DocumentPart(front=True, first_chapter=0, end_chapter=0, toc_pages=_toc_pages(doc, placeholder))
            counted.append(len(render(contents).pages))
        return render(part)

    first, second = render_both(
        first_and_front,
        first_part,
        DocumentPart(front=False, first_chapter=split, end_chapter=count, page_css=no_number),
        second_render=render,
    )
    _, first_counts = layout_of(doc, first.pages, 0, split)
    _, second_counts = layout_of(doc, second.pages, split)
    chapter_pages = (*first_counts, *second_counts)
    if len(chapter_pages) != count or sum(chapter_pages) != len(first.pages) + len(second.pages):
        return None
    front_pages = front_pages or (counted[0] if counted else 2)
    for _attempt in range(2):
        plan = LayoutPlan(front_pages, chapter_pages)
        front_part = DocumentPart(
            front=True,
            first_chapter=0,
            end_chapter=0,
            page_css=_footer_css(plan.total),
            toc_pages=_toc_pages(doc, plan),
            ghost_anchors=_anchors_of(doc, range(count)),
        )
        numbers = DocumentPart(
            front=False,
            first_chapter=0,
            end_chapter=0,
            page_css=f"{_footer_css(plan.total)}\n@page :first {{ counter-reset: page {front_pages + 1}; }}",
            stamps=sum(chapter_pages),
        )
        if report is not None:
            report("Setter inn innholdsfortegnelse og sidetall")
        front, stamps = render_both(render, front_part, numbers)
        if len(front.pages) == front_pages and len(stamps.pages) == numbers.stamps:
            sources = [Pages(front, front_pages), Pages(first, len(first.pages)), Pages(second, len(second.pages))]
            return join_pdfs(sources, front_part.ghost_anchors, Pages(stamps, 0), front_pages), plan
        front_pages = len(front.pages)
    return None


def parallel_wanted(doc: PlanDocument) -> bool:
    return len(doc.chapters) >= MIN_CHAPTERS and parallel_enabled()


def known_layout(doc: PlanDocument) -> LayoutPlan | None:
    return LAYOUT_MEMORY.guess(doc) if parallel_wanted(doc) else None


def remember_layout(doc: PlanDocument, pages: Sequence[PageFacts]) -> None:
    front, counts = layout_of(doc, pages)
    LAYOUT_MEMORY.remember(doc, LayoutPlan(front, tuple(counts)))


__all__ = [
    "LAYOUT_MEMORY",
    "LayoutPlan",
    "PageFacts",
    "Pages",
    "PartResult",
    "chapter_keys",
    "css_string",
    "join_pdfs",
    "known_layout",
    "layout_of",
    "page_facts",
    "parallel_enabled",
    "parallel_wanted",
    "parts_for",
    "remember_layout",
    "render_both",
    "render_in_parts",
    "render_unknown",
    "split_point",
]
