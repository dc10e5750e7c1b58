"""Renderers of a `PlanDocument`: HTML (Jinja2, self-contained), PDF (WeasyPrint) and DOCX (python-docx).

HTML and PDF share one template and stylesheet, so the printed plan and the web page look the same. DOCX is for
municipalities that edit the plan in Word: the same chapters, tables as Word tables and charts as PNG pictures.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, StrictUndefined, select_autoescape

from legeplan.report.charts import ChartSpec, to_png, to_svg
from legeplan.report.document import (
    Block,
    BulletList,
    Callout,
    Figure,
    KeyFigureGrid,
    Paragraph,
    PlanDocument,
    Table,
    norwegian_date,
    numbering,
)

#: Called with (step number, total steps, Norwegian description) while a PDF or DOCX is produced.
ProgressCallback = Callable[[int, int, str], None]


class ReportRenderError(RuntimeError):
    """The output file could not be written (unknown extension, folder missing, renderer failure)."""


def _template_text(name: str) -> str:
    return resources.files("legeplan.report").joinpath("templates", name).read_text(encoding="utf-8")


@cache
def _environment() -> Environment:
    environment = Environment(autoescape=select_autoescape(default=True), undefined=StrictUndefined)
    environment.globals["date"] = norwegian_date
    environment.globals["block_id"] = id
    return environment


def render_html(doc: PlanDocument) -> str:
    """The whole plan as one self-contained HTML page (CSS and SVG charts inline)."""
    template = _environment().from_string(_template_text("plan.html.j2"))
    labels = numbering(doc)
    return template.render(doc=doc, css=_template_text("plan.css"), labels=labels, svg=_figure_svg)


def _figure_svg(figure: Figure) -> str:
    return to_svg(_untitled(figure))


def _untitled(figure: Figure) -> ChartSpec:
    """The chart without its own title: in the plan the numbered caption above it says the same."""
    return figure.chart.model_copy(update={"title": ""})


def _noop(_step: int, _total: int, _text: str) -> None:
    return None


def _check_target(path: Path, suffix: str) -> None:
    if path.suffix.lower() != suffix:
        raise ReportRenderError(f"{path}: expected a {suffix} file")
    if not path.parent.exists():
        raise ReportRenderError(f"{path.parent}: folder does not exist")


def render_pdf(doc: PlanDocument, path: Path, progress: ProgressCallback | None = None) -> None:
    """The plan as an A4 PDF through WeasyPrint, with page headers, page numbers and a table of contents.

    The file is written only when layout succeeded, so a failure never leaves half a PDF behind."""
    from weasyprint import HTML  # imported late: pango is loaded only when a PDF is asked for

    report = progress or _noop
    path = Path(path)
    _check_target(path, ".pdf")
    report(1, 3, "Lager HTML og figurer")
    html = render_html(doc)
    report(2, 3, "Setter sider (WeasyPrint)")
    rendered = HTML(string=html, base_url=str(path.parent)).render()
    report(3, 3, f"Skriver {len(rendered.pages)} sider")
    pdf = rendered.write_pdf()
    if pdf is None:
        raise ReportRenderError(f"{path}: WeasyPrint produced no PDF")
    path.write_bytes(pdf)


def render_docx(doc: PlanDocument, path: Path, progress: ProgressCallback | None = None) -> None:
    """The plan as a Word document: headings, paragraphs, Word tables and charts as PNG pictures."""
    report = progress or _noop
    path = Path(path)
    _check_target(path, ".docx")
    report(1, 2, "Bygger Word-dokument")
    document = _build_docx(doc)
    report(2, 2, "Skriver fil")
    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(buffer.getvalue())


def render(doc: PlanDocument, path: Path, progress: ProgressCallback | None = None) -> None:
    """Dispatch on the file extension: .html, .pdf or .docx."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        if not path.parent.exists():
            raise ReportRenderError(f"{path.parent}: folder does not exist")
        (progress or _noop)(1, 1, "Skriver HTML")
        path.write_text(render_html(doc), encoding="utf-8")
    elif suffix == ".pdf":
        render_pdf(doc, path, progress)
    elif suffix == ".docx":
        render_docx(doc, path, progress)
    else:
        raise ReportRenderError(f"{path}: unknown format {suffix or '(none)'}; use .html, .pdf or .docx")


# --- DOCX -------------------------------------------------------------------------------------------------------

_ACCENT_HEX = "0B4F6C"


