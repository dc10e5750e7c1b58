"""The PDF from chapters laid out once per content version, two at a time (issue #15): the same pages, numbers,
contents, links and bookmarks as the PDF laid out in one piece, every word where it is there — with nothing kept, with
everything kept, after an edit, with a damaged cache; a child that fails is laid out by the parent; each page number
comes from the label sheet with its own text and no other."""

from __future__ import annotations

import gc
import io
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest

from legeplan.register.demo import demo_register
from legeplan.report.build import PlanInputs, build_plan
from legeplan.report.document import PlanDocument
from legeplan.report.render import pdf, pdf_parts, render_pdf
from legeplan.report.render.html import DocumentPart
from legeplan.report.render.pdf_parts import (
    CONTENTS_ENTRY,
    CONTENTS_LINE,
    FOOTER_BOX,
    FOOTER_LINE,
    LAYOUT_CACHE,
    LayoutPlan,
    PageFacts,
    Pages,
    PartResult,
    chapter_part,
    css_string,
    front_part,
    halves,
    join_pdfs,
    label_contents,
    label_part,
    layout_of,
    plan_shape,
    render_both,
)

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def _page(*anchors: str, heading: bool = False) -> PageFacts:
    boxes = {name: (10.0, 20.0, 600.0, 40.0) for name in anchors}
    return PageFacts(1122.5, boxes, [(2, "x", 0.0, 0.0, "open")] if heading else [])


def _doc() -> PlanDocument:
    return build_plan(PlanInputs(register=demo_register()))


def test_layout_counts_each_chapter_from_the_page_it_starts_on() -> None:
    doc = _doc()
    ids = [chapter.id for chapter in doc.chapters]
    # Chapter 1 over two pages (its id is on both, as WeasyPrint reports a split box), then chapter 2.
    pages = [_page(ids[0], f"{ids[0]}-1"), _page(ids[0]), _page(ids[1])]
    assert layout_of(doc, pages, [0, 1]) == [2, 1]
    assert layout_of(doc, [_page(ids[3]), _page(), _page(ids[4])], [3, 4]) == [2, 1]
    assert layout_of(doc, pages, [0, 1, 2]) == []  # a chapter not laid out
    assert layout_of(doc, [_page(), *pages], [0, 1]) == []  # something before the first chapter


def test_page_numbers_follow_from_the_counts_and_the_halves_are_even() -> None:
    plan = LayoutPlan(front_pages=4, chapter_pages=(1, 2, 1, 2, 3, 5, 3, 3, 1, 1))
    assert plan.total == 26 and plan.first_page(0) == 5 and plan.first_page(5) == 14
    doc = _doc()
    shape = plan_shape(doc)
    assert shape is not None
    costs = shape.costs
    assert len(costs) == len(doc.chapters) and all(cost > 0 for cost in costs)
    charted = [index for index, chapter in enumerate(doc.chapters) if '"figure"' in chapter.model_dump_json()]
    assert charted and min(costs[i] for i in charted) > 2 * min(costs)  # a chart's texts cost
    everything = list(range(len(doc.chapters)))
    first, second = halves(costs, everything)
    assert first and second and sorted(first + second) == everything and first == sorted(first)
    load = [sum(costs[i] for i in first), sum(costs[i] for i in second)]
    assert abs(load[0] - load[1]) <= max(costs)
    assert halves(costs, [3]) == ([3], [])
    assert halves([1.0, 1.0, 1.0], [0, 1, 2], first_extra=5.0) == ([], [0, 1, 2])
    lighter, _ = halves(costs, everything, 1.0)
    assert sum(costs[i] for i in lighter) < load[0]


def test_the_parts_carry_no_numbers_and_a_hostile_name_stays_text() -> None:
    doc = _doc().model_copy(update={"organisation": 'Kommune "A" </style><h1>x</h1> \\ ;}'})
    front = front_part(doc)
    assert front.front and doc.chapters[4].id in front.ghost_anchors and "content: none" in front.page_css
    chapters = chapter_part(doc, [4, 5])
    assert chapters.chapters == (4, 5) and "content: none" in chapters.page_css
    assert "</style>" not in chapters.page_css and "<h1>" not in chapters.page_css
    assert css_string('a"b\\c\n') == '"a\\22 b\\5c c\\a "'


