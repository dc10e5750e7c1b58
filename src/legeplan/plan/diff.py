"""Line diff between two versions of a chapter's text (difflib), as rows a page shows in a table: each row has the
old and the new line with its number and whether it was kept, removed, added or changed; a changed line also carries
the changed words so the page can mark them with <del> and <ins>."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["same", "removed", "added", "changed"]
_WORDS = re.compile(r"\s+|\w+|[^\w\s]")


@dataclass(frozen=True)
class Piece:
    """A run of text within a changed line: kept, or only in the old / the new line."""

    text: str
    kind: Literal["same", "removed", "added"]


@dataclass(frozen=True)
class DiffRow:
    kind: Kind
    old_number: int | None
    old: tuple[Piece, ...]
    new_number: int | None
    new: tuple[Piece, ...]


def _word_diff(old: str, new: str) -> tuple[tuple[Piece, ...], tuple[Piece, ...]]:
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    left: list[Piece] = []
    right: list[Piece] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            left.append(Piece("".join(a[i1:i2]), "same"))
            right.append(Piece("".join(b[j1:j2]), "same"))
            continue
        if i2 > i1:
            left.append(Piece("".join(a[i1:i2]), "removed"))
        if j2 > j1:
            right.append(Piece("".join(b[j1:j2]), "added"))
    return tuple(left), tuple(right)


def line_diff(old: str, new: str, *, context: int | None = 3) -> list[DiffRow]:
    """The rows of a side-by-side diff. With `context`, unchanged lines further than that from a change are left
    out (an empty list means the texts are equal)."""
    a, b = old.splitlines(), new.splitlines()
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    groups = [matcher.get_opcodes()] if context is None else list(matcher.get_grouped_opcodes(context))
    if context is not None and a == b:
        return []
    rows: list[DiffRow] = []
    for group in groups:
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                for offset in range(i2 - i1):
                    line = (Piece(a[i1 + offset], "same"),)
                    rows.append(DiffRow("same", i1 + offset + 1, line, j1 + offset + 1, line))
                continue
            old_lines, new_lines = a[i1:i2], b[j1:j2]
            paired = min(len(old_lines), len(new_lines)) if tag == "replace" else 0
            for offset in range(paired):
                left, right = _word_diff(old_lines[offset], new_lines[offset])
                rows.append(DiffRow("changed", i1 + offset + 1, left, j1 + offset + 1, right))
            for offset in range(paired, len(old_lines)):
                rows.append(DiffRow("removed", i1 + offset + 1, (Piece(old_lines[offset], "removed"),), None, ()))
            for offset in range(paired, len(new_lines)):
                rows.append(DiffRow("added", None, (), j1 + offset + 1, (Piece(new_lines[offset], "added"),)))
    return rows
