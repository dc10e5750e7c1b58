"""The plan's PDF from chapters laid out once per content version, two at a time (issue #15: the PDF in seconds).

WeasyPrint lays a document out page after page on one core; the plan's 40-odd pages cost ≈ 6 s of it, spread over
layout and drawing with no single cost above 15 %. Every chapter starts on a new page (`section.chapter
{ break-before: page }`), so a chapter's pages do not depend on what comes before it — only the numbers printed on them
do: «Side 12 av 44» in the footer and the contents' page numbers. So:

1. every chapter is laid out without its page numbers, and kept (`LayoutCache`) by a hash of its content and of
   everything that shapes its pages (its number, the page headers' texts, the template, the stylesheet, WeasyPrint's
   version and the charts' style); the chapters not kept yet are laid out in two parts at once, one in a forked process;
2. with every chapter's page count known (and the front's: laid out before, foreseen by `pdf_front`, or laid out
   beside the first chapters to count it), the cover and contents (with the real page numbers) are laid out in one
   process and, in the other, one page per chapter page that carries nothing but its footer's number;
3. qpdf (pikepdf) joins the pages, lays each number page over its chapter page, and the named destinations (each anchor
   where it really is: the contents' links point at «ghost» targets laid out with the contents), the links and the
   bookmarks (nested by level over all pages, as WeasyPrint nests them) are rebuilt over the joined pages.

The joined PDF has the same pages, text, links and bookmarks as the plan laid out in one piece
(`tests/report/test_pdf_parts.py` compares them). A plan's first PDF costs the two rounds; after an edit only the
changed chapters are laid out again, and the contents and numbers only when a page count changed.
"""

from __future__ import annotations

import hashlib
import io
import json
import multiprocessing
import os
import threading
import warnings
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, cast

from legeplan.report.chart_cache import cache_folder, style_version
from legeplan.report.document import PlanDocument
from legeplan.report.kept import write_atomic
from legeplan.report.render.html import DocumentPart, template_text
from legeplan.report.render.pdf_front import foreseen_front_pages

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

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


class LaidOutPage(Protocol):
    """The parts of WeasyPrint's `Page` read here (WeasyPrint is untyped)."""

    height: float
    anchors: dict[str, tuple[float, float, float, float]]
    bookmarks: list[tuple[int, str, tuple[float, float], str]]


def page_facts(pages: Sequence[LaidOutPage]) -> list[PageFacts]:
    """The anchors and bookmarks of WeasyPrint's laid-out pages, as plain data (sent between processes, stored)."""
    facts = []
    for page in pages:
        anchors = {name: (float(box[0]), float(box[1])) for name, box in page.anchors.items()}
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


def layout_of(doc: PlanDocument, pages: Sequence[PageFacts], chapters: Sequence[int]) -> list[int]:
    """Each chapter's page count in laid-out pages that hold `chapters` (indexes, in order) and nothing before them
    (each chapter starts a page, and its anchor is on its first page; a chapter that runs over pages has its id on
    each). Fewer counts than chapters when one is missing."""
    start_of: dict[str, int] = {}
    for index, page in enumerate(pages):
        for name in page.anchors:
            start_of.setdefault(name, index)
    starts = [start_of[doc.chapters[i].id] for i in chapters if doc.chapters[i].id in start_of]
    if len(starts) != len(chapters) or (starts and starts[0] != 0) or starts != sorted(starts):
        return []
    return [following - start for start, following in zip(starts, [*starts[1:], len(pages)], strict=True)]


@cache
def _layout_version() -> str:
    """What shapes a part's layout besides its content: the template, the stylesheet, WeasyPrint and the charts."""
    digest = hashlib.sha256(version("weasyprint").encode())
    digest.update(template_text("plan.html.j2").encode())
    digest.update(template_text("plan.css").encode())
    digest.update(style_version().encode())
    return digest.hexdigest()


