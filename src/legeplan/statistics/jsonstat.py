"""A small JSON-stat 2.0 reader and writer without pandas: what SSB's PxWebApi v2 returns as `json-stat2`.

A dataset is a cube: `id` names the dimensions in order, `size` their lengths, `dimension.<id>.category.index`
the category codes (a list, or a mapping code -> position) with optional `label`s, and `value` the cells in
row-major order (the last dimension varies fastest; a list, or a sparse mapping "position" -> value). This module
turns that into `Dataset` (cells keyed by a tuple of category codes), merges the parts of a query that was split to
respect SSB's cell limit, and writes a dataset back as JSON-stat 2.0 (so the cache and pyjstat read the same thing).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from legeplan.i18n import text

JsonObject = dict[str, object]


class JsonStatFormatError(ValueError):
    """A document that is not a readable JSON-stat 2.0 dataset (the message is Norwegian)."""


@dataclass(frozen=True)
class Dimension:
    """One dimension: its id (e.g. `Region`), label, category codes in order and their labels."""

    id: str
    label: str
    codes: tuple[str, ...]
    labels: Mapping[str, str] = field(default_factory=dict)

    def label_of(self, code: str) -> str:
        return self.labels.get(code, code)


@dataclass(frozen=True)
class Dataset:
    """A JSON-stat 2.0 dataset as cells keyed by category codes, one code per dimension in `dimensions` order."""

    label: str
    dimensions: tuple[Dimension, ...]
    cells: Mapping[tuple[str, ...], float | None]
    updated: str | None = None
    source: str | None = None
    table_id: str | None = None
    notes: tuple[str, ...] = ()
    roles: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(d.id for d in self.dimensions)

    def dimension(self, dimension_id: str) -> Dimension:
        for dimension in self.dimensions:
            if dimension.id == dimension_id:
                return dimension
        raise KeyError(text("stats.error.no_dimension", dimension=dimension_id, have=", ".join(self.ids)))

    def has_dimension(self, dimension_id: str) -> bool:
        return dimension_id in self.ids

    @property
    def cell_count(self) -> int:
        return math.prod(len(d.codes) for d in self.dimensions)

    def rows(self) -> Iterator[tuple[dict[str, str], float | None]]:
        """Every cell as ({dimension id: code}, value), in the dataset's order."""
        for key, value in self.cells.items():
            yield dict(zip(self.ids, key, strict=True)), value

    def value(self, **codes: str) -> float | None:
        """The value of the cell with these codes (every dimension named); None for a missing value."""
        key = tuple(codes[d] for d in self.ids)
        return self.cells.get(key)

    def total(self, **fixed: str) -> float | None:
        """Sum over every cell whose codes match `fixed` (dimensions left out are summed over); None if none has a
        value."""
        positions = {self.ids.index(name): code for name, code in fixed.items()}
        values = [
            value
            for key, value in self.cells.items()
            if value is not None and all(key[i] == code for i, code in positions.items())
        ]
        return sum(values) if values else None

    def merged(self, other: Dataset) -> Dataset:
        """This dataset and `other` (the same dimensions, e.g. another slice of the same query) as one: categories
        are the union in first-seen order, cells from `other` win where both have one."""
        if self.ids != other.ids:
            raise JsonStatFormatError(text("stats.error.merge", left=", ".join(self.ids), right=", ".join(other.ids)))
        dimensions = []
        for mine, theirs in zip(self.dimensions, other.dimensions, strict=True):
            codes = tuple(dict.fromkeys((*mine.codes, *theirs.codes)))
            dimensions.append(Dimension(mine.id, mine.label, codes, {**theirs.labels, **mine.labels}))
        return Dataset(
            label=self.label,
            dimensions=tuple(dimensions),
            cells={**self.cells, **other.cells},
            updated=max(filter(None, (self.updated, other.updated)), default=None),
            source=self.source or other.source,
            table_id=self.table_id or other.table_id,
            notes=tuple(dict.fromkeys((*self.notes, *other.notes))),
            roles=self.roles or other.roles,
        )

    def to_jsonstat(self) -> JsonObject:
        """The dataset as a JSON-stat 2.0 document (dense `value` list, row-major)."""
        sizes = [len(d.codes) for d in self.dimensions]
        values: list[float | None] = []
        for key in _product([d.codes for d in self.dimensions]):
            values.append(self.cells.get(key))
        document: JsonObject = {
            "version": "2.0",
            "class": "dataset",
            "label": self.label,
            "source": self.source or "Statistisk sentralbyrå",
            "id": list(self.ids),
            "size": sizes,
            "dimension": {
                d.id: {
                    "label": d.label,
                    "category": {
                        "index": {code: n for n, code in enumerate(d.codes)},
                        "label": {code: d.label_of(code) for code in d.codes},
                    },
                }
                for d in self.dimensions
            },
            "value": values,
        }
        if self.updated:
            document["updated"] = self.updated
        if self.notes:
            document["note"] = list(self.notes)
        if self.roles:
            document["role"] = {role: list(ids) for role, ids in self.roles.items()}
        if self.table_id:
            document["extension"] = {"px": {"tableid": self.table_id}}
        return document


