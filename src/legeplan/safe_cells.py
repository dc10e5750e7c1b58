"""Spreadsheet exports never carry live formulas (CSV/formula injection).

A text value that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be run as a formula by
Excel or LibreOffice when the exported file is opened (``=HYPERLINK(...)``, ``=cmd|...``). In CSV such a value gets
a leading apostrophe (shown as text, the OWASP advice); in XLSX every text value is written as a text cell, never as
a formula, so it is shown exactly as typed.
"""

from __future__ import annotations

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
