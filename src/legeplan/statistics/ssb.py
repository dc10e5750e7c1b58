"""Client for SSB's statistics bank API, PxWebApi v2 (https://data.ssb.no/api/pxwebapi/v2).

`GET /tables/{id}/metadata?lang=no&outputFormat=json-stat2` gives every dimension and code of a table; legeplan
checks the codes it wants against it (a municipality number that no longer exists is named, not sent), resolves
`*` and «the newest N years» to explicit codes, and splits the query so that no extract has more cells than the
service allows (`maxDataCells`, 800 000 at SSB). Each part is
`GET /tables/{id}/data?lang=no&outputFormat=json-stat2&valueCodes[Region]=1804,18,0&...`; the parts are merged into
one dataset. Requests go through the throttle and retry of `legeplan.statistics.http`.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from legeplan.i18n import text
from legeplan.statistics.errors import ServiceError, UnknownCodeError, UnknownTableError
from legeplan.statistics.http import HttpService
from legeplan.statistics.jsonstat import Dataset, JsonStatFormatError, parse
from legeplan.statistics.tables import ALL, TableDef

DEFAULT_SSB_URL = "https://data.ssb.no/api/pxwebapi/v2"
#: SSB's published limits (GET /config): maxDataCells 800 000, maxCallsPerTimeWindow 30, timeWindow 60 s.
SSB_MAX_CELLS = 800_000
SSB_CALLS_PER_WINDOW = 30
SSB_WINDOW_S = 60.0
#: Send `*` instead of the code list when a whole long dimension is asked for (keeps URLs under ~2 000 chars).
WILDCARD_FROM = 20


def ssb_base_url(explicit: str | None = None) -> str:
    """--base-url, else LEGEPLAN_SSB_URL, else SSB's public API."""
    return explicit or os.environ.get("LEGEPLAN_SSB_URL") or DEFAULT_SSB_URL


