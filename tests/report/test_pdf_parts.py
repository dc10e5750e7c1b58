"""The PDF laid out in two processes (issue #15): the same pages, numbers, contents, links and bookmarks as the PDF
laid out in one; a wrong remembered page count costs a second layout, never a wrong number; a child that fails is
laid out by the parent."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest

from legeplan.register.demo import demo_register
from legeplan.report.build import PlanInputs, build_plan
from legeplan.report.document import PlanDocument
from legeplan.report.render import pdf_parts, render_pdf
from legeplan.report.render.html import DocumentPart
from legeplan.report.render.pdf_parts import (
    LAYOUT_MEMORY,
    LayoutPlan,
    PageFacts,
    PartResult,
    css_string,
    layout_of,
    parts_for,
    render_both,
    split_point,
)

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def _page(*anchors: str) -> PageFacts:
    return PageFacts(1122.5, {name: (10.0, 20.0) for name in anchors}, [])


def _doc() -> PlanDocument:
    return build_plan(PlanInputs(register=demo_register()))


def test_layout_counts_each_chapter_from_the_page_it_starts_on() -> None:
    doc = _doc()
    ids = [chapter.id for chapter in doc.chapters]
    # Cover, contents, then chapter 1 over two pages (its id is on both, as WeasyPrint reports a split box), chapter 2.
    pages = [_page(), _page(), _page(ids[0], f"{ids[0]}-1"), _page(ids[0]), _page(ids[1])]
    assert layout_of(doc, pages, 0, 2) == (2, [2, 1])
    # The first part's ghost anchors of later chapters are not chapters of that part.
    assert layout_of(doc, [*pages[:-1], _page(ids[1], ids[5])], 0, 2) == (2, [2, 1])
    assert layout_of(doc, [_page(ids[3]), _page(), _page(ids[4])], 3) == (0, [2, 1])


def test_page_numbers_follow_from_the_counts_and_the_parts_are_balanced() -> None:
    plan = LayoutPlan(front_pages=4, chapter_pages=(1, 2, 1, 2, 3, 5, 3, 3, 1, 1))
    assert plan.total == 26 and plan.first_page(0) == 5 and plan.first_page(5) == 14
    split = split_point(plan)
    first = plan.front_pages + sum(plan.chapter_pages[:split])
    assert abs(first - (plan.total - first)) <= max(plan.chapter_pages)
    assert split_point(LayoutPlan(2, (1, 1, 1, 10))) == 3


def test_the_parts_carry_the_numbers_and_a_hostile_name_stays_text() -> None:
    doc = _doc().model_copy(update={"organisation": 'Kommune "A" </style><h1>x</h1> \\ ;}'})
    plan = LayoutPlan(3, tuple(1 for _ in doc.chapters))
    first, second = parts_for(doc, plan, 4)
    assert first.front and first.toc_pages is not None and first.toc_pages[doc.chapters[4].id] == 8
    assert doc.chapters[4].id in first.ghost_anchors and doc.chapters[3].id not in first.ghost_anchors
    assert f"av {plan.total}" in first.page_css and "counter-reset: page 8" in second.page_css
    assert "</style>" not in second.page_css and "<h1>" not in second.page_css
    assert css_string('a"b\\c\n') == '"a\\22 b\\5c c\\a "'


def test_a_child_that_fails_is_laid_out_here() -> None:
    parent = os.getpid()
    done: list[tuple[bool, int]] = []

    def render(part: DocumentPart) -> PartResult:
        if os.getpid() != parent:
            raise RuntimeError("the child dies")
        done.append((part.front, os.getpid()))
        return PartResult(b"%PDF-" + bytes([part.front]), [])

    first = DocumentPart(front=True, first_chapter=0, end_chapter=2)
    second = DocumentPart(front=False, first_chapter=2, end_chapter=4)
    a, b = render_both(render, first, second)
    assert (a.pdf, b.pdf) == (b"%PDF-\x01", b"%PDF-\x00")
    assert done == [(True, parent), (False, parent)]


def test_the_child_lays_out_the_second_part() -> None:
    def render(part: DocumentPart) -> PartResult:
        return PartResult(str(os.getpid()).encode(), [_page(str(part.first_chapter))])

    a, b = render_both(
        render,
        DocumentPart(front=True, first_chapter=0, end_chapter=2),
        DocumentPart(front=False, first_chapter=2, end_chapter=4),
    )
    assert a.pdf == str(os.getpid()).encode() and b.pdf != a.pdf and b.pages[0].anchors == {"2": (10.0, 20.0)}


@pytest.fixture
def no_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No page counts remembered: an empty layout memory whose file is under tmp_path/cache."""
    monkeypatch.setenv("LEGEPLAN_CACHE_DIR", str(tmp_path / "cache"))
    LAYOUT_MEMORY.clear()


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


