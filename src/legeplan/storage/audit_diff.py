"""Field-level differences for the audit log: only what changed, before and after.

Lists of records with an ``id`` (offices, positions, physicians …) are compared record by record, so a changed name
in a 68-physician register is logged as one field of one physician, not as the whole register twice.
"""

from __future__ import annotations

from typing import Any

#: Marks a record or key that did not exist on one side.
ABSENT = None


def _keyed(items: list[Any]) -> dict[str, Any] | None:
    """A list of records with unique ``id`` keys as {id: record}; None when the list is not like that."""
    if not items or not all(isinstance(i, dict) and "id" in i for i in items):
        return None
    keyed = {str(i["id"]): i for i in items}
    return keyed if len(keyed) == len(items) else None


def changes(before: Any, after: Any) -> tuple[Any, Any]:
    """(what it was, what it became), holding only the parts that differ; (None, None) when nothing changed.

    Dicts are compared key by key, lists of records by their ``id``; anything else is compared whole."""
    if before == after:
        return None, None
    if isinstance(before, list) and isinstance(after, list):
        keyed_before, keyed_after = _keyed(before), _keyed(after)
        if (keyed_before is not None or not before) and (keyed_after is not None or not after):
            return changes(keyed_before or {}, keyed_after or {})
        return before, after
    if isinstance(before, dict) and isinstance(after, dict):
        old: dict[str, Any] = {}
        new: dict[str, Any] = {}
        for key in [*before, *(k for k in after if k not in before)]:
            if key not in after:
                old[key], new[key] = before[key], ABSENT
            elif key not in before:
                old[key], new[key] = ABSENT, after[key]
            elif before[key] != after[key]:
                old[key], new[key] = changes(before[key], after[key])
        return old, new
    return before, after


def flatten(before: Any, after: Any, prefix: str = "") -> list[tuple[str, Any, Any]]:
    """The changes as (path, before, after) rows for display: ``physicians.L3.name``, ``Ola`` → ``Kari``."""
    if isinstance(before, dict) and isinstance(after, dict) and set(before) == set(after):
        rows: list[tuple[str, Any, Any]] = []
        for key in before:
            rows.extend(flatten(before[key], after[key], f"{prefix}.{key}" if prefix else str(key)))
        return rows
    if isinstance(before, dict) and after is None and prefix == "":
        return [(str(k), v, None) for k, v in before.items()]
    if isinstance(after, dict) and before is None and prefix == "":
        return [(str(k), None, v) for k, v in after.items()]
    return [(prefix, before, after)]
