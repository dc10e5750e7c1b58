"""Search, filter, sort and pages for the register lists (issue #16): done on the server, so the lists work without
script, stay fast with thousands of rows (only one page is rendered) and the URL says what is shown."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum
from urllib.parse import urlencode

from pydantic import BaseModel

from legeplan.i18n import choice_label, number, text
from legeplan.register.models import Physician, Position, Register
from legeplan.web.forms import FormField

PAGE_SIZE = 50
MAX_QUERY_LENGTH = 100
STATUSES = ("active", "left", "all")


@dataclass(frozen=True)
class ListQuery:
    """What the user asked to see; every value already checked (unknown ones fall back to the default)."""

    search: str = ""
    status: str = "active"
    role: str = ""
    office: str = ""
    sort: str = ""
    descending: bool = False
    page: int = 1

    def link(self, **changes: object) -> str:
        """The query string for this view with some values changed (page back to 1 unless given)."""
        values: dict[str, object] = {
            "q": self.search,
            "status": self.status,
            "role": self.role,
            "office": self.office,
            "sort": self.sort,
            "desc": "1" if self.descending else "",
            "page": 1,
        }
        values.update(changes)
        return urlencode({key: value for key, value in values.items() if value not in ("", None, 1) or key == "page"})


@dataclass(frozen=True)
class ListPage:
    rows: list[dict[str, str]]
    total: int
    shown_from: int
    shown_to: int
    page: int
    pages: int
    roles: list[str]
    offices: list[tuple[str, str]]


def _fold(value: str) -> str:
    """Case- and accent-insensitive form for search: «Ødegård» is found by «ødegard» and «ODEGARD»."""
    return unicodedata.normalize("NFKD", value).casefold().replace("ø", "o").replace("æ", "ae")


def parse_query(params: Mapping[str, str], fields: Sequence[FormField]) -> ListQuery:
    names = {f.name for f in fields}
    try:
        page = max(1, min(10_000, int(params.get("page", "1") or "1")))
    except ValueError:
        page = 1
    status = params.get("status", "active")
    return ListQuery(
        search=params.get("q", "")[:MAX_QUERY_LENGTH].strip(),
        status=status if status in STATUSES else "active",
        role=params.get("role", "")[:40],
        office=params.get("office", "")[:40],
        sort=params.get("sort", "") if params.get("sort", "") in names else "",
        descending=params.get("desc", "") == "1",
        page=page,
    )


def display_value(value: object) -> str:
    """One cell as a reader expects it: 1 013, 7,5, 01.01.2001, Ja/Nei, choice labels."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return text("yes") if value else text("no")
    if isinstance(value, Enum):
        return choice_label(str(value.value))
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, int | float):
        return number(value)
    return str(value)


def form_number(value: float | int) -> str:
    """A number as it stands in a form field, read back by `read_form_number`: 1013 -> '1 013', 0.07 -> '0,07'."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}".replace(",", " ")
    sign = "-" if value < 0 else ""
    whole, _, fraction = f"{abs(value):.10f}".rstrip("0").partition(".")
    return sign + f"{int(whole):,}".replace(",", " ") + ("," + fraction if fraction else "")


def read_form_number(raw: str) -> str:
    """A Norwegian number from a form ('1 013', '0,07', '1\u00a0013') as Python reads it ('1013', '0.07')."""
    cleaned = raw.strip().replace("\u2212", "-")
    for space in (" ", "\u00a0", "\u202f", "\u2009"):
        cleaned = cleaned.replace(space, "")
    return cleaned.replace(",", ".")


def _sort_key(value: object) -> tuple[int, float, str]:
    if value is None:
        return (1, 0.0, "")
    if isinstance(value, bool):
        return (0, float(value), "")
    if isinstance(value, int | float):
        return (0, float(value), "")
    if isinstance(value, date):
        return (0, float(value.toordinal()), "")
    return (0, 0.0, _fold(str(value.value if isinstance(value, Enum) else value)))


def _office_of(entity: BaseModel, positions: Mapping[str, Position]) -> str | None:
    if isinstance(entity, Position):
        return entity.office_id
    if isinstance(entity, Physician) and entity.position_id is not None and entity.position_id in positions:
        return positions[entity.position_id].office_id
    return None


def list_page(register: Register, kind: str, fields: Sequence[FormField], query: ListQuery) -> ListPage:
    """The rows of one page after search, filters and sorting, as display strings plus the row's id."""
    entities: list[BaseModel] = list(getattr(register, kind))
    positions = {p.id: p for p in register.positions}
    roles = sorted({str(e.role.value) for e in entities if isinstance(e, Physician)})
    office_names = {o.id: o.name for o in register.offices}
    offices = sorted(
        {(o, office_names.get(o, o)) for e in entities if (o := _office_of(e, positions)) is not None},
        key=lambda pair: _fold(pair[1]),
    )
    if kind == "physicians" and query.status != "all":
        active = query.status == "active"
        entities = [e for e in entities if isinstance(e, Physician) and e.active_at(register.as_of) == active]
    if query.role:
        entities = [e for e in entities if isinstance(e, Physician) and e.role.value == query.role]
    if query.office:
        entities = [e for e in entities if _office_of(e, positions) == query.office]
    rows = [
        (e, {f.name: display_value(getattr(e, f.name, None)) for f in fields} | {"id": str(getattr(e, "id", ""))})
        for e in entities
    ]
    if query.search:
        needle = _fold(query.search)
        rows = [(e, row) for e, row in rows if any(needle in _fold(value) for value in row.values())]
    if query.sort:
        rows.sort(key=lambda pair: _sort_key(getattr(pair[0], query.sort, None)), reverse=query.descending)
    total = len(rows)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(query.page, pages)
    start = (page - 1) * PAGE_SIZE
    shown = [row for _, row in rows[start : start + PAGE_SIZE]]
    return ListPage(shown, total, start + 1 if total else 0, start + len(shown), page, pages, roles, offices)


ID_PREFIXES = {"offices": "K", "positions": "H", "physicians": "L", "institutions": "I"}


def next_id(register: Register, kind: str) -> str:
    """The next free id of a kind: the prefix its ids use (L for leger …) and one more than the highest number."""
    ids = [str(getattr(e, "id", "")) for e in getattr(register, kind)]
    prefix = ID_PREFIXES.get(kind, "")
    numbers = [int(i[len(prefix) :]) for i in ids if i.startswith(prefix) and i[len(prefix) :].isdigit()]
    width = max((len(i) - len(prefix) for i in ids if i.startswith(prefix)), default=3)
    candidate = max(numbers, default=0) + 1
    while f"{prefix}{candidate:0{width}d}" in ids:
        candidate += 1
    return f"{prefix}{candidate:0{width}d}"


def reference_choices(register: Register) -> dict[str, list[tuple[str, str]]]:
    """Fields that point at another row, with the rows to choose from (id, readable label)."""
    offices = {o.id: o.name for o in register.offices}
    holders: dict[str, str] = {
        d.position_id: d.name for d in register.physicians if d.position_id and d.active_at(register.as_of)
    }
    return {
        "office_id": [(o.id, o.name) for o in register.offices],
        "position_id": [
            (
                p.id,
                f"{p.id} – {offices.get(p.office_id or '', '')}" + (f" ({holders[p.id]})" if p.id in holders else ""),
            )
            for p in register.positions
        ],
    }