def _shade(cell: Any, fill: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


def _source_line(document: Any, text: str) -> None:
    from docx.shared import Pt, RGBColor

    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    run.italic = True
    run.font.size = Pt(8)
    run.font.color.rgb = RGBColor(0x52, 0x60, 0x6D)


def _docx_block(document: Any, block: Block, labels: dict[int, str]) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt, RGBColor

    add_paragraph = document.add_paragraph
    if isinstance(block, Paragraph):
        add_paragraph(block.text)
    elif isinstance(block, BulletList):
        for item in block.items:
            add_paragraph(item, style="List Bullet")
    elif isinstance(block, Callout):
        paragraph = add_paragraph()
        title = paragraph.add_run(f"{block.title}: ")
        title.bold = True
        if block.tone == "warning":
            title.font.color.rgb = RGBColor(0xB4, 0x4D, 0x12)
        paragraph.add_run(block.text)
    elif isinstance(block, KeyFigureGrid):
        table = document.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for figure in block.figures:
            cells = table.add_row().cells
            cells[0].text = figure.label + (f" ({figure.note})" if figure.note else "")
            cells[1].text = figure.value
            cells[1].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _source_line(document, f"Kilde: {block.source}, per {norwegian_date(block.as_of)}.")
    elif isinstance(block, Table):
        caption = add_paragraph(f"{labels[id(block)]}: {block.caption}", style="Caption")
        caption.paragraph_format.keep_with_next = True
        align = block.alignment()
        table = document.add_table(rows=1, cols=len(block.columns))
        table.style = "Table Grid"
        for index, column in enumerate(block.columns):
            cell = table.rows[0].cells[index]
            cell.text = ""
            run = cell.paragraphs[0].add_run(column)
            run.bold = True
            run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
            _shade(cell, _ACCENT_HEX)
        for row_number, row in enumerate([*block.rows, *block.total_rows]):
            cells = table.add_row().cells
            is_total = row_number >= len(block.rows)
            for index, value in enumerate(row):
                cells[index].text = ""
                run = cells[index].paragraphs[0].add_run(value)
                run.bold = is_total
                if align[index]:
                    cells[index].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        widths = block.width_percent()
        for row in table.rows:
            for index, cell in enumerate(row.cells):
                if widths is not None:
                    cell.width = Cm(16 * widths[index] / 100)
                for paragraph in cell.paragraphs:
                    for run in paragraph.runs:
                        run.font.size = Pt(8.5)
        if block.note:
            _source_line(document, block.note)
        _source_line(document, f"Kilde: {block.source}, per {norwegian_date(block.as_of)}.")
    elif isinstance(block, Figure):
        caption = add_paragraph(f"{labels[id(block)]}: {block.caption}", style="Caption")
        caption.paragraph_format.keep_with_next = True
        document.add_picture(io.BytesIO(to_png(_untitled(block))), width=Cm(16))
        _source_line(document, f"Kilde: {block.source}, per {norwegian_date(block.as_of)}.")


def _build_docx(doc: PlanDocument) -> Any:
    from docx import Document
    from docx.enum.text import WD_BREAK
    from docx.shared import Pt, RGBColor

    document = Document()
    core = document.core_properties
    core.title = f"{doc.title} – {doc.organisation}"
    core.author = doc.organisation
    core.comments = "Generert med legeplan"
    normal = document.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10.5)
    for level in (1, 2):
        document.styles[f"Heading {level}"].font.color.rgb = RGBColor(0x0B, 0x4F, 0x6C)
    header = document.sections[0].header.paragraphs[0]
    header.text = f"{doc.organisation} – {doc.title}"
    header.runs[0].font.size = Pt(8)

    document.add_paragraph(doc.organisation.upper())
    document.add_heading(doc.title, level=0)
    if doc.subtitle:
        document.add_paragraph(doc.subtitle)
    facts = document.add_paragraph()
    facts.add_run(
        f"Datagrunnlag per {norwegian_date(doc.as_of)}. Utarbeidet {norwegian_date(doc.generated)}."
    ).italic = True
    document.add_heading("Innhold", level=1)
    for number, chapter in enumerate(doc.chapters, start=1):
        document.add_paragraph(f"{number}. {chapter.title}")
    document.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)

    labels = numbering(doc)
    for number, chapter in enumerate(doc.chapters, start=1):
        document.add_heading(f"{number} {chapter.title}", level=1)
        for block in chapter.blocks:
            _docx_block(document, block, labels)
        for section_number, section in enumerate(chapter.sections, start=1):
            document.add_heading(f"{number}.{section_number} {section.title}", level=2)
            for block in section.blocks:
                _docx_block(document, block, labels)
    return document
