"""The plan document: charts, a format-neutral document model, the municipal plan builder and renderers.

Layout: `inputs` (PlanInputs), `facts` (the quantities every chapter shares, computed once from the engines),
`chapters/<one module per chapter>` (data calls and layout, each returns a `Chapter`), `build` (assembles the
`PlanDocument`), `render/{html,pdf,docx}` (one built document, three formats). Other report variants (the regional
report in legeplan.region) build their own `PlanDocument` with `variant="region"` and reuse the renderers.
"""

from legeplan.report.build import CHAPTERS, build_plan
from legeplan.report.document import (
    Block,
    BulletList,
    Callout,
    Chapter,
    Figure,
    FindingItem,
    Findings,
    KeyFigure,
    KeyFigureGrid,
    Paragraph,
    PlanDocument,
    Prose,
    Section,
    Table,
)
from legeplan.report.inputs import PlanInputs
from legeplan.report.norm import LegevaktNorm
from legeplan.report.render import ReportRenderError, render, render_docx, render_html, render_pdf

__all__ = [
    "CHAPTERS",
    "Block",
    "BulletList",
    "Callout",
    "Chapter",
    "Figure",
    "FindingItem",
    "Findings",
    "KeyFigure",
    "KeyFigureGrid",
    "LegevaktNorm",
    "Paragraph",
    "PlanDocument",
    "PlanInputs",
    "Prose",
    "ReportRenderError",
    "Section",
    "Table",
    "build_plan",
    "render",
    "render_docx",
    "render_html",
    "render_pdf",
]
