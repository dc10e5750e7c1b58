"""The plan as a Word document for municipalities that edit it in Word: A4, language nb-NO, Word's own heading
styles, a real table-of-contents field (Word fills in the page numbers when the document is opened or updated),
«Side x av y» in the footer, Word tables and charts as PNG pictures (Word handles SVG poorly)."""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import _Cell
from docx.text.paragraph import Paragraph as WordParagraph

from legeplan.report.charts import to_png
from legeplan.report.document import (
    Block,
    BulletList,
    Callout,
    Figure,
    Findings,
    KeyFigureGrid,
    Paragraph,
    PlanDocument,
    Prose,
    Table,
    norwegian_date,
    numbering,
)
from legeplan.report.markdown import tokens
from legeplan.report.render.common import ProgressCallback, check_target, noop, untitled

ACCENT_HEX = "0B4F6C"
#: Style ids of python-docx's default template (the names are «Caption», «List Bullet», «Heading 1», …).
CAPTION, LIST_BULLET, LIST_NUMBER, TABLE_GRID = "Caption", "ListBullet", "ListNumber", "TableGrid"
LANGUAGE = "nb-NO"


def render_docx(doc: PlanDocument, path: Path, progress: ProgressCallback | None = None) -> None:
    """The plan as a Word document: headings, paragraphs, Word tables and charts as PNG pictures."""
    report = progress or noop
    path = Path(path)
    check_target(path, ".docx")
    report(1, 2, "Bygger Word-dokument")
    document = build_docx(doc)
    report(2, 2, "Skriver fil")
    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(buffer.getvalue())


def _shade(cell: _Cell, fill: str) -> None:
    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


def _field(paragraph: WordParagraph, instruction: str, placeholder: str = "") -> None:
    """A Word field (TOC, PAGE, NUMPAGES) as begin/instruction/separate/result/end runs, so Word updates it."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    begin.set(qn("w:dirty"), "true")
    run._r.append(begin)
    run = paragraph.add_run()
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    run._r.append(text)
    run = paragraph.add_run()
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run._r.append(separate)
    paragraph.add_run(placeholder)
    run = paragraph.add_run()
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(end)


def _language(document: WordDocument) -> None:
    """nb-NO for the document defaults and the Normal style, so Word spell-checks in bokmål."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    targets = []
    if defaults is not None:
        run_defaults = defaults.find(qn("w:rPrDefault"))
        if run_defaults is not None:
            targets.append(run_defaults.get_or_add_rPr() if hasattr(run_defaults, "get_or_add_rPr") else None)
    targets.append(document.styles["Normal"].element.get_or_add_rPr())
    for properties in targets:
        if properties is None:
            continue
        language = properties.find(qn("w:lang"))
        if language is None:
            language = OxmlElement("w:lang")
            properties.append(language)
        language.set(qn("w:val"), LANGUAGE)
        language.set(qn("w:eastAsia"), LANGUAGE)
        language.set(qn("w:bidi"), LANGUAGE)


def _update_fields_on_open(document: WordDocument) -> None:
    """Ask Word to fill in the table of contents and page numbers when the file is opened."""
    settings = document.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings.append(update)


def _source_line(document: WordDocument, text: str) -> None:
    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    run.italic = True
    run.font.size = Pt(8)
    run.font.color.rgb = RGBColor(0x52, 0x60, 0x6D)


def _inline(paragraph: WordParagraph, children: list[object]) -> None:
    """markdown-it inline tokens to runs: text, **bold**, *italic*, `code`, line breaks."""
    from markdown_it.token import Token

    bold = italic = False
    for child in children:
        if not isinstance(child, Token):
            continue
        if child.type == "strong_open":
            bold = True
        elif child.type == "strong_close":
            bold = False
        elif child.type == "em_open":
            italic = True
        elif child.type == "em_close":
            italic = False
        elif child.type in ("text", "code_inline"):
            run = paragraph.add_run(child.content)
            run.bold = bold or None
            run.italic = italic or None
        elif child.type == "softbreak":
            paragraph.add_run(" ")
        elif child.type == "hardbreak":
            paragraph.add_run().add_break()