@pytest.mark.slow
@needs_pdftotext
def test_two_processes_make_the_same_pdf_as_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_memory: None
) -> None:
    doc = _doc()
    calls: list[int] = []
    real = pdf_parts.render_both
    monkeypatch.setattr(pdf_parts, "render_both", lambda *a, **k: calls.append(1) or real(*a, **k))
    monkeypatch.setenv("LEGEPLAN_PDF_PARALLEL", "0")
    render_pdf(doc, tmp_path / "one.pdf")
    assert not calls
    one = _pdf_facts(tmp_path / "one.pdf")
    assert len(one[0]) > 20 and f"Side {len(one[0])} av {len(one[0])}" in one[0][-1]
    assert one[1][0][:2] == (0, doc.title) and one[1][1][0] == 1  # chapters nested under the title
    assert {name for name in one[3] if not name.startswith("http")} <= set(one[2])  # every contents link lands
    monkeypatch.setenv("LEGEPLAN_PDF_PARALLEL", "1")

    def same_as_one(path: Path) -> None:
        two = _pdf_facts(path)
        assert len(one[0]) == len(two[0])
        for number, (a, b) in enumerate(zip(one[0], two[0], strict=True), start=1):
            assert a == b, f"side {number}"
        assert one[1:] == two[1:]

    # Nothing remembered: the chapters in two processes without page numbers, then the contents and the numbers.
    LAYOUT_MEMORY.clear()
    (tmp_path / "cache" / "pdf-layout.json").unlink()
    render_pdf(doc, tmp_path / "cold.pdf")
    assert calls == [1, 1]
    same_as_one(tmp_path / "cold.pdf")

    # The page counts remembered: one round, the numbers written in.
    calls.clear()
    render_pdf(doc, tmp_path / "warm.pdf")
    assert calls == [1]
    same_as_one(tmp_path / "warm.pdf")

    # A wrong remembered count: laid out again with the real one, the same PDF.
    calls.clear()
    key = pdf_parts.chapter_keys(doc)[2]
    monkeypatch.setattr(LAYOUT_MEMORY, "_counts", {**LAYOUT_MEMORY._counts, key: 7})
    render_pdf(doc, tmp_path / "again.pdf")
    assert calls == [1, 1]
    same_as_one(tmp_path / "again.pdf")


@pytest.mark.slow
@needs_pdftotext
def test_an_edited_chapter_is_guessed_from_its_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_memory: None
) -> None:
    doc = _doc()
    monkeypatch.setenv("LEGEPLAN_PDF_PARALLEL", "1")
    assert pdf_parts.known_layout(doc) is None
    render_pdf(doc, tmp_path / "first.pdf")  # nothing remembered: numbers stamped on, and the counts remembered
    chapter = doc.chapters[1]
    edited = doc.model_copy(
        update={"chapters": [*doc.chapters[:1], chapter.model_copy(update={"title": "Ny tittel"}), *doc.chapters[2:]]}
    )
    guess = pdf_parts.known_layout(edited)
    assert guess is not None and guess == pdf_parts.known_layout(doc)
    render_pdf(edited, tmp_path / "edited.pdf")
    text = subprocess.run(["pdftotext", str(tmp_path / "edited.pdf"), "-"], capture_output=True, text=True).stdout
    assert "2. Ny tittel" in text
    # The memory survives the process: a new one finds the counts in the file beside the charts.
    assert (tmp_path / "cache" / "pdf-layout.json").is_file()
    LAYOUT_MEMORY.clear()
    assert pdf_parts.known_layout(edited) == guess
