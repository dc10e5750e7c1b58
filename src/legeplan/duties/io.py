"""Read institution lists (TOML or JSON) for the duties engine; the Bodø nursing homes ship as a demo."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from legeplan.documents import read_document
from legeplan.i18n import validation_message
from legeplan.register.models import Institution


class DutiesInputError(ValueError):
    """Bad institution file; the message names the file, the row and the field."""


def parse_institutions(data: Any, origin: str) -> tuple[Institution, ...]:
    """Institutions from a mapping with `institutions` (list) and optional `municipality_code` default."""
    if not isinstance(data, dict) or not isinstance(data.get("institutions"), list):
        raise DutiesInputError(f"{origin}: forventer en liste «institutions»")
    default_code = data.get("municipality_code")
    units: list[Institution] = []
    for row, raw in enumerate(data["institutions"], start=1):
        if not isinstance(raw, dict):
            raise DutiesInputError(f"{origin}: institusjon nr. {row} er ikke en tabell")
        values = dict(raw)
        if default_code is not None:
            values.setdefault("municipality_code", str(default_code))
        try:
            units.append(Institution.model_validate(values))
        except ValidationError as error:
            first = error.errors()[0]
            field = ".".join(str(part) for part in first["loc"])
            raise DutiesInputError(
                f"{origin}: institusjon nr. {row}, felt «{field}»: {validation_message(first)}"
            ) from error
    ids = [unit.id for unit in units]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise DutiesInputError(f"{origin}: samme id brukt flere ganger: {', '.join(duplicates)}")
    return tuple(units)


def load_institutions(path: Path) -> tuple[Institution, ...]:
    """Institutions from a .toml or .json file."""
    return parse_institutions(read_document(path, DutiesInputError), str(path))


DEMO_SOURCE = "Plan for legetjenesten i Bodø 2022–2025, Bodø kommune"


def demo_institutions() -> tuple[Institution, ...]:
    """Bodø's nursing homes from its plan: 11 units, Stadiontunet 22.5 h / 56 places."""
    text = resources.files("legeplan.duties").joinpath("data/bodo_sykehjem.json").read_text(encoding="utf-8")
    return parse_institutions(json.loads(text), "bodo_sykehjem.json")