def test_the_labels_are_each_number_in_its_line_on_its_page() -> None:
    """Each chapter's page at the foot of its contents entry, «Side N av T» on the footer's line of every page after
    the cover; stacked in columns on the sheet, each moved only in height."""
    doc = _doc()
    ids = [chapter.id for chapter in doc.chapters]
    cover = _page()
    contents = [_page(*(CONTENTS_ENTRY + i for i in ids[:12])), _page(*(CONTENTS_ENTRY + i for i in ids[12:]))]
    plan = LayoutPlan(3, tuple(1 + index % 3 for index in range(len(ids))))
    labelled = label_part(doc, plan, [cover, *contents])
    assert labelled is not None
    labels, placements = labelled
    assert [p.label.text for p in placements if p.label.kind == "contents"] == [
        str(plan.first_page(i)) for i in range(len(ids))
    ]
    assert {p.page for p in placements if p.label.kind == "contents"} == {1, 2}
    footers = [p for p in placements if p.label.kind == "footer"]
    assert [p.page for p in footers] == list(range(1, plan.total))  # not on the cover
    assert footers[0].label.text == f"Side 2 av {plan.total}" and footers[-1].label.text.startswith(
        f"Side {plan.total} "
    )
    for placement in placements:
        left, top, right, bottom = placement.box
        line = CONTENTS_LINE if placement.label.kind == "contents" else FOOTER_LINE
        assert bottom - top == pytest.approx(line)
        assert placement.label.box[0] == left and placement.label.box[2] == right
        assert placement.label.box[3] - placement.label.box[1] == pytest.approx(line)
    footer = footers[0].box
    assert (footer[1] + footer[3]) / 2 == pytest.approx((FOOTER_BOX[1] + FOOTER_BOX[3]) / 2)
    assert contents[0].anchors[CONTENTS_ENTRY + ids[0]][3] == placements[0].box[3]  # the foot of the entry
    sheets = labels.label_sheets()
    assert len(sheets) == 1 + max(p.label.sheet for p in placements)
    columns = [column for sheet in sheets for column in sheet]
    assert sum(column.text.count("\n") + 1 for column in columns) == len(placements)
    assert {column.kind for column in columns} == {"footer", "contents"}
    # A plan of 300 pages needs more than one sheet; a chapter missing from the contents means no labels.
    long = LayoutPlan(3, tuple(14 for _ in ids))
    assert len(label_part(doc, long, [cover, *contents])[0].label_sheets()) > 1  # type: ignore[index]
    assert label_part(doc, plan, [cover, contents[0]]) is None


