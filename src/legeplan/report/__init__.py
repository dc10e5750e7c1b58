"""The plan document: charts, a format-neutral document model, the municipal plan builder and renderers.

Other report variants (the regional report in legeplan.region) build their own `PlanDocument` with
`variant="region"` and their own chapters, and reuse `render_html`, `render_pdf`, `render_docx` and the chart
functions unchanged.
"""

from legeplan.report.build import CHAPTERS, PlanInputs, build_plan
from legeplan.report.document import (
    Block,
    BulletList,
    Callout,
    Chapter,
    Figure,
    KeyFigure,
    KeyFigureGrid,
    Paragraph,
    PlanDocument,
    Section,
    Table,
)
from legeplan.report.render import ReportRenderError, render, render_docx, render_html, render_pdf
from legeplan.report.sources import LegevaktNorm

__all__ = [
    "CHAPTERS",
    "Block",
    "BulletList",
    "Callout",
    "Chapter",
    "Figure",
    "KeyFigure",
    "KeyFigureGrid",
    "LegevaktNorm",
    "Paragraph",
    "PlanDocument",
    "PlanInputs",
    "ReportRenderError",
    "Section",
    "Table",
    "build_plan",
    "render",
    "render_docx",
    "render_html",
    "render_pdf",
]
