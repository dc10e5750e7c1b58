"""Text rules for everything a user or a file gives us, below the web and the jobs that both use them: Unicode NFC,
no control, zero-width or bidirectional-override characters (they hide or reorder text on screen), one line unless
the field is a textarea, and a maximum length per field (`FIELD_LIMITS`, else `DEFAULT_MAX_LENGTH`)."""

from __future__ import annotations

import re
import unicodedata

from legeplan.i18n import text

DEFAULT_MAX_LENGTH = 500
#: Longest accepted value per form field name.
FIELD_LIMITS: dict[str, int] = {
    "username": 40,
    "password": 256,
    "current_password": 256,
    "new_password": 256,
    "name": 200,
    "address": 300,
    "id": 64,
    "old_id": 64,
    "csrf_token": 100,
    "token": 100,
    "municipality_code": 4,
    "role": 20,
    # the plan (legeplan.web.routes.plan): a chapter's Markdown, høring comments and answers
    "markdown": 100_000,
    "comment": 20_000,
    "answer": 20_000,
    "sender": 200,
    "case_number": 50,
}
#: Fields whose value may hold line breaks (textareas); every other field is one line.
MULTILINE_FIELDS = frozenset({"markdown", "comment", "answer"})
PASSWORD_FIELDS = frozenset({"password", "current_password", "new_password"})
# C0/C1 controls (tab, newline and carriage return are checked separately), zero-width and bidi-override characters.
FORBIDDEN_CHARACTERS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)
LINE_BREAKS = re.compile("[\t\n\r\u2028\u2029\x85]")


class InputError(ValueError):
    """A value breaks an input rule; the message is a Norwegian sentence."""


def clean_text(value: str, max_length: int = DEFAULT_MAX_LENGTH, *, multiline: bool = False) -> str:
    """The value NFC-normalised; raises InputError for control characters or a value that is too long."""
    value = unicodedata.normalize("NFC", value)
    if FORBIDDEN_CHARACTERS.search(value) or (not multiline and LINE_BREAKS.search(value)):
        raise InputError(text("input.control"))
    if len(value) > max_length:
        raise InputError(text("input.too_long", limit=max_length))
    return value


def clean_field(name: str, value: str) -> str:
    """`clean_text` with the field's own limit; passwords are checked but never changed."""
    limit = FIELD_LIMITS.get(name, DEFAULT_MAX_LENGTH)
    if name in PASSWORD_FIELDS:
        if FORBIDDEN_CHARACTERS.search(value) or LINE_BREAKS.search(value):
            raise InputError(text("input.control"))
        if len(value) > limit:
            raise InputError(text("input.too_long", limit=limit))
        return value
    return clean_text(value, limit, multiline=name in MULTILINE_FIELDS)


def clean_tree(value: object, path: str = "") -> tuple[object, list[tuple[str, str]]]:
    """Every string in a JSON-like tree through `clean_field` (named by its key): the cleaned tree and a list of
    (path, problem). Used for imported registers, whose names never pass through a form."""
    problems: list[tuple[str, str]] = []
    if isinstance(value, str):
        name = path.rsplit(".", 1)[-1]
        try:
            return clean_field(name, value), problems
        except InputError as error:
            return value, [(path, str(error))]
    if isinstance(value, dict):
        out: dict[str, object] = {}
        for key, item in value.items():
            out[key], found = clean_tree(item, f"{path}.{key}" if path else str(key))
            problems.extend(found)
        return out, problems
    if isinstance(value, list | tuple):
        items = []
        for index, item in enumerate(value):
            key = item.get("id") if isinstance(item, dict) else None
            cleaned, found = clean_tree(item, f"{path}[{key if key is not None else index}]")
            items.append(cleaned)
            problems.extend(found)
        return items, problems
    return value, problems
