"""Fetch a municipality's official statistics into the cache and tell what changed since the last fetch.

`fetch_statistics(store, "1804")` gets every table in `DEFAULT_TABLES` (and KUHR fee-code use) unless the cache
already has it; `refresh=True` fetches again. The report names each table's status (fetched, from the cache, or
the Norwegian reason it failed), its data date, and the figures that changed (e.g. «Folkemengde 2024: 13 412 →
13 390»). Later runs read the cache and need no network.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from legeplan.i18n import text
from legeplan.statistics.errors import OfflineError, StatisticsError, UnknownCodeError, UnknownTableError
from legeplan.statistics.jsonstat import Dataset, parse
from legeplan.statistics.kuhr import CONSULTATION_CODES, KuhrClient, consultations_by_year
from legeplan.statistics.ssb import FetchedTable, PxWebClient
from legeplan.statistics.tables import DEFAULT_TABLES, TABLES, TableDef, TableKind, candidates, table
from legeplan.storage.statistics_tables import CachedTable, StatisticsStore

SSB = "ssb"
KUHR = "kuhr"
KUHR_TABLE = "takstbruk"
KUHR_YEARS = 5


class Status(StrEnum):
    FETCHED = "hentet"
    CACHED = "hurtigbuffer"
    FAILED = "feil"


@dataclass(frozen=True)
class Change:
    label: str
    before: float | None
    after: float | None

    @property
    def text(self) -> str:
        return f"{self.label}: {_figure(self.before)} → {_figure(self.after)}"


@dataclass(frozen=True)
class TableReport:
    table_id: str
    title: str
    status: Status
    data_date_text: str = ""
    parts: int = 0
    changes: tuple[Change, ...] = ()
    message: str = ""
    fetched_at: str = ""
    first_fetch: bool = False

    @property
    def citation(self) -> str:
        source = "KUHR (NAV/Helfo)" if self.table_id == KUHR_TABLE else "SSB tabell"
        name = f"{source} {self.table_id}" if self.table_id != KUHR_TABLE else f"{source} takstbruk"
        return f"{name} ({self.data_date_text})" if self.data_date_text else name


@dataclass(frozen=True)
class FetchReport:
    municipality: str
    tables: tuple[TableReport, ...] = field(default_factory=tuple)
    requests: int = 0
    retried: int = 0
    waited_s: float = 0.0

    @property
    def ok(self) -> bool:
        return all(t.status is not Status.FAILED for t in self.tables)


def _figure(value: float | None) -> str:
    if value is None:
        return "–"
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", "\u00a0")
    return f"{value:,.1f}".replace(",", "\u00a0").replace(".", ",")


def parse_date_text(value: str) -> date | None:
    """date(2024, 1, 1) for '1.1.2024'; None for a plain year or other text."""
    if match := re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", value.strip()):
        day, month, year = (int(g) for g in match.groups())
        return date(year, month, day)
    return None


def data_period(table_def: TableDef, fetched: FetchedTable) -> str | None:
    """The period a table's figures are «as of»: the newest year, or for a projection its first year."""
    if table_def.kind is TableKind.PROJECTION:
        periods = fetched.query.get(table_def.time_dimension, ())
        return periods[0] if periods else None
    return fetched.latest_period


def date_text(table_def: TableDef, period: str | None) -> str:
    if period is None:
        return ""
    if table_def.kind is TableKind.PROJECTION:
        return text("stats.date.projection", year=period[:4])
    return table_def.date_text(period)


def summary(table_def: TableDef, dataset: Dataset, municipality: str) -> dict[str, float | None]:
    """The table's headline figures for the municipality: cells summed over every dimension except `summary`."""
    totals: dict[tuple[str, ...], float | None] = {}
    for codes, value in dataset.rows():
        if codes.get(table_def.region_dimension) != municipality:
            continue
        if any(codes.get(name) != code for name, code in table_def.summary_filter.items()):
            continue
        key = tuple(codes.get(name, "") for name in table_def.summary)
        if value is None:
            totals.setdefault(key, None)
        else:
            totals[key] = (totals.get(key) or 0.0) + value
    labelled: dict[str, float | None] = {}
    for key, total in totals.items():
        parts = [table_def.noun] if table_def.noun else []
        for name, code in zip(table_def.summary, key, strict=True):
            if name == table_def.time_dimension or not dataset.has_dimension(name):
                continue
            parts.append(dataset.dimension(name).label_of(code))
        time_code = (
            key[table_def.summary.index(table_def.time_dimension)]
            if table_def.time_dimension in table_def.summary
            else ""
        )
        labelled[f"{', '.join(parts)} {time_code}".strip()] = total
    return labelled


