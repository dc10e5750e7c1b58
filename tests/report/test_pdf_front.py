"""The front's page count foreseen from its entries (issue #15): never a count WeasyPrint does not lay out, sure for
the demo plan, and a wrong count (or none) still gives the right PDF."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from legeplan.register.demo import demo_register
from legeplan.report.build import PlanInputs, build_plan
from legeplan.report.document import PlanDocument
from legeplan.report.render import pdf, pdf_parts, render_pdf
from legeplan.report.render.html import DocumentPart
from legeplan.report.render.pdf_front import contents_height, foreseen_front_pages
from legeplan.report.render.pdf_parts import LayoutPlan, front_part


@pytest.fixture(scope="module")
def demo() -> PlanDocument:
    return build_plan(PlanInputs(register=demo_register()))


def _laid_out(doc: PlanDocument) -> int:
    return len(pdf.render_part(doc, front_part(doc, LayoutPlan(2, tuple(1 for _ in doc.chapters)))).pages)


def _variants(doc: PlanDocument) -> dict[str, PlanDocument]:
    chapters = doc.chapters
    wordy = " og enda mer om organisering, samarbeid, rekruttering og utvikling av tjenestene"
    return {
        **{f"{count} kapitler": doc.model_copy(update={"chapters": chapters[:count]}) for count in (1, 4, 8, 13, 18)},
        "lange titler": doc.model_copy(
            update={"chapters": [chapter.model_copy(update={"title": chapter.title + wordy}) for chapter in chapters]}
        ),
        "dobbelt så mange delkapitler": doc.model_copy(
            update={"chapters": [chapter.model_copy(update={"sections": chapter.sections * 2}) for chapter in chapters]}
        ),
    }


@pytest.mark.slow
def test_a_foreseen_count_is_the_laid_out_count(demo: PlanDocument) -> None:
    assert foreseen_front_pages(demo) == _laid_out(demo) == 4  # cover and three pages of contents
    sure = 0
    for name, doc in _variants(demo).items():
        foreseen = foreseen_front_pages(doc)
        assert foreseen in (None, _laid_out(doc)), name
        sure += foreseen is not None
    assert sure >= 4  # unsure only near a page's end or with titles that may wrap


def test_the_reckoning_grows_with_the_entries(demo: PlanDocument) -> None:
    low, high = contents_height(demo)
    assert 0 < low <= high
    longer = demo.model_copy(update={"chapters": demo.chapters * 2})
    assert contents_height(longer)[0] > high
    assert foreseen_front_pages(demo.model_copy(update={"chapters": demo.chapters[:1]})) == 2


def _fronts_laid_out(monkeypatch: pytest.MonkeyPatch) -> list[DocumentPart]:
    """The fronts this process lays out from now on."""
    rendered: list[DocumentPart] = []
    real = pdf.render_part

    def render_part(doc: PlanDocument, part: DocumentPart | None = None) -> pdf_parts.PartResult:
        if part is not None and part.front:
            rendered.append(part)
        return real(doc, part)

    monkeypatch.setattr(pdf, "render_part", render_part)
    return rendered


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("foresight", ["sure", "wrong", "none"])
def test_the_first_pdf_lays_the_front_out_once_when_its_count_is_foreseen(
    foresight: str, demo: PlanDocument, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_memory: None
) -> None:
    import subprocess

    doc = demo.model_copy(update={"chapters": demo.chapters[:6]})
    with monkeypatch.context() as patch:
        patch.setenv("LEGEPLAN_PDF_PARALLEL", "0")
        render_pdf(doc, tmp_path / "one.pdf")
    actual = _laid_out(doc)
    if foresight != "sure":
        monkeypatch.setattr(pdf_parts, "foreseen_front_pages", lambda _doc: None if foresight == "none" else actual + 1)
    fronts = _fronts_laid_out(monkeypatch)
    render_pdf(doc, tmp_path / "parts.pdf")
    # Foreseen: laid out once, with the numbers. Wrong: twice (the second time with the counted pages). None: once to
    # count beside the first chapters, once with the numbers.
    assert len(fronts) == (1 if foresight == "sure" else 2)
    text = [
        subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout
        for path in (tmp_path / "one.pdf", tmp_path / "parts.pdf")
    ]
    assert text[0] == text[1] and f"Side 2 av {text[0].count(chr(12))}" in text[0]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_a_chapter_s_page_number_stays_on_its_title_s_last_line(demo: PlanDocument, tmp_path: Path) -> None:
    """Titles from one line to nearly two: the number never drops beside the first section below (a float did when
    the title's last line was nearly full)."""
    import subprocess

    words = " ".join(["Sammendrag", *(f"ord{'y' * (n % 5)}" for n in range(30))])
    for length in range(60, 81):
        title = words[:length].rstrip()
        chapters = [demo.chapters[0].model_copy(update={"title": title}), *demo.chapters[1:]]
        doc = demo.model_copy(update={"chapters": chapters})
        front = front_part(doc, LayoutPlan(4, tuple(2 for _ in doc.chapters)))
        (tmp_path / "front.pdf").write_bytes(pdf.render_part(doc, front).pdf)
        text = subprocess.run(
            ["pdftotext", "-f", "2", "-l", "2", "-layout", str(tmp_path / "front.pdf"), "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        (line,) = [line for line in text.splitlines() if line.rstrip().endswith(" 5")]
        assert title.split()[-1] in line, (length, line)