def split_selection(selection: Mapping[str, Sequence[str]], max_cells: int) -> list[dict[str, tuple[str, ...]]]:
    """The selection as parts of at most `max_cells` cells each, splitting the dimension with most codes first.

    Together the parts cover exactly the cells of `selection`, each once."""
    if max_cells < 1:
        raise ValueError("max_cells må være minst 1")
    current = {name: tuple(codes) for name, codes in selection.items()}
    cells = math.prod(len(codes) for codes in current.values())
    if cells <= max_cells:
        return [current]
    name = max(current, key=lambda dim: len(current[dim]))
    codes = current[name]
    rest = cells // len(codes)
    size = max(1, max_cells // rest)
    parts: list[dict[str, tuple[str, ...]]] = []
    for start in range(0, len(codes), size):
        parts.extend(split_selection({**current, name: codes[start : start + size]}, max_cells))
    return parts


def _problem(response: httpx.Response) -> str:
    """The service's own explanation (RFC 7807 problem detail: title/detail), else the status line."""
    try:
        body: Any = response.json()
    except ValueError:
        body = None
    if isinstance(body, Mapping):
        parts = [str(body[key]) for key in ("title", "detail") if body.get(key)]
        if parts:
            return ": ".join(parts)
    return f"HTTP {response.status_code}"


@dataclass(frozen=True)
class FetchedTable:
    """One table as fetched: the merged dataset, the explicit query sent and how many extracts it took."""

    table: TableDef
    dataset: Dataset
    query: dict[str, tuple[str, ...]]
    parts: int
    url: str

    @property
    def latest_period(self) -> str | None:
        """The newest period with a value for the municipality (the first region asked for)."""
        region = self.table.region_dimension
        municipality = self.query[region][0]
        time_dim = self.table.time_dimension
        periods = [
            codes[time_dim]
            for codes, value in self.dataset.rows()
            if value is not None and codes.get(region) == municipality and time_dim in codes
        ]
        return max(periods) if periods else None


class PxWebClient(HttpService):
    """SSB PxWebApi v2. `max_cells`, `calls_per_window` and `window_s` default to SSB's published limits."""

    service_name = "SSB"

    def __init__(
        self,
        base_url: str | None = None,
        *,
        max_cells: int = SSB_MAX_CELLS,
        lang: str = "no",
        calls_per_window: int = SSB_CALLS_PER_WINDOW,
        window_s: float = SSB_WINDOW_S,
        **options: Any,
    ) -> None:
        super().__init__(ssb_base_url(base_url), calls_per_window=calls_per_window, window_s=window_s, **options)
        self.max_cells = max_cells
        self.lang = lang

    def _json(self, response: httpx.Response, table_id: str) -> object:
        try:
            return response.json()
        except ValueError as error:
            raise ServiceError(text("stats.error.not_json", service=self.service_name, table=table_id)) from error

    def metadata(self, table_id: str) -> Dataset:
        """Every dimension and code of a table (no values)."""
        response = self.get(f"tables/{table_id}/metadata", {"lang": self.lang, "outputFormat": "json-stat2"})
        if response.status_code == 404:
            raise UnknownTableError(text("stats.error.unknown_table", table=table_id))
        if response.status_code >= 400:
            raise ServiceError(text("stats.error.refused", table=table_id, problem=_problem(response)))
        try:
            return parse(self._json(response, table_id))
        except JsonStatFormatError as error:
            raise ServiceError(text("stats.error.bad_answer", table=table_id, problem=str(error))) from error

    def data(
        self, table_id: str, selection: Mapping[str, Sequence[str]], *, complete: Dataset | None = None
    ) -> tuple[Dataset, int]:
        """The cells of `selection` (explicit codes for every dimension), fetched in as many extracts as the cell
        limit needs and merged; returns the dataset and the number of extracts."""
        parts = split_selection(selection, self.max_cells)
        merged: Dataset | None = None
        for part in parts:
            params = {"lang": self.lang, "outputFormat": "json-stat2"}
            for name, codes in part.items():
                full = complete.dimension(name).codes if complete and complete.has_dimension(name) else None
                if full is not None and len(codes) >= WILDCARD_FROM and tuple(codes) == full:
                    params[f"valueCodes[{name}]"] = ALL
                else:
                    params[f"valueCodes[{name}]"] = ",".join(codes)
            response = self.get(f"tables/{table_id}/data", params)
            if response.status_code == 404:
                raise UnknownTableError(text("stats.error.unknown_table", table=table_id))
            if response.status_code >= 400:
                raise ServiceError(text("stats.error.refused", table=table_id, problem=_problem(response)))
            try:
                dataset = parse(self._json(response, table_id))
            except JsonStatFormatError as error:
                raise ServiceError(text("stats.error.bad_answer", table=table_id, problem=str(error))) from error
            merged = dataset if merged is None else merged.merged(dataset)
        assert merged is not None  # split_selection returns at least one part
        return merged, len(parts)

    def resolve(self, table: TableDef, metadata: Dataset, regions: Sequence[str]) -> dict[str, tuple[str, ...]]:
        """The explicit query for `table`: every dimension of the table with the codes to fetch. The first region
        (the municipality) must exist; comparison regions the table lacks are left out."""
        query: dict[str, tuple[str, ...]] = {}
        for name in table.selections:
            if not metadata.has_dimension(name):
                raise UnknownCodeError(
                    text(
                        "stats.error.no_dimension_in_table",
                        table=table.id,
                        dimension=name,
                        have=", ".join(metadata.ids),
                    )
                )
        for dimension in metadata.dimensions:
            if dimension.id == table.region_dimension:
                if regions[0] not in dimension.codes:
                    raise UnknownCodeError(text("stats.error.unknown_region", code=regions[0], table=table.id))
                query[dimension.id] = tuple(code for code in regions if code in dimension.codes)
            elif dimension.id == table.time_dimension:
                n = table.latest_years
                query[dimension.id] = dimension.codes if n is None else dimension.codes[-n:]
            else:
                wanted = table.selections.get(dimension.id, (ALL,))
                if ALL in wanted:
                    query[dimension.id] = dimension.codes
                    continue
                missing = [code for code in wanted if code not in dimension.codes]
                if missing:
                    raise UnknownCodeError(
                        text(
                            "stats.error.unknown_code",
                            codes=", ".join(missing),
                            dimension=dimension.id,
                            table=table.id,
                        )
                    )
                query[dimension.id] = tuple(wanted)
        if table.region_dimension not in query:
            raise UnknownCodeError(
                text(
                    "stats.error.no_dimension_in_table",
                    table=table.id,
                    dimension=table.region_dimension,
                    have=", ".join(metadata.ids),
                )
            )
        return query

    def fetch(self, table: TableDef, municipality: str, *, comparison: bool = True) -> FetchedTable:
        """`table` for a municipality (and its county and the country where the table has them)."""
        metadata = self.metadata(table.id)
        query = self.resolve(table, metadata, table.regions(municipality, comparison=comparison))
        dataset, parts = self.data(table.id, query, complete=metadata)
        if dataset.table_id is None:
            dataset = Dataset(
                label=dataset.label,
                dimensions=dataset.dimensions,
                cells=dataset.cells,
                updated=dataset.updated,
                source=dataset.source,
                table_id=table.id,
                notes=dataset.notes,
                roles=dataset.roles,
            )
        return FetchedTable(table, dataset, query, parts, f"{self.base_url}/tables/{table.id}/data")