def changes(before: dict[str, float | None], after: dict[str, float | None]) -> tuple[Change, ...]:
    """Figures that differ, including ones that are new or gone, in `after`'s order then the gone ones."""
    found = [Change(label, before.get(label), value) for label, value in after.items() if before.get(label) != value]
    gone = [Change(label, value, None) for label, value in before.items() if label not in after and value is not None]
    return tuple(found + gone)


def _cached_summary(table_def: TableDef, cached: CachedTable | None, municipality: str) -> dict[str, float | None]:
    if cached is None:
        return {}
    try:
        return summary(table_def, parse(cached.payload), municipality)
    except (ValueError, KeyError):
        return {}


def _fetch_ssb(
    store: StatisticsStore,
    client: PxWebClient,
    table_id: str,
    municipality: str,
    previous: CachedTable | None,
) -> TableReport:
    tried = candidates(table_id)
    last_error: StatisticsError | None = None
    for table_def in tried:
        try:
            fetched = client.fetch(table_def, municipality)
        except (UnknownTableError, UnknownCodeError) as error:
            # A newer projection table that is not published (or has another shape): try the older one. A
            # municipality code that does not exist is the same in every candidate, so it ends the search.
            last_error = error
            if len(tried) > 1 and not (isinstance(error, UnknownCodeError) and municipality in str(error)):
                continue
            raise
        period = data_period(table_def, fetched)
        when = date_text(table_def, period)
        saved = store.save(
            source=SSB,
            table_id=table_def.id,
            municipality_code=municipality,
            query={name: list(codes) for name, codes in fetched.query.items()},
            url=fetched.url,
            data_period=period,
            data_date=parse_date_text(when),
            data_date_text=when,
            payload=fetched.dataset.to_jsonstat(),
        )
        previous_def = TABLES.get(previous.table_id, table_def) if previous else table_def
        before = _cached_summary(previous_def, previous, municipality) if previous else {}
        after = summary(table_def, fetched.dataset, municipality)
        return TableReport(
            table_id=table_def.id,
            title=table_def.title,
            status=Status.FETCHED,
            data_date_text=when,
            parts=fetched.parts,
            changes=changes(before, after) if previous else (),
            fetched_at=saved.fetched_at.isoformat(timespec="seconds"),
            first_fetch=previous is None,
        )
    assert last_error is not None
    raise last_error


def _kuhr_summary(payload: object) -> dict[str, float | None]:
    if not isinstance(payload, dict):
        return {}
    from legeplan.statistics.kuhr import TakstbrukRow

    rows = [TakstbrukRow.model_validate(row) for row in payload.get("kommune", [])]
    return {
        text("stats.kuhr.consultations", year=year): float(count) for year, count in consultations_by_year(rows).items()
    }


def _fetch_kuhr(
    store: StatisticsStore, client: KuhrClient, municipality: str, previous: CachedTable | None, years: tuple[int, int]
) -> TableReport:
    first, last = years
    county = municipality[:2]
    payload = {
        "kommune": [
            r.model_dump(mode="json")
            for r in client.takstbruk(level="kommune", codes=(municipality,), from_year=first, to_year=last)
        ],
        "fylke": [
            r.model_dump(mode="json")
            for r in client.takstbruk(level="fylke", codes=(county,), from_year=first, to_year=last)
        ],
        "landet": [r.model_dump(mode="json") for r in client.takstbruk(level="landet", from_year=first, to_year=last)],
    }
    if not payload["kommune"]:
        # Nothing published for these years (KUHR lags; small municipalities are suppressed): keep what is cached.
        raise StatisticsError(text("stats.error.kuhr_empty", code=municipality, first=first, last=last))
    measured_years = [int(r["ar"]) for r in payload["kommune"] if isinstance(r.get("ar"), int)]
    period = str(max(measured_years)) if measured_years else None
    saved = store.save(
        source=KUHR,
        table_id=KUHR_TABLE,
        municipality_code=municipality,
        query={
            "fagomraade": "LE",
            "praksistyper": ["FALE"],
            "takstkoder": list(CONSULTATION_CODES),
            "fomar": first,
            "tomar": last,
            "kommune": municipality,
            "fylke": county,
        },
        url=f"{client.base_url}/takstbruk/agtakst/kommune/ar",
        data_period=period,
        data_date=None,
        data_date_text=period or "",
        payload=payload,
    )
    after = _kuhr_summary(payload)
    before = _kuhr_summary(previous.payload) if previous else {}
    return TableReport(
        table_id=KUHR_TABLE,
        title=text("stats.kuhr.title"),
        status=Status.FETCHED,
        data_date_text=period or "",
        parts=3,
        changes=changes(before, after) if previous else (),
        fetched_at=saved.fetched_at.isoformat(timespec="seconds"),
        first_fetch=previous is None,
    )


