"""Every chapter starts on a new page in PDF and Word, text-only chapters (beredskap, digitalisering, …) included,
as in the model plans; the first chapter follows the table of contents without an empty page between."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document

from legeplan.plan.outline import OUTLINE
from legeplan.plan.text import demo_text_folder, read_text_folder
from legeplan.register.demo import demo_register
from legeplan.report.build import PlanInputs, build_plan
from legeplan.report.document import PlanDocument
from legeplan.report.render import render_docx, render_pdf


def text_only(doc: PlanDocument) -> list[str]:
    """Chapters with only the municipality's text (or its «Mangler tekst» notes): no table, figure or finding."""
    return [
        chapter.id
        for chapter in doc.chapters
        if all(block.kind in ("prose", "callout", "paragraph") for block in chapter.all_blocks())
    ]


@pytest.fixture(scope="module")
def doc() -> PlanDocument:
    return build_plan(PlanInputs(register=demo_register(), text=read_text_folder(demo_text_folder())))


def test_there_are_text_only_chapters(doc: PlanDocument) -> None:
    assert {"beredskap", "digitalisering", "kvalitet", "samhandling", "brukerperspektiv"} <= set(text_only(doc))
    assert {chapter.id for chapter in OUTLINE} >= set(text_only(doc))


def test_word_chapters_start_on_a_new_page(doc: PlanDocument, tmp_path: Path) -> None:
    path = tmp_path / "plan.docx"
    render_docx(doc, path)
    paragraphs = Document(str(path)).paragraphs
    headings = [(i, p) for i, p in enumerate(paragraphs) if p.style is not None and p.style.name == "Heading 1"]
    titles = [p.text for _, p in headings]
    assert titles[: len(doc.chapters)] == [f"{n} {c.title}" for n, c in enumerate(doc.chapters, start=1)]
    first, *rest = [p for _, p in headings]
    assert not first.paragraph_format.page_break_before  # the contents already end with a page break
    assert all(p.paragraph_format.page_break_before for p in rest)
    # No empty page: the paragraph before a chapter heading is never only a page break of its own.
    for index, _ in headings[1:]:
        assert 'w:br w:type="page"' not in paragraphs[index - 1]._p.xml


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_pdf_chapters_start_at_the_top_of_a_page_and_no_page_is_empty(doc: PlanDocument, tmp_path: Path) -> None:
    path = tmp_path / "plan.pdf"
    render_pdf(doc, path)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pages = [[line.strip() for line in page.splitlines() if line.strip()] for page in text.split("\f")[:-1]]
    assert all(len(" ".join(page).split()) >= 8 for page in pages), "a near-empty page"
    for number, chapter in enumerate(doc.chapters, start=1):
        heading = f"{number} {chapter.title}"
        # The running header (organisation, chapter) and then the chapter's heading opens the page.
        opens = [page for page in pages if any(line.startswith(heading[:16]) for line in page[:3])]
        assert opens, f"chapter «{heading}» does not open a page"  # (a long title wraps onto a second line)