def _front_with_labels(
    doc: PlanDocument, tmp_path: Path, keep: int | None = None
) -> tuple[str, LayoutPlan, PartResult, list[pdf_parts.Placement]]:
    """The front laid out, with its labels (or the first `keep`) laid over it from the label sheet: the text of its
    page 2, the layout, the sheet and every placement."""
    front = pdf.render_part(doc, front_part(doc))
    plan = LayoutPlan(len(front.pages), tuple(2 for _ in doc.chapters))
    labelled = label_part(doc, plan, front.pages)
    assert labelled is not None
    labels, placements = labelled
    sheet = pdf.render_part(doc, labels)
    assert len(sheet.pages) == len(labels.label_sheets())
    on_front = [placement for placement in placements if placement.page < len(front.pages)][:keep]
    joined = join_pdfs([Pages(front, 0, len(front.pages))], front_part(doc).ghost_anchors, sheet, on_front)
    assert joined is not None
    (tmp_path / "front.pdf").write_bytes(joined)
    text = subprocess.run(
        ["pdftotext", "-f", "2", "-l", "2", "-layout", str(tmp_path / "front.pdf"), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return text, plan, sheet, placements


@pytest.mark.slow
@needs_pdftotext
def test_a_label_carries_its_own_text_and_no_other(tmp_path: Path) -> None:
    """Text extraction ignores clipping: each label's content holds its line alone. A box without one line means no
    labels (the caller lays the plan out in one piece)."""
    text, _, sheet, placements = _front_with_labels(_doc(), tmp_path, keep=3)
    with pikepdf.open(io.BytesIO(sheet.pdf)) as opened:
        page = opened.pages[0]
        contents = label_contents(page, [placement.label.box for placement in placements])
        assert contents is not None and len(contents) == len(placements)
        assert all(content.count(b"TJ") == 1 for content in contents)
        top = placements[0].label.box[1]
        assert label_contents(page, [(0.0, top, 10.0, top + 2 * CONTENTS_LINE)]) is None  # two lines
        assert label_contents(page, [(0.0, 2000.0, 10.0, 2010.0)]) is None  # none
    entries = [line.split() for line in text.splitlines() if line.strip()[:1].isdigit()]
    assert [words[-1] for words in entries if words[-1].isdigit()] == [p.label.text for p in placements[:3]]


@pytest.mark.slow
@needs_pdftotext
def test_a_chapter_s_page_number_stays_on_its_title_s_last_line(tmp_path: Path) -> None:
    """Titles from one line to nearly two: the number is laid over the entry's last line, where WeasyPrint puts it
    in the plan laid out in one piece."""
    demo = _doc()
    words = " ".join(["Sammendrag", *(f"ord{'y' * (n % 5)}" for n in range(30))])
    for length in range(60, 81, 2):
        title = words[:length].rstrip()
        chapters = [demo.chapters[0].model_copy(update={"title": title}), *demo.chapters[1:4]]
        text, plan, _, _ = _front_with_labels(demo.model_copy(update={"chapters": chapters}), tmp_path)
        (line,) = [line for line in text.splitlines() if line.rstrip().endswith(f" {plan.first_page(0)}")]
        assert title.split()[-1] in line, (length, line)


def test_a_child_that_fails_is_laid_out_here() -> None:
    parent = os.getpid()
    done: list[tuple[bool, int]] = []

    def render(part: DocumentPart) -> PartResult:
        if os.getpid() != parent:
            raise RuntimeError("the child dies")
        done.append((part.front, os.getpid()))
        return PartResult(b"%PDF-" + bytes([part.front]), [])

    first = DocumentPart(front=True, chapters=(0, 1))
    second = DocumentPart(front=False, chapters=(2, 3))
    (a,), (b,) = render_both(render, [first], [second])
    assert (a.pdf, b.pdf) == (b"%PDF-\x01", b"%PDF-\x00")
    assert done == [(True, parent), (False, parent)]


def test_the_child_lays_out_the_second_part() -> None:
    def render_or_front(part: DocumentPart) -> PartResult:
        return PartResult(str(os.getpid()).encode(), [_page(str(part.chapters[0]) if part.chapters else "front")])

    first = [DocumentPart(front=True), DocumentPart(front=False, chapters=(0, 1))]
    (front, a), (b,) = render_both(render_or_front, first, [DocumentPart(front=False, chapters=(2, 3))])
    assert a.pdf == front.pdf == str(os.getpid()).encode() and b.pdf != a.pdf
    assert b.pages[0].anchors == {"2": (10.0, 20.0, 600.0, 40.0)}


def _pdf_facts(path: Path) -> tuple[list[str], list[tuple[int, str, int | None]], dict[str, int], list[str]]:
    """Per page text; the outline as (depth, title, page); named destination → page; each link's target."""
    texts = [
        subprocess.run(
            ["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(path), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for n in range(1, len(pikepdf.open(path).pages) + 1)
    ]
    with pikepdf.open(path) as pdf:
        number = {page.objgen: index for index, page in enumerate(pdf.pages)}
        outline: list[tuple[int, str, int | None]] = []
        with pdf.open_outline() as tree:

            def walk(items: list[pikepdf.OutlineItem], depth: int) -> None:
                for item in items:
                    target = item.destination
                    page = number.get(target[0].objgen) if isinstance(target, pikepdf.Array) else None
                    outline.append((depth, item.title, page))
                    walk(item.children, depth + 1)

            walk(tree.root, 0)
        names = pdf.Root.Names.Dests.Names
        destinations = {str(names[i]): number[names[i + 1][0].objgen] for i in range(0, len(names), 2)}
        links = [
            str(annotation.get("/Dest", annotation.get("/A", {}).get("/URI", "")))
            for page in pdf.pages
            for annotation in page.get("/Annots", [])
        ]
    return texts, outline, destinations, links


def _words(path: Path) -> list[list[tuple[str, tuple[float, ...]]]]:
    """Each page's words with their boxes (pdftotext -bbox), in reading order."""
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pattern = re.compile(r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">([^<]*)</word>')
    return [
        [(word, tuple(float(v) for v in box)) for *box, word in pattern.findall(page)]
        for page in out.split("<page ")[1:]
    ]


def _one_piece(doc: PlanDocument, path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with monkeypatch.context() as patch:
        patch.setenv("LEGEPLAN_PDF_PARALLEL", "0")
        render_pdf(doc, path)


def _same(expected: tuple[list[str], object, object, object], path: Path, one_path: Path) -> None:
    """The PDF at `path` has the one piece's pages, text, outline, destinations and links, and every word where the
    one piece has it (to a thousandth of a point: the page numbers among them)."""
    got = _pdf_facts(path)
    assert len(expected[0]) == len(got[0])
    for number, (a, b) in enumerate(zip(expected[0], got[0], strict=True), start=1):
        assert a == b, f"side {number}"
    assert expected[1:] == got[1:]
    for number, (a_words, b_words) in enumerate(zip(_words(one_path), _words(path), strict=True), start=1):
        assert [word for word, _ in a_words] == [word for word, _ in b_words], f"side {number}"
        for (word, a_box), (_, b_box) in zip(a_words, b_words, strict=True):
            assert max(abs(x - y) for x, y in zip(a_box, b_box, strict=True)) < 1e-3, (number, word)


@pytest.mark.slow
@needs_pdftotext
def test_the_pdf_in_parts_is_the_pdf_in_one_piece(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_memory: None
) -> None:
    doc = _doc()
    calls: list[int] = []
    real = pdf_parts.render_both
    monkeypatch.setattr(pdf_parts, "render_both", lambda *a, **k: calls.append(1) or real(*a, **k))
    _one_piece(doc, tmp_path / "one.pdf", monkeypatch)
    assert not calls
    one = _pdf_facts(tmp_path / "one.pdf")
    assert len(one[0]) > 20 and f"Side {len(one[0])} av {len(one[0])}" in one[0][-1]
    assert one[1][0][:2] == (0, doc.title) and one[1][1][0] == 1  # chapters nested under the title
    assert {name for name in one[3] if not name.startswith("http")} <= set(one[2])  # every contents link lands

    same = _same

    # Nothing kept: the front and the chapters in two processes without numbers, then the label sheet.
    render_pdf(doc, tmp_path / "cold.pdf")
    assert calls == [1]
    same(one, tmp_path / "cold.pdf", tmp_path / "one.pdf")
    # Everything kept (in memory, then only on disk): nothing laid out again.
    calls.clear()
    render_pdf(doc, tmp_path / "warm.pdf")
    LAYOUT_CACHE.clear()
    render_pdf(doc, tmp_path / "disk.pdf")
    assert calls == []
    same(one, tmp_path / "warm.pdf", tmp_path / "one.pdf")
    same(one, tmp_path / "disk.pdf", tmp_path / "one.pdf")
    # One chapter edited: only it (and the contents, whose title changed) laid out again.
    chapter = doc.chapters[1]
    edited = doc.model_copy(
        update={"chapters": [*doc.chapters[:1], chapter.model_copy(update={"title": "Ny tittel"}), *doc.chapters[2:]]}
    )
    rendered: list[DocumentPart] = []
    real_part = pdf.render_part
    monkeypatch.setattr(pdf, "render_part", lambda d, part=None: rendered.append(part) or real_part(d, part))
    with monkeypatch.context() as patch:
        patch.setattr(pdf_parts, "parallel_enabled", lambda: False)  # every part laid out here, where it is counted
        render_pdf(edited, tmp_path / "edited.pdf")
    laid_out = [(p.front, p.chapters, bool(p.labels)) for p in rendered if p is not None]
    # The front (a title changed) and the chapter; the label sheet is kept: no number and no entry's box changed.
    assert laid_out == [(True, (), False), (False, (1,), False)]
    _one_piece(edited, tmp_path / "edited-one.pdf", monkeypatch)
    same(_pdf_facts(tmp_path / "edited-one.pdf"), tmp_path / "edited.pdf", tmp_path / "edited-one.pdf")
    assert "2. Ny tittel" in _pdf_facts(tmp_path / "edited.pdf")[0][1]


@pytest.mark.slow
@needs_pdftotext
def test_a_damaged_cache_is_a_miss(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_memory: None) -> None:
    doc = _doc()
    render_pdf(doc, tmp_path / "first.pdf")
    folder = tmp_path / "cache" / "pdf-parts"
    index = json.loads((folder / "index.json").read_text())
    key = pdf_parts.chapter_keys(doc)[3]
    part, start, count = index["chapters"][key]
    index["chapters"][key] = [part, start, count + 1]  # a chapter said to run into the next one
    (folder / "index.json").write_text(json.dumps(index))
    for stored in folder.glob("p*.json"):
        if stored.stem != part:
            stored.write_text("[{]")  # every other part's facts unreadable
    LAYOUT_CACHE.clear()
    render_pdf(doc, tmp_path / "again.pdf")
    _one_piece(doc, tmp_path / "one.pdf", monkeypatch)
    assert _pdf_facts(tmp_path / "again.pdf") == _pdf_facts(tmp_path / "one.pdf")


def test_the_collector_runs_less_while_laying_out_and_as_before_after() -> None:
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), pdf.fewer_collections():
        assert gc.get_threshold()[0] == pdf.LAYOUT_GC_THRESHOLD > before[0] and gc.get_freeze_count() > 0
        raise RuntimeError("the layout fails")
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
    gc.freeze()  # frozen by someone else: stays frozen
    try:
        frozen = gc.get_freeze_count()
        with pdf.fewer_collections():
            pass
        assert gc.get_freeze_count() >= frozen > 0
    finally:
        gc.unfreeze()


@pytest.mark.slow
@needs_pdftotext
@pytest.mark.parametrize("shape", ["contents ending at the foot of a page", "a title of 133 characters"])
def test_shapes_that_moved_the_numbers_are_the_one_piece(
    shape: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_memory: None
) -> None:
    """The review's two shapes: contents whose end fell within the list's margin of a page's foot (the ghost targets
    took a page of their own, and every number was one too high), and a plan title long enough to squeeze the footer's
    number onto two lines in the one piece."""
    demo = _doc()
    if shape == "a title of 133 characters":
        doc = demo.model_copy(
            update={
                "chapters": demo.chapters[:5],
                "title": "Plan for legetjenesten i Sandefjord kommune 2025–2030: fastlegeordningen, legevakt, "
                "sykehjemsmedisin, helsestasjon og samfunnsmedisin",
            }
        )
    else:
        base, last = demo.chapters[:3], demo.chapters[3]
        extra = [last.sections[0].model_copy(update={"title": f"Ekstra del {n}"}) for n in range(24)]
        chapters = [*base, last.model_copy(update={"sections": [*last.sections, *extra]})]
        doc = demo.model_copy(update={"chapters": [*chapters, demo.chapters[4].model_copy(update={"sections": []})]})
    _one_piece(doc, tmp_path / "one.pdf", monkeypatch)
    render_pdf(doc, tmp_path / "parts.pdf")
    _same(_pdf_facts(tmp_path / "one.pdf"), tmp_path / "parts.pdf", tmp_path / "one.pdf")


def test_a_chapter_s_key_follows_its_html_not_only_its_data(monkeypatch: pytest.MonkeyPatch) -> None:
    """A change in the code that writes a chapter's HTML (here its tables' column widths) lays it out again, though
    its data are the same."""
    from legeplan.report.document import Table

    doc = _doc()
    before = pdf_parts.chapter_keys(doc)
    tabled = [i for i, chapter in enumerate(doc.chapters) if '"table"' in chapter.model_dump_json()]
    monkeypatch.setattr(Table, "width_percent", lambda self: None)
    after = pdf_parts.chapter_keys(doc)
    assert len(before) == len(after) == len(doc.chapters)
    changed = {i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b}
    assert changed and changed <= set(tabled)


def test_overlapping_layouts_share_the_collector_setting() -> None:
    """Two threads: the first in sets it, the last out restores it, whatever the order they leave in."""
    before = gc.get_threshold()
    first, second = pdf.fewer_collections(), pdf.fewer_collections()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert gc.get_threshold()[0] == pdf.LAYOUT_GC_THRESHOLD and gc.get_freeze_count() > 0
    second.__exit__(None, None, None)
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_a_chapter_s_key_is_the_same_before_and_after_its_charts_are_drawn(no_memory: None) -> None:
    """A plan's first PDF draws its charts; the next one (another process, the charts on disk) must find its pages."""
    from legeplan.report.chart_cache import CHARTS

    doc = _doc()
    for path in (CHARTS.folder() or Path("/nonexistent")).glob("*/*"):
        path.unlink()
    CHARTS.clear()
    before = pdf_parts.chapter_keys(doc)
    for figure in doc.figures():
        pdf.figure_svg(figure)
    CHARTS.clear()
    assert pdf_parts.chapter_keys(doc) == before