def _prose(document: WordDocument, markdown: str) -> None:
    """The municipality's Markdown as Word paragraphs, lists (List Bullet / List Number), headings and tables."""
    stream = tokens(markdown)
    lists: list[str] = []
    heading_level = 0
    table_rows: list[list[str]] = []
    row: list[str] = []
    for index, token in enumerate(stream):
        kind = token.type
        if kind == "bullet_list_open":
            lists.append(LIST_BULLET)
        elif kind == "ordered_list_open":
            lists.append(LIST_NUMBER)
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif kind == "heading_open":
            heading_level = int(token.tag[1:])
        elif kind == "heading_close":
            heading_level = 0
        elif kind == "table_open":
            table_rows = []
        elif kind == "tr_open":
            row = []
        elif kind == "tr_close":
            table_rows.append(row)
        elif kind == "table_close" and table_rows:
            width = max(len(cells) for cells in table_rows)
            table = document.add_table(rows=0, cols=width)
            table._tbl.tblPr.get_or_add_tblStyle().val = TABLE_GRID
            for number, cells in enumerate(table_rows):
                word_cells = table.add_row().cells
                for position, value in enumerate(cells):
                    word_cells[position].text = ""
                    word_cells[position].paragraphs[0].add_run(value).bold = number == 0 or None
        elif kind == "inline":
            previous = stream[index - 1].type if index else ""
            if previous in ("th_open", "td_open"):
                row.append(token.content)
                continue
            if heading_level:
                paragraph = _styled(document, "Heading3" if heading_level <= 3 else "Heading4")
            elif lists:
                paragraph = _styled(document, lists[-1])
            else:
                paragraph = document.add_paragraph()
            _inline(paragraph, list(token.children or []))


def _block(document: WordDocument, block: Block, labels: dict[int, str]) -> None:
    if isinstance(block, Paragraph):
        document.add_paragraph(block.text)
    elif isinstance(block, BulletList):
        for item in block.items:
            _styled(document, LIST_BULLET, item)
    elif isinstance(block, Prose):
        _prose(document, block.markdown)
    elif isinstance(block, Findings):
        heading = document.add_paragraph()
        heading.add_run(block.title).bold = True
        heading.paragraph_format.keep_with_next = True
        for finding in block.items:
            paragraph = _styled(document, LIST_BULLET)
            paragraph.add_run(finding.text)
            note = f" Kilde: {finding.source}." + (f" Se {finding.reference}." if finding.reference else "")
            source = paragraph.add_run(note)
            source.italic = True
            source.font.size = Pt(8)
    elif isinstance(block, Callout):
        paragraph = document.add_paragraph()
        title = paragraph.add_run(f"{block.title}: ")
        title.bold = True
        if block.tone == "warning":
            title.font.color.rgb = RGBColor(0xB4, 0x4D, 0x12)
        paragraph.add_run(block.text)
    elif isinstance(block, KeyFigureGrid):
        grid = document.add_table(rows=0, cols=2)
        grid._tbl.tblPr.get_or_add_tblStyle().val = TABLE_GRID
        for figure in block.figures:
            cells = grid.add_row().cells
            cells[0].text = figure.label + (f" ({figure.note})" if figure.note else "")
            cells[1].text = figure.value
            cells[1].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _source_line(document, f"Kilde: {block.source}, per {norwegian_date(block.as_of)}.")
    elif isinstance(block, Table):
        _table(document, block, labels)
    elif isinstance(block, Figure):
        caption = _styled(document, CAPTION, f"{labels[id(block)]}: {block.caption}")
        caption.paragraph_format.keep_with_next = True
        document.add_picture(io.BytesIO(to_png(untitled(block))), width=Cm(16))
        _source_line(document, f"Kilde: {block.source}, per {norwegian_date(block.as_of)}.")


