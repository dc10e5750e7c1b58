"""Renderers of one built `PlanDocument`: HTML (Jinja2, self-contained), PDF (WeasyPrint over the same HTML) and
DOCX (python-docx). `render` picks the format from the file extension."""

from __future__ import annotations

from pathlib import Path

from legeplan.report.document import PlanDocument
from legeplan.report.render.common import ProgressCallback, ReportRenderError, noop
from legeplan.report.render.docx import render_docx
from legeplan.report.render.html import render_html
from legeplan.report.render.pdf import render_pdf


def render(doc: PlanDocument, path: Path, progress: ProgressCallback | None = None) -> None:
    """Dispatch on the file extension: .html, .pdf or .docx."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        if not path.parent.exists():
            raise ReportRenderError(f"{path.parent}: folder does not exist")
        (progress or noop)(1, 1, "Skriver HTML")
        path.write_text(render_html(doc), encoding="utf-8")
    elif suffix == ".pdf":
        render_pdf(doc, path, progress)
    elif suffix == ".docx":
        render_docx(doc, path, progress)
    else:
        raise ReportRenderError(f"{path}: unknown format {suffix or '(none)'}; use .html, .pdf or .docx")


__all__ = ["ProgressCallback", "ReportRenderError", "render", "render_docx", "render_html", "render_pdf"]
