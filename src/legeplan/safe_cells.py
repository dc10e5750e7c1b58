"""Spreadsheet exports never carry live formulas (CSV/formula injection).

A text value that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be run as a formula by
Excel or LibreOffice when the exported file is opened (``=HYPERLINK(...)``, ``=cmd|...``). In CSV such a value gets
a leading apostrophe (shown as text, the OWASP advice); in XLSX every text value is written as a text cell, never as
a formula, so it is shown exactly as typed.

`spreadsheet_csv` writes the CSV a Norwegian Excel opens straight into columns: `;` between fields (Excel in nb-NO
takes `,` as the decimal mark, so a comma-separated file lands in one column), decimal comma («7,5», never «7.5»,
which nb-NO Excel reads as text or a date), and UTF-8 with a byte order mark (without it Excel reads «Åse» as
«Ã…se»).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A CSV cell value: text that a spreadsheet would read as a formula gets a leading apostrophe (and so does text
    that already looks neutralised, so `restore` gives back exactly what was written)."""
    if isinstance(value, str) and (value.startswith(FORMULA_STARTS) or _looks_neutralised(value)):
        return "'" + value
    return value


def _looks_neutralised(value: str) -> bool:
    return value.startswith("'") and (value[1:].startswith(FORMULA_STARTS) or _looks_neutralised(value[1:]))


def restore(value: str) -> str:
    """A CSV cell as it was before `neutralise`: the guard's apostrophe removed, so export → import is lossless."""
    return value[1:] if _looks_neutralised(value) else value


def text_cells(sheet: Worksheet) -> None:
    """Make every cell openpyxl took for a formula (any text starting with ``=``) a plain text cell."""
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"


def decimal_comma(value: float) -> str:
    """7.5 -> «7,5», 33.0 -> «33», -0.25 -> «-0,25»: up to six decimals, no thousands separator (a spreadsheet reads
    «1 013» as text)."""
    shown = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if shown in ("-0", "") else shown.replace(".", ",")


def _csv_cell(value: object) -> object:
    if isinstance(value, float):
        return decimal_comma(value)
    if value is None:
        return ""
    return neutralise(value)


def spreadsheet_csv(header: Sequence[str], rows: Iterable[Sequence[object]], *, bom: bool = True) -> str:
    """CSV for a Norwegian spreadsheet: `;`-separated, decimal comma, text that looks like a formula neutralised,
    led by a byte order mark (U+FEFF) unless `bom` is False (for a terminal). Encode the result as UTF-8."""
    buffer = io.StringIO()
    if bom:
        buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    return buffer.getvalue()
