"""Public statistics from local JSON-stat 2.0 files: SSB tables 12005 (fastlegelister), 07459 (population) and 14288
(population projection).

legeplan never fetches from SSB at run time: download the table yourself (SSB's API, response format json-stat2)
and point legeplan at the file. Content codes are matched by id first and by label words second, so a table
downloaded with SSB's labels instead of codes still reads. `apply_statistics` lets imported 07459 populations and
12005 list figures replace the generated ones in a `RegionalDataset`, so population bands follow the imported numbers.
"""

from __future__ import annotations

import re
from datetime import date
from importlib.resources import files
from pathlib import Path

import pandas as pd

from legeplan.capacity.ssb import JsonStatError, read_jsonstat
from legeplan.region.models import GpListStatistic, RegionalDataset
from legeplan.register.models import Municipality

#: 12005 content code -> (our field, words that identify it in a label). The codes of SSB's published table
#: (KOS…, region dimension KOKkommuneregion0000) and of the older shape (Region; Fastlegelister, …) are both read.
GP_LIST_CONTENTS = {
    "Fastlegelister": ("lists", ("fastlegelister",)),
    "GjsnListelengde": ("average_list_length", ("listelengde",)),
    "ReservekapFastlege": ("reserve_capacity_percent", ("reservekapasitet",)),
    "ApneLister": ("open_lists", ("åpne", "apne")),
    "KOSantallavtaler0001": ("lists", ("fastlegeavtaler",)),
    "KOSgjsnlisteleng0000": ("average_list_length", ("listelengde",)),
    "KOSreservekapasi0000": ("reserve_capacity_percent", ("reservekapasitet",)),
    "KOSaapnelister0000": ("open_lists", ("åpne", "apne")),
}
#: Content codes whose value is SSB's reservekapasitet index (100 = the lists are exactly full; 101,6 means 1,6 %
#: free places), read as a percentage of free places.
RESERVE_INDEX_CODES = frozenset({"KOSreservekapasi0000"})
#: The region dimension of 12005, by the table's shape.
REGION_DIMENSIONS = ("Region", "KOKkommuneregion0000")
#: The SSB tables legeplan reads, with what they hold.
SUPPORTED_TABLES = {
    "12005": "fastlegelister (listelengde, reservekapasitet)",
    "07459": "folkemengde",
    "14288": "framskrevet folkemengde",
}

__all__ = [
    "SUPPORTED_TABLES",
    "GpListStatistic",
    "apply_statistics",
    "read_gp_lists_12005",
    "read_population_07459",
    "read_projection_totals_14288",
    "table_id",
]


def sample_path(table: str) -> Path:
    """The small real-shaped fixture shipped for a table ("12005" or "07459")."""
    return Path(str(files("legeplan.region") / "data" / f"ssb_{table}_sample.json"))


def table_id(path: Path | str) -> str | None:
    """The SSB table id of a JSON-stat file: extension.px.tableid, else the label's leading "NNNNN:", else a
    five-digit number in the file name; None when none of them names one."""
    from legeplan.capacity.ssb import MAX_JSONSTAT_BYTES
    from legeplan.documents import read_json

    path = Path(path)
    document = read_json(path, JsonStatError, MAX_JSONSTAT_BYTES)
    if not isinstance(document, dict):
        raise JsonStatError(f"{path}: ikke et JSON-stat 2.0-datasett")
    extension = document.get("extension")
    px = extension.get("px") if isinstance(extension, dict) else None
    if isinstance(px, dict) and px.get("tableid"):
        return str(px["tableid"])
    if match := re.match(r"\s*(\d{5})\s*:", str(document.get("label", ""))):
        return match.group(1)
    if match := re.search(r"(?<!\d)(\d{5})(?!\d)", path.name):
        return match.group(1)
    return None


def unsupported(path: Path | str, found: str | None) -> JsonStatError:
    known = ", ".join(f"{t} ({what})" for t, what in SUPPORTED_TABLES.items())
    named = f"tabell {found}" if found else "ingen tabell-id (extension.px.tableid eller «NNNNN:» i label)"
    return JsonStatError(f"{path}: fant {named}; støttet er {known}")


def _require(frame: pd.DataFrame, columns: tuple[str, ...], path: Path) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise JsonStatError(f"{path}: mangler dimensjon(er) {', '.join(missing)}; fant {', '.join(frame.columns)}")


def _field_for(code: str, label: str) -> str | None:
    if code in GP_LIST_CONTENTS:
        return GP_LIST_CONTENTS[code][0]
    lowered = label.lower()
    return next((field for field, words in GP_LIST_CONTENTS.values() if any(w in lowered for w in words)), None)


def _is_reserve_index(code: str, label: str) -> bool:
    """SSB publishes reservekapasitet as an index (100 = full); an older label says «(prosent)» when it is not."""
    if code in RESERVE_INDEX_CODES:
        return True
    lowered = label.lower()
    return "reservekapasitet" in lowered and "prosent" not in lowered and code not in GP_LIST_CONTENTS


