"""Renderers: HTML with every chapter and figure, PDF checked through pdftoppm, DOCX opened with python-docx."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from legeplan.report.build import PlanInputs, build_plan
from legeplan.report.charts import PALETTE
from legeplan.report.document import PlanDocument, norwegian_date, numbering
from legeplan.report.render import ReportRenderError, render, render_docx, render_html, render_pdf


@pytest.fixture(scope="module")
def doc(plan_inputs: PlanInputs) -> PlanDocument:
    return build_plan(plan_inputs)


@pytest.fixture(scope="module")
def pdf_path(doc: PlanDocument, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "plan.pdf"
    steps: list[str] = []
    render_pdf(doc, path, lambda step, total, text: steps.append(f"{step}/{total} {text}"))
    assert steps[0].startswith("1/3") and steps[-1].startswith("3/3")
    return path


def test_html_has_every_chapter_and_figure_with_source_and_date(doc: PlanDocument) -> None:
    html = render_html(doc)
    labels = numbering(doc)
    for number, chapter in enumerate(doc.chapters, start=1):
        assert f'id="{chapter.id}"' in html
        assert re.search(
            rf'<span class="number">{number}</span><span class="title">{re.escape(chapter.title)}</span></h2>', html
        )
    for figure in doc.figures():
        caption = f"{labels[id(figure)]}: {figure.caption}"
        at = html.index(caption)
        following = html[at : html.index("</figure>", at)]
        assert "<svg" in following
        assert f"Kilde: {figure.source}, per {norwegian_date(figure.as_of)}." in following
    for table in doc.tables():
        caption = f"{labels[id(table)]}: {table.caption}"
        at = html.index(caption)
        assert f"Kilde: {table.source}, per {norwegian_date(table.as_of)}." in html[at:]
    assert html.count("<svg") == len(doc.figures())
    assert '<html lang="nb">' in html


def test_html_escapes_register_text(plan_inputs: PlanInputs) -> None:
    register = plan_inputs.register
    office = register.offices[0].model_copy(update={"name": "<script>alert(1)</script>"})
    tricky = register.model_copy(update={"offices": (office, *register.offices[1:])})
    html = render_html(build_plan(PlanInputs(register=tricky)))
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def _pages_with(pdf: Path, text: str) -> list[int]:
    output = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    return [number for number, page in enumerate(output.stdout.split("\f"), start=1) if text in page]


def _render_page(pdf: Path, page: int, out: Path) -> Image.Image:
    prefix = out / f"page{page}"
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", "-f", str(page), "-l", str(page), "-singlefile", str(pdf), str(prefix)],
        check=True,
    )
    return Image.open(f"{prefix}.png").convert("RGB")


def _chart_pixels(image: Image.Image) -> int:
    """Pixels close to the charts' first palette colour, which the page styling never uses."""
    target = np.array([int(PALETTE[0][i : i + 2], 16) for i in (1, 3, 5)])
    pixels = np.asarray(image, dtype=int)
    return int((np.abs(pixels - target) < 30).all(axis=2).sum())


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_pdf_has_pages_and_charts(doc: PlanDocument, pdf_path: Path, tmp_path: Path) -> None:
    info = subprocess.run(["pdfinfo", str(pdf_path)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    assert pages >= len(doc.chapters) + 2  # cover, contents and a page per chapter
    text = subprocess.run(["pdftotext", str(pdf_path), "-"], capture_output=True, text=True, check=True).stdout
    for chapter in doc.chapters:
        assert chapter.title in text
    labels = numbering(doc)
    for figure in doc.figures():
        [page] = _pages_with(pdf_path, f"{labels[id(figure)]}: {figure.caption}")[:1]
        assert _chart_pixels(_render_page(pdf_path, page, tmp_path)) > 200, f"no chart drawn on page {page}"
    # a text-only page (Rammer) has none of the chart colour, so the check above can fail
    [intro_page] = _pages_with(pdf_path, "3.1 Lover og forskrifter")[:1]
    assert _chart_pixels(_render_page(pdf_path, intro_page, tmp_path)) < 20
    assert f"Side 3 av {pages}" in text


def test_docx_has_headings_tables_and_pictures(doc: PlanDocument, tmp_path: Path) -> None:
    import docx

    path = tmp_path / "plan.docx"
    render_docx(doc, path)
    word = docx.Document(str(path))
    headings = [p.text for p in word.paragraphs if p.style is not None and p.style.name == "Heading 1"]
    for number, chapter in enumerate(doc.chapters, start=1):
        assert f"{number} {chapter.title}" in headings
    grids = sum(1 for chapter in doc.chapters for block in chapter.all_blocks() if block.kind == "keyfigures")
    assert len(word.tables) == len(doc.tables()) + grids
    assert len(word.inline_shapes) == len(doc.figures())
    body = "\n".join(p.text for p in word.paragraphs)
    assert body.count("Kilde: ") >= len(doc.tables()) + len(doc.figures())
    stadiontunet = next(t for t in word.tables if any(c.text == "Stadiontunet sykehjem" for c in t.column_cells(0)))
    assert [cell.text for cell in stadiontunet.rows[1].cells][4] == "0,40"


def test_render_dispatches_on_extension_and_rejects_unknown(doc: PlanDocument, tmp_path: Path) -> None:
    render(doc, tmp_path / "plan.html")
    assert (tmp_path / "plan.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    with pytest.raises(ReportRenderError, match=r"unknown format \.txt"):
        render(doc, tmp_path / "plan.txt")
    with pytest.raises(ReportRenderError, match="does not exist"):
        render(doc, tmp_path / "missing" / "plan.pdf")
    assert not (tmp_path / "missing").exists()


def test_a_figure_says_its_title_once_in_the_caption_not_again_in_the_image(doc: PlanDocument) -> None:
    from legeplan.report.document import Figure

    html = render_html(doc)
    figures = [b for c in doc.chapters for s in [c, *c.sections] for b in s.blocks if isinstance(b, Figure)]
    assert figures
    for figure in figures:
        assert figure.chart.title, "the chart keeps its own title for use outside the plan"
        svg_texts = re.findall(r"<text[^>]*>([^<]*)</text>", html)
        assert figure.chart.title not in svg_texts