def _styled(document: WordDocument, style_id: str, text: str = "") -> WordParagraph:
    """A paragraph with the style set by id: python-docx's lookup by name scans every style each time, which was
    a third of the Word file's build time."""
    paragraph = document.add_paragraph(text)
    paragraph._p.get_or_add_pPr().get_or_add_pStyle().val = style_id
    return paragraph


def _table(document: WordDocument, block: Table, labels: dict[int, str]) -> None:
    caption = _styled(document, CAPTION, f"{labels[id(block)]}: {block.caption}")
    caption.paragraph_format.keep_with_next = True
    align = block.alignment()
    widths = block.width_percent()
    size = Pt(8.5)
    body = [*block.rows, *block.total_rows]
    # All rows at once (one XML template) rather than add_row per row, and each cell written once.
    table = document.add_table(rows=1 + len(body), cols=len(block.columns))
    table._tbl.tblPr.get_or_add_tblStyle().val = TABLE_GRID
    rows = table.rows
    for index, (cell, column) in enumerate(zip(rows[0].cells, block.columns, strict=True)):
        run = cell.paragraphs[0].add_run(column)
        run.bold = True
        run.font.size = size
        run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
        _shade(cell, ACCENT_HEX)
        if widths is not None:
            cell.width = Cm(16 * widths[index] / 100)
    for row_number, row in enumerate(body):
        is_total = row_number >= len(block.rows)
        for index, (cell, value) in enumerate(zip(rows[row_number + 1].cells, row, strict=True)):
            paragraph = cell.paragraphs[0]
            run = paragraph.add_run(value)
            run.bold = is_total or None
            run.font.size = size
            if align[index]:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if widths is not None:
                cell.width = Cm(16 * widths[index] / 100)
    if block.note:
        _source_line(document, block.note)
    _source_line(document, f"Kilde: {block.source}, per {norwegian_date(block.as_of)}.")


def build_docx(doc: PlanDocument) -> WordDocument:
    document = Document()
    core = document.core_properties
    core.title = f"{doc.title} – {doc.organisation}"
    core.author = doc.organisation
    core.language = LANGUAGE
    core.comments = "Generert med legeplan"
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin = section.bottom_margin = Cm(2.2)
    normal = document.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10.5)
    _language(document)
    for level in (1, 2, 3):
        document.styles[f"Heading {level}"].font.color.rgb = RGBColor(0x0B, 0x4F, 0x6C)
    header = section.header.paragraphs[0]
    header.text = f"{doc.organisation} – {doc.title}"
    header.runs[0].font.size = Pt(8)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Side ")
    _field(footer, "PAGE", "1")
    footer.add_run(" av ")
    _field(footer, "NUMPAGES", "1")

    document.add_paragraph(doc.organisation.upper())
    document.add_heading(doc.title, level=0)
    if doc.subtitle:
        document.add_paragraph(doc.subtitle)
    facts = document.add_paragraph()
    facts.add_run(
        f"Datagrunnlag per {norwegian_date(doc.as_of)}. Utarbeidet {norwegian_date(doc.generated)}."
    ).italic = True
    facts.add_run().add_break(WD_BREAK.PAGE)
    document.add_paragraph("Innhold", style="TOC Heading" if "TOC Heading" in document.styles else "Heading 1")
    _field(
        document.add_paragraph(),
        'TOC \\o "1-2" \\h \\z \\u',
        "Høyreklikk og velg «Oppdater felt» for å vise innholdsfortegnelsen.",
    )
    document.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
    _update_fields_on_open(document)

    labels = numbering(doc)
    for number, chapter in enumerate(doc.chapters, start=1):
        heading = _styled(document, "Heading1", f"{number} {chapter.title}")
        # Every chapter on a new page, as in the PDF and the model plans; the first follows the contents' break.
        if number > 1:
            heading.paragraph_format.page_break_before = True
        for block in chapter.blocks:
            _block(document, block, labels)
        for section_number, chapter_section in enumerate(chapter.sections, start=1):
            _styled(document, "Heading2", f"{number}.{section_number} {chapter_section.title}")
            for block in chapter_section.blocks:
                _block(document, block, labels)
    return document
