"""What the three renderers share: the error type, the progress callback and the target check."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from legeplan.report.charts import ChartSpec
from legeplan.report.document import Figure

#: Called with (step number, total steps, Norwegian description) while a PDF or DOCX is produced.
ProgressCallback = Callable[[int, int, str], None]


class ReportRenderError(RuntimeError):
    """The output file could not be written (unknown extension, folder missing, renderer failure)."""


def noop(_step: int, _total: int, _text: str) -> None:
    return None


def check_target(path: Path, suffix: str) -> None:
    if path.suffix.lower() != suffix:
        raise ReportRenderError(f"{path}: expected a {suffix} file")
    if not path.parent.exists():
        raise ReportRenderError(f"{path.parent}: folder does not exist")


def untitled(figure: Figure) -> ChartSpec:
    """The chart without its own title: in the plan the numbered caption above it says the same."""
    return figure.chart.model_copy(update={"title": ""})