def chapter_keys(doc: PlanDocument) -> list[str]:
    """One key per chapter: its number, its content (text, tables, charts' data), the page headers' texts
    (organisation and title) and `_layout_version`."""
    keys = []
    for number, chapter in enumerate(doc.chapters, start=1):
        digest = hashlib.sha256(f"{_layout_version()}\0{number}\0{doc.organisation}\0{doc.title}\0".encode())
        digest.update(chapter.model_dump_json().encode())
        keys.append("c" + digest.hexdigest()[:40])
    return keys


def _front_shape(doc: PlanDocument) -> str:
    """The front's page count depends on the contents' entries, not on the numbers in it."""
    digest = hashlib.sha256(f"{_layout_version()}\0front\0".encode())
    head = [doc.title, doc.subtitle, doc.organisation, doc.organisation_code, str(doc.as_of), str(doc.generated)]
    digest.update(json.dumps(head, default=str).encode())
    for chapter in doc.chapters:
        digest.update(json.dumps([chapter.title, [section.title for section in chapter.sections]]).encode())
    return "f" + digest.hexdigest()[:40]


def _front_entries(doc: PlanDocument) -> str:
    return f"front:{len(doc.chapters)}:{sum(len(chapter.sections) for chapter in doc.chapters)}"


def part_key(doc: PlanDocument, part: DocumentPart) -> str:
    """A laid-out part's key: the keys of its chapters, or for the front and the number pages everything in them."""
    digest = hashlib.sha256(_layout_version().encode())
    if part.front:
        digest.update(_front_shape(doc).encode())
    keys = chapter_keys(doc)
    digest.update(json.dumps([[keys[i] for i in part.chapters], part.page_css, part.toc_pages, part.stamps]).encode())
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
        self._fronts: dict[str, int] = {}
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
            chapters, fronts = stored["chapters"], stored["fronts"]
            for key, (part, start, count) in chapters.items():
                self._chapters.setdefault(key, ChapterPages(str(part), int(start), int(count)))
            for key, count in fronts.items():
                self._fronts.setdefault(key, int(count))
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
                    {name: (float(x), float(y)) for name, (x, y) in page["anchors"].items()},
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

    def chapter(self, key: str, chapter_id: str) -> tuple[PartResult, ChapterPages] | None:
        """The stored pages of the chapter with `key`, if they are where the index says: its anchor first on the
        first page, a chapter heading (bookmark level 2) on no page after it but on the page after the last."""
        with self._lock:
            self._load()
            where = self._chapters.get(key)
        if where is None:
            return None
        part = self.part(where.part)
        if part is None or where.count < 1 or where.start + where.count > len(part.pages):
            return None
        pages = part.pages
        first = next((index for index, page in enumerate(pages) if chapter_id in page.anchors), None)

        def heading(index: int) -> bool:
            return any(level == 2 for level, *_ in pages[index].bookmarks)

        inside = range(where.start + 1, where.start + where.count)
        after = where.start + where.count
        if first != where.start or any(heading(i) for i in inside) or (after < len(pages) and not heading(after)):
            return None
        return part, where

    def front_pages(self, doc: PlanDocument) -> int | None:
        """The front's page count as laid out before, else that of a front with as many contents entries (a guess:
        `render_in_parts` checks it)."""
        with self._lock:
            self._load()
            return self._fronts.get(_front_shape(doc)) or self._fronts.get(_front_entries(doc))

    def store_layout(self, doc: PlanDocument, chapters: dict[str, ChapterPages], front_pages: int | None) -> None:
        with self._lock:
            self._load()
            self._chapters.update(chapters)
            if front_pages is not None:
                self._fronts[_front_shape(doc)] = self._fronts[_front_entries(doc)] = front_pages
            for table in (self._chapters, self._fronts):
                while len(table) > INDEX_ENTRIES:
                    del table[next(iter(table))]
            snapshot = {
                "chapters": {key: [where.part, where.start, where.count] for key, where in self._chapters.items()},
                "fronts": dict(self._fronts),
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
            self._fronts.clear()
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


def _footer_css(total: int) -> str:
    return f'@page {{ @bottom-right {{ content: "Side " counter(page) {css_string(f" av {total}")}; }} }}'


def chapter_part(doc: PlanDocument, chapters: Sequence[int]) -> DocumentPart:
    """Chapters laid out without page numbers, with the page headers' texts the cover sets in the whole plan."""
    running = f"main {{ string-set: organisation {css_string(doc.organisation)}, doctitle {css_string(doc.title)}; }}"
    return DocumentPart(
        front=False, chapters=tuple(chapters), page_css=f"@page {{ @bottom-right {{ content: none; }} }}\n{running}"
    )


def front_part(doc: PlanDocument, plan: LayoutPlan) -> DocumentPart:
    """The cover and contents with the real page numbers; a ghost target for every link of the contents."""
    anchors = tuple(
        anchor
        for chapter in doc.chapters
        for anchor in (chapter.id, *(f"{chapter.id}-{number}" for number in range(1, len(chapter.sections) + 1)))
    )
    return DocumentPart(
        front=True,
        page_css=_footer_css(plan.total),
        toc_pages={chapter.id: plan.first_page(index) for index, chapter in enumerate(doc.chapters)},
        ghost_anchors=anchors,
    )


def number_part(plan: LayoutPlan) -> DocumentPart:
    """One page per chapter page with nothing but «Side N av T» where the footer's number goes."""
    return DocumentPart(
        front=False,
        page_css=f"{_footer_css(plan.total)}\n@page :first {{ counter-reset: page {plan.front_pages + 1}; }}",
        stamps=sum(plan.chapter_pages),
    )


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
    """`second` in a forked process (by `second_render`, default `render`) while this one lays out `first`; both here
    where two processes cannot run at once, or when the fork fails or the child dies."""
    other = second_render or render
    if not parallel_enabled():
        return render(first), other(second)
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
    """`count` pages of a part from its page `start`, in the order they go into the joined PDF."""

    part: PartResult
    start: int
    count: int


def join_pdfs(
    sources: Sequence[Pages], ghosts: Sequence[str] = (), stamps: Pages | None = None, stamped_from: int = 0
) -> bytes:
    """One PDF of the sources' pages (qpdf through pikepdf: 44 pages in ≈ 0,1 s; pages of one part share its fonts),
    with one set of named destinations (each anchor where it really is, not the first source's ghost of it) and one
    outline nested by bookmark level over all pages, as WeasyPrint makes them for one document. Metadata and language
    are the first source's. `stamps`: pages laid over the joined pages from `stamped_from` on."""
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
    if stamps is not None:
        stamp_pdf = pdf_of(stamps.part)
        for offset in range(len(joined.pages) - stamped_from):
            joined.pages[stamped_from + offset].add_overlay(stamp_pdf.pages[stamps.start + offset], None)

    facts = [page for source in sources for page in source.part.pages[source.start : source.start + source.count]]
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


def halves(doc: PlanDocument, chapters: Sequence[int], first_extra: float = 0.0) -> tuple[list[int], list[int]]:
    """`chapters` (in order) cut where their content (as JSON) is most even, the first half carrying `first_extra` of
    the whole besides its chapters. The second half is empty when there is only one chapter."""
    weights = [len(doc.chapters[index].model_dump_json()) for index in chapters]
    total = sum(weights) * (1 + first_extra)
    running = sum(weights) * first_extra
    for position, weight in enumerate(weights):
        if running + weight / 2 >= total / 2:
            cut = min(max(position, 1), len(weights) - 1) if len(weights) > 1 else 1
            return list(chapters[:cut]), list(chapters[cut:])
        running += weight
    return list(chapters[:-1]), list(chapters[-1:])


#: The cover and the contents cost about this share of the whole plan's layout (0,6 of 6,3 s for the demo).
FRONT_SHARE = 0.1


def render_in_parts(
    doc: PlanDocument, render: RenderPart, report: Callable[[str], None] | None = None
) -> tuple[bytes, LayoutPlan] | None:
    """The PDF from the chapters kept by `LAYOUT_CACHE` and the others laid out now, two at a time (see the module's
    docstring). None if a chapter cannot be found in its layout or the front's page count does not settle; the caller
    then lays the plan out in one piece."""
    keys = chapter_keys(doc)
    kept = {index: LAYOUT_CACHE.chapter(key, doc.chapters[index].id) for index, key in enumerate(keys)}
    missing = [index for index, found in kept.items() if found is None]
    front_pages = LAYOUT_CACHE.front_pages(doc) or foreseen_front_pages(doc)
    counted: list[int] = []

    def with_front(part: DocumentPart) -> PartResult:
        """A part, and the front once to count its pages (they do not depend on the numbers in it)."""
        if front_pages is None and not counted:
            counted.append(len(render(front_part(doc, LayoutPlan(1, tuple(1 for _ in doc.chapters)))).pages))
        return render(part)

    laid_out: dict[str, ChapterPages] = {}
    if missing:
        first, second = halves(doc, missing, 0.0 if front_pages else FRONT_SHARE)
        if report is not None:
            report(f"Setter sider for {len(missing)} av {len(doc.chapters)} kapitler")
        parts = [chapter_part(doc, group) for group in (first, second) if group]
        results = (
            list(render_both(with_front, parts[0], parts[1], second_render=render))
            if len(parts) == 2
            else [with_front(parts[0])]
        )
        for part, result in zip(parts, results, strict=True):
            counts = layout_of(doc, result.pages, part.chapters)
            if len(counts) != len(part.chapters) or sum(counts) != len(result.pages):
                return None
            key = part_key(doc, part)
            LAYOUT_CACHE.store_part(key, result)
            start = 0
            for index, count in zip(part.chapters, counts, strict=True):
                laid_out[keys[index]] = where = ChapterPages(key, start, count)
                kept[index] = (result, where)
                start += count
    chapters = [kept[index] for index in range(len(doc.chapters))]
    if any(found is None for found in chapters):
        return None
    placed = [cast(tuple[PartResult, ChapterPages], found) for found in chapters]
    front_pages = front_pages or (counted[0] if counted else 2)
    for _attempt in range(2):
        plan = LayoutPlan(front_pages, tuple(where.count for _, where in placed))
        front, numbers = front_part(doc, plan), number_part(plan)
        front_key, numbers_key = part_key(doc, front), part_key(doc, numbers)
        front_result, numbers_result = LAYOUT_CACHE.part(front_key), LAYOUT_CACHE.part(numbers_key)
        if report is not None and (front_result is None or numbers_result is None):
            report("Setter inn innholdsfortegnelse og sidetall")
        if front_result is None and numbers_result is None:
            front_result, numbers_result = render_both(render, front, numbers)
        front_result = front_result or render(front)
        numbers_result = numbers_result or render(numbers)
        if len(front_result.pages) == front_pages and len(numbers_result.pages) == numbers.stamps:
            LAYOUT_CACHE.store_part(front_key, front_result)
            LAYOUT_CACHE.store_part(numbers_key, numbers_result)
            LAYOUT_CACHE.store_layout(doc, laid_out, front_pages)
            sources = [Pages(front_result, 0, front_pages)]
            sources += [Pages(result, where.start, where.count) for result, where in placed]
            pdf = join_pdfs(sources, front.ghost_anchors, Pages(numbers_result, 0, numbers.stamps), front_pages)
            return pdf, plan
        front_pages = len(front_result.pages)
    return None


__all__ = [
    "LAYOUT_CACHE",
    "ChapterPages",
    "LayoutCache",
    "LayoutPlan",
    "PageFacts",
    "Pages",
    "PartResult",
    "chapter_keys",
    "chapter_part",
    "css_string",
    "front_part",
    "halves",
    "join_pdfs",
    "layout_of",
    "number_part",
    "page_facts",
    "parallel_enabled",
    "part_key",
    "parts_wanted",
    "render_both",
    "render_in_parts",
]
