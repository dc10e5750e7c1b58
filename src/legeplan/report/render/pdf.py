"""The plan as an A4 PDF through WeasyPrint, from the same HTML as the web page."""

from __future__ import annotations

from pathlib import Path

from legeplan.report.document import PlanDocument
from legeplan.report.render.common import ProgressCallback, ReportRenderError, check_target, noop
from legeplan.report.render.html import render_html


def render_pdf(doc: PlanDocument, path: Path, progress: ProgressCallback | None = None) -> None:
    """The plan as an A4 PDF, with page headers, page numbers and a table of contents.

    The file is written only when layout succeeded, so a failure never leaves half a PDF behind."""
    from weasyprint import HTML  # imported late: pango is loaded only when a PDF is asked for

    report = progress or noop
    path = Path(path)
    check_target(path, ".pdf")
    report(1, 3, "Lager HTML og figurer")
    html = render_html(doc, inline_svg=False)
    report(2, 3, "Setter sider (WeasyPrint)")
    rendered = HTML(string=html, base_url=str(path.parent)).render()
    report(3, 3, f"Skriver {len(rendered.pages)} sider")
    pdf = rendered.write_pdf()
    if pdf is None:
        raise ReportRenderError(f"{path}: WeasyPrint produced no PDF")
    path.write_bytes(pdf)
