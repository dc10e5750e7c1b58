"""The PDF from chapters laid out once per content version, two at a time (issue #15): the same pages, numbers,
contents, links and bookmarks as the PDF laid out in one piece — with nothing kept, with everything kept, after an edit,
with a damaged cache; a child that fails is laid out by the parent."""

from __future__ import annotations

import json
import os
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
    LAYOUT_CACHE,
    LayoutPlan,
    PageFacts,
    PartResult,
    chapter_part,
    css_string,
    front_part,
    halves,
    layout_of,
    number_part,
    render_both,
)

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def _page(*anchors: str, heading: bool = False) -> PageFacts:
    return PageFacts(1122.5, {name: (10.0, 20.0) for name in anchors}, [(2, "x", 0.0, 0.0, "open")] if heading else [])


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
    first, second = halves(doc, list(range(len(doc.chapters))))
    assert first and second and first + second == list(range(len(doc.chapters)))
    weight = [len(doc.chapters[i].model_dump_json()) for i in range(len(doc.chapters))]
    biggest = max(weight)
    assert abs(sum(weight[i] for i in first) - sum(weight[i] for i in second)) <= biggest
    assert halves(doc, [3]) == ([3], [])
    lighter, _ = halves(doc, list(range(len(doc.chapters))), 0.5)
    assert len(lighter) < len(first)


def test_the_parts_carry_the_numbers_and_a_hostile_name_stays_text() -> None:
    doc = _doc().model_copy(update={"organisation": 'Kommune "A" </style><h1>x</h1> \\ ;}'})
    plan = LayoutPlan(3, tuple(1 for _ in doc.chapters))
    front, numbers = front_part(doc, plan), number_part(plan)
    assert front.front and front.toc_pages is not None and front.toc_pages[doc.chapters[4].id] == 8
    assert doc.chapters[4].id in front.ghost_anchors and f"av {plan.total}" in front.page_css
    assert numbers.stamps == len(doc.chapters) and "counter-reset: page 4" in numbers.page_css
    chapters = chapter_part(doc, [4, 5])
    assert chapters.chapters == (4, 5) and "content: none" in chapters.page_css
    assert "</style>" not in chapters.page_css and "<h1>" not in chapters.page_css
    assert css_string('a"b\\c\n') == '"a\\22 b\\5c c\\a "'


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
    a, b = render_both(render, first, second)
    assert (a.pdf, b.pdf) == (b"%PDF-\x01", b"%PDF-\x00")
    assert done == [(True, parent), (False, parent)]


def test_the_child_lays_out_the_second_part() -> None:
    def render(part: DocumentPart) -> PartResult:
        return PartResult(str(os.getpid()).encode(), [_page(str(part.chapters[0]))])

    a, b = render_both(render, DocumentPart(front=True, chapters=(0, 1)), DocumentPart(front=False, chapters=(2, 3)))
    assert a.pdf == str(os.getpid()).encode() and b.pdf != a.pdf and b.pages[0].anchors == {"2": (10.0, 20.0)}


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


def _one_piece(doc: PlanDocument, path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with monkeypatch.context() as patch:
        patch.setenv("LEGEPLAN_PDF_PARALLEL", "0")
        render_pdf(doc, path)


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

    def same(expected: tuple[list[str], object, object, object], path: Path) -> None:
        got = _pdf_facts(path)
        assert len(expected[0]) == len(got[0])
        for number, (a, b) in enumerate(zip(expected[0], got[0], strict=True), start=1):
            assert a == b, f"side {number}"
        assert expected[1:] == got[1:]

    # Nothing kept: the chapters in two processes without numbers, then the contents and the numbers.
    render_pdf(doc, tmp_path / "cold.pdf")
    assert calls == [1, 1]
    same(one, tmp_path / "cold.pdf")
    # Everything kept (in memory, then only on disk): nothing laid out again.
    calls.clear()
    render_pdf(doc, tmp_path / "warm.pdf")
    LAYOUT_CACHE.clear()
    render_pdf(doc, tmp_path / "disk.pdf")
    assert calls == []
    same(one, tmp_path / "warm.pdf")
    same(one, tmp_path / "disk.pdf")
    # One chapter edited: only it (and the contents, whose title changed) laid out again.
    chapter = doc.chapters[1]
    edited = doc.model_copy(
        update={"chapters": [*doc.chapters[:1], chapter.model_copy(update={"title": "Ny tittel"}), *doc.chapters[2:]]}
    )
    rendered: list[DocumentPart] = []
    real_part = pdf.render_part
    monkeypatch.setattr(pdf, "render_part", lambda d, part=None: rendered.append(part) or real_part(d, part))
    render_pdf(edited, tmp_path / "edited.pdf")
    assert [(p.front, p.chapters) for p in rendered if p is not None] == [(False, (1,)), (True, ())]
    _one_piece(edited, tmp_path / "edited-one.pdf", monkeypatch)
    same(_pdf_facts(tmp_path / "edited-one.pdf"), tmp_path / "edited.pdf")
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