def _product(code_lists: Sequence[Sequence[str]]) -> Iterator[tuple[str, ...]]:
    """Row-major order: the last dimension varies fastest (like itertools.product)."""
    if not code_lists:
        yield ()
        return
    for head in code_lists[0]:
        for tail in _product(code_lists[1:]):
            yield (head, *tail)


def _codes(category: Mapping[str, object], size: int, dimension_id: str) -> tuple[str, ...]:
    index = category.get("index")
    labels = category.get("label")
    if index is None:
        # A single-category dimension may give only a label mapping.
        if isinstance(labels, Mapping) and len(labels) == size:
            return tuple(str(code) for code in labels)
        raise JsonStatFormatError(text("stats.error.jsonstat_dimension", dimension=dimension_id))
    if isinstance(index, list):
        codes = tuple(str(code) for code in index)
    elif isinstance(index, Mapping):
        ordered = sorted(index.items(), key=lambda item: _position(item[1], dimension_id))
        codes = tuple(str(code) for code, _ in ordered)
    else:
        raise JsonStatFormatError(text("stats.error.jsonstat_dimension", dimension=dimension_id))
    if len(codes) != size:
        raise JsonStatFormatError(
            text("stats.error.jsonstat_size", dimension=dimension_id, size=size, found=len(codes))
        )
    return codes


def _is_count(value: object) -> bool:
    """A dimension size: a whole number ≥ 0 (not a bool, not a float or text)."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _position(value: object, dimension_id: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise JsonStatFormatError(text("stats.error.jsonstat_dimension", dimension=dimension_id))
    return value


def _number(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise JsonStatFormatError(text("stats.error.jsonstat_value", value=repr(value)))
    return float(value)


def parse(document: object) -> Dataset:
    """A JSON-stat 2.0 dataset (a parsed JSON object); metadata responses without `value` give empty cells."""
    if not isinstance(document, Mapping) or document.get("class") != "dataset":
        raise JsonStatFormatError(text("stats.error.jsonstat"))
    ids = document.get("id")
    sizes = document.get("size")
    dimensions_doc = document.get("dimension")
    if not isinstance(ids, list) or not isinstance(sizes, list) or not isinstance(dimensions_doc, Mapping):
        raise JsonStatFormatError(text("stats.error.jsonstat"))
    if len(ids) != len(sizes) or not all(isinstance(i, str) for i in ids) or not all(_is_count(n) for n in sizes):
        raise JsonStatFormatError(text("stats.error.jsonstat"))
    dimensions = []
    for dimension_id, size in zip(ids, sizes, strict=True):
        entry = dimensions_doc.get(dimension_id)
        if not isinstance(entry, Mapping) or not isinstance(entry.get("category"), Mapping):
            raise JsonStatFormatError(text("stats.error.jsonstat_dimension", dimension=dimension_id))
        category = entry["category"]
        codes = _codes(category, int(size), str(dimension_id))
        raw_labels = category.get("label")
        labels = {str(k): str(v) for k, v in raw_labels.items()} if isinstance(raw_labels, Mapping) else {}
        dimensions.append(Dimension(str(dimension_id), str(entry.get("label", dimension_id)), codes, labels))
    cells: dict[tuple[str, ...], float | None] = {}
    raw_values = document.get("value")
    keys = list(_product([d.codes for d in dimensions]))
    if isinstance(raw_values, list):
        if len(raw_values) != len(keys):
            raise JsonStatFormatError(text("stats.error.jsonstat_values", expected=len(keys), found=len(raw_values)))
        cells = {key: _number(value) for key, value in zip(keys, raw_values, strict=True)}
    elif isinstance(raw_values, Mapping):
        cells = dict.fromkeys(keys)
        for position, value in raw_values.items():
            n = int(position) if isinstance(position, str) and position.isascii() and position.isdigit() else -1
            if not 0 <= n < len(keys):
                raise JsonStatFormatError(text("stats.error.jsonstat_values", expected=len(keys), found=n + 1))
            cells[keys[n]] = _number(value)
    elif raw_values is not None:
        raise JsonStatFormatError(text("stats.error.jsonstat"))
    extension = document.get("extension")
    px = extension.get("px") if isinstance(extension, Mapping) else None
    table_id = str(px["tableid"]) if isinstance(px, Mapping) and px.get("tableid") else None
    notes_raw = document.get("note")
    notes = tuple(str(n) for n in notes_raw) if isinstance(notes_raw, list) else ()
    roles_raw = document.get("role")
    roles = (
        {str(role): tuple(str(i) for i in ids_) for role, ids_ in roles_raw.items() if isinstance(ids_, list)}
        if isinstance(roles_raw, Mapping)
        else {}
    )
    updated = document.get("updated")
    source = document.get("source")
    return Dataset(
        label=str(document.get("label", "")),
        dimensions=tuple(dimensions),
        cells=cells,
        updated=str(updated) if updated else None,
        source=str(source) if source else None,
        table_id=table_id,
        notes=notes,
        roles=roles,
    )