def read_gp_lists_12005(path: Path | str) -> list[GpListStatistic]:
    path = Path(path)
    by_id = read_jsonstat(path, naming="id")
    by_label = read_jsonstat(path, naming="label")
    region = next((name for name in REGION_DIMENSIONS if name in by_id.columns), "Region")
    _require(by_id, (region, "ContentsCode", "Tid", "value"), path)
    label_column = next((c for c in by_label.columns if c not in ("value",) and "statistikk" in c.lower()), None)
    labels = by_label[label_column] if label_column else by_id["ContentsCode"]
    rows: dict[tuple[str, int], dict[str, float | None]] = {}
    for (_, record), label in zip(by_id.iterrows(), labels, strict=True):
        code = str(record["ContentsCode"])
        field = _field_for(code, str(label))
        if field is None:
            continue
        try:
            year = int(str(record["Tid"])[:4])
        except ValueError as exc:
            raise JsonStatError(f"{path}: ugyldig år {record['Tid']!r}") from exc
        value = None if pd.isna(record["value"]) else float(record["value"])
        if value is not None and field == "reserve_capacity_percent" and _is_reserve_index(code, str(label)):
            value = round(value - 100.0, 6)
        rows.setdefault((str(record[region]), year), {})[field] = value
    if not rows:
        found = table_id(path)
        if found in SUPPORTED_TABLES and found != "12005":
            raise JsonStatError(f"{path}: fant tabell {found} ({SUPPORTED_TABLES[found]}), ikke 12005 (fastlegelister)")
        if found not in (None, "12005"):
            raise unsupported(path, found)
        raise JsonStatError(f"{path}: fant ingen kjente statistikkvariabler fra tabell 12005")
    return [
        GpListStatistic(municipality_code=code, year=year, **values) for (code, year), values in sorted(rows.items())
    ]


def read_population_07459(path: Path | str) -> dict[tuple[str, int], int]:
    """Population per (municipality code, year), summed over sex and age."""
    path = Path(path)
    frame = read_jsonstat(path, naming="id")
    _require(frame, ("Region", "Tid", "value"), path)
    frame = frame.assign(year=frame["Tid"].astype(str).str[:4].astype(int))
    totals = frame.groupby(["Region", "year"], as_index=False)["value"].sum()
    return {
        (str(code), int(year)): int(value)
        for code, year, value in zip(totals["Region"], totals["year"], totals["value"], strict=True)
    }


def read_projection_totals_14288(path: Path | str, alternative: str = "MMMM") -> dict[tuple[str, int], int]:
    """Projected population per (municipality code, year) for one alternative, summed over sex and age."""
    path = Path(path)
    frame = read_jsonstat(path, naming="id")
    _require(frame, ("Region", "ContentsCode", "Tid", "value"), path)
    chosen = frame[frame["ContentsCode"].astype(str).str.upper() == alternative.upper()]
    if chosen.empty:
        have = ", ".join(sorted(set(frame["ContentsCode"].astype(str))))
        raise JsonStatError(f"{path}: fant ikke alternativ {alternative!r}; filen har {have}")
    chosen = chosen.assign(year=chosen["Tid"].astype(str).str[:4].astype(int))
    totals = chosen.groupby(["Region", "year"], as_index=False)["value"].sum()
    return {
        (str(code), int(year)): round(float(value))
        for code, year, value in zip(totals["Region"], totals["year"], totals["value"], strict=True)
    }


def with_population(
    municipalities: tuple[Municipality, ...], population: dict[tuple[str, int], int], year: int
) -> tuple[Municipality, ...]:
    """Municipalities with population updated from 07459 where the table has them for `year`."""
    return tuple(
        m.model_copy(update={"population": population[(m.code, year)], "population_date": date(year, 1, 1)})
        if (m.code, year) in population
        else m
        for m in municipalities
    )


def _year_for(years: set[int], as_of: date) -> int:
    """The latest year in the table at or before the dataset's date, else the earliest year the table has."""
    earlier = [y for y in years if y <= as_of.year]
    return max(earlier) if earlier else min(years)


def apply_statistics(dataset: RegionalDataset, paths: list[Path]) -> RegionalDataset:
    """`dataset` with imported statistics: 07459 populations replace the municipalities' populations (so bands
    follow them) and 12005 list figures are attached, both for the year nearest `dataset.as_of` and only for the
    municipalities in the dataset. 14288 is a projection, not a count, and is refused here."""
    municipalities = dataset.municipalities
    list_statistics = list(dataset.list_statistics)
    codes = {m.code for m in municipalities}
    sources = list(dataset.statistics_sources)
    imported = set(dataset.imported_population)
    for path in paths:
        found = table_id(path)
        if found == "07459":
            population = read_population_07459(path)
            year = _year_for({y for _, y in population}, dataset.as_of)
            municipalities = with_population(municipalities, population, year)
            matched = {c for c in codes if (c, year) in population}
            imported |= matched
            sources.append(f"SSB tabell 07459 ({path.name}): folketall 1.1.{year} for {len(matched)} kommuner")
        elif found == "12005":
            stats = read_gp_lists_12005(path)
            year = _year_for({s.year for s in stats}, dataset.as_of)
            chosen = [s for s in stats if s.year == year and s.municipality_code in codes]
            replaced = {s.municipality_code for s in chosen}
            list_statistics = [s for s in list_statistics if s.municipality_code not in replaced] + chosen
            sources.append(f"SSB tabell 12005 ({path.name}): fastlegelister {year} for {len(chosen)} kommuner")
        elif found == "14288":
            raise JsonStatError(
                f"{path}: tabell 14288 er en framskriving, ikke folketall; bruk 07459 for kommunenes folketall "
                "(14288 kan vises med 'legeplan region statistics')"
            )
        else:
            raise unsupported(path, found)
    return dataset.model_copy(
        update={
            "municipalities": municipalities,
            "list_statistics": tuple(sorted(list_statistics, key=lambda s: s.municipality_code)),
            "statistics_sources": tuple(sources),
            "imported_population": tuple(sorted(imported)),
        }
    )
