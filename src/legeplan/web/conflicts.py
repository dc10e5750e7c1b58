"""No lost update: the version a form was loaded with, and the conflict shown when someone saved in between.

Register entities carry a content version (a short hash of the entity as stored), checked against the stored entity
when the form comes back; the save itself is a compare-and-set on the municipality's register version
(`Storage.save_register(expected_version=…)`), so of many simultaneous saves exactly one wins. Scenarios carry a
row version (`WebStore.save_scenario(expected_version=…)`)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

#: How often a save is tried again when another save of the same register (another entity) came in between.
SAVE_RETRIES = 8


def entity_version(entity: BaseModel) -> str:
    """The version of a register entity as stored: changes whenever any of its values changes."""
    body = json.dumps(entity.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class ConflictRow:
    field: str
    label: str
    theirs: str
    yours: str

    @property
    def differs(self) -> bool:
        return self.theirs != self.yours


def conflict_rows(labels: dict[str, str], theirs: dict[str, Any], yours: dict[str, Any]) -> list[ConflictRow]:
    """Field by field: the value saved now and the value in the user's form (strings as the form shows them)."""

    def shown(value: Any) -> str:
        return "" if value is None else str(value)

    return [ConflictRow(name, label, shown(theirs.get(name)), shown(yours.get(name))) for name, label in labels.items()]