def _last_years(this_year: int | None) -> tuple[int, int]:
    """The last KUHR_YEARS full years before `this_year` (default: now)."""
    year = this_year or date.today().year
    return year - KUHR_YEARS, year - 1


def _cached_report(cached: CachedTable, title: str) -> TableReport:
    return TableReport(
        table_id=cached.table_id,
        title=title,
        status=Status.CACHED,
        data_date_text=cached.data_date_text,
        fetched_at=cached.fetched_at.isoformat(timespec="seconds"),
    )


def fetch_statistics(
    store: StatisticsStore,
    municipality: str,
    table_ids: Sequence[str] = DEFAULT_TABLES,
    *,
    refresh: bool = False,
    ssb: PxWebClient | None = None,
    kuhr: KuhrClient | None = None,
    with_kuhr: bool = True,
    this_year: int | None = None,
    kuhr_years: tuple[int, int] | None = None,
    progress: Callable[[str], None] | None = None,
) -> FetchReport:
    """Each table from the cache, or fetched (always with `refresh`); then KUHR fee-code use unless `with_kuhr` is
    False, for `kuhr_years` (first, last) or the five full years before `this_year`. One table's failure is
    reported and the others go on; when the service cannot be reached at all the remaining tables are reported with
    the same reason."""
    if not re.fullmatch(r"\d{4}", municipality):
        raise StatisticsError(text("stats.error.municipality", code=municipality))
    definitions = [table(table_id) for table_id in table_ids]  # unknown ids fail before any request
    reports: list[TableReport] = []
    offline: str | None = None
    ssb_client = ssb
    try:
        for requested, table_def in zip(table_ids, definitions, strict=True):
            ids = tuple(t.id for t in candidates(requested))
            previous = store.latest(SSB, ids, municipality)
            if previous is not None and not refresh:
                reports.append(_cached_report(previous, TABLES[previous.table_id].title))
                continue
            if offline is not None:
                reports.append(TableReport(table_def.id, table_def.title, Status.FAILED, message=offline))
                continue
            if progress:
                progress(text("stats.progress.table", table=table_def.id, title=table_def.title))
            if ssb_client is None:
                ssb_client = PxWebClient()
            try:
                reports.append(_fetch_ssb(store, ssb_client, requested, municipality, previous))
            except OfflineError as error:
                offline = str(error)
                reports.append(TableReport(table_def.id, table_def.title, Status.FAILED, message=offline))
            except StatisticsError as error:
                reports.append(TableReport(table_def.id, table_def.title, Status.FAILED, message=str(error)))
        kuhr_client = kuhr
        if with_kuhr:
            previous = store.latest(KUHR, KUHR_TABLE, municipality)
            title = text("stats.kuhr.title")
            if previous is not None and not refresh:
                reports.append(_cached_report(previous, title))
            else:
                if progress:
                    progress(text("stats.progress.table", table=KUHR_TABLE, title=title))
                kuhr_client = kuhr_client or KuhrClient()
                try:
                    reports.append(
                        _fetch_kuhr(store, kuhr_client, municipality, previous, kuhr_years or _last_years(this_year))
                    )
                except StatisticsError as error:
                    reports.append(TableReport(KUHR_TABLE, title, Status.FAILED, message=str(error)))
                finally:
                    if kuhr is None:
                        kuhr_client.close()
    finally:
        if ssb is None and ssb_client is not None:
            ssb_client.close()
    clients = [c for c in (ssb_client,) if c is not None]
    return FetchReport(
        municipality=municipality,
        tables=tuple(reports),
        requests=sum(c.requests for c in clients),
        retried=sum(c.retried for c in clients),
        waited_s=sum(c.throttle.waited_s for c in clients),
    )
