"""Public statistics from local JSON-stat 2.0 files: SSB table 12005 (fastlegelister) and 07459 (population).

legeplan never fetches from SSB at run time: download the table yourself (SSB's API, response format json-stat2)
and point legeplan at the file. Content codes are matched by id first and by label words second, so a table
downloaded with SSB's labels instead of codes still reads."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import pandas as pd
from pydantic import BaseModel, ConfigDict

from legeplan.capacity.ssb import JsonStatError, read_jsonstat
from legeplan.register.models import Municipality

#: 12005 content code -> (our field, words that identify it in a label)
GP_LIST_CONTENTS = {
    "Fastlegelister": ("lists", ("fastlegelister",)),
    "GjsnListelengde": ("average_list_length", ("listelengde",)),
    "ReservekapFastlege": ("reserve_capacity_percent", ("reservekapasitet",)),
    "ApneLister": ("open_lists", ("åpne", "apne")),
}


class GpListStatistic(BaseModel):
    model_config = ConfigDict(frozen=True)

    municipality_code: str
    year: int
    lists: float | None = None
    average_list_length: float | None = None
    reserve_capacity_percent: float | None = None
    open_lists: float | None = None


def sample_path(table: str) -> Path:
    """The small real-shaped fixture shipped for a table ("12005" or "07459")."""
    return Path(str(files("legeplan.region") / "data" / f"ssb_{table}_sample.json"))


def _require(frame: pd.DataFrame, columns: tuple[str, ...], path: Path) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise JsonStatError(f"{path}: mangler dimensjon(er) {', '.join(missing)}; fant {', '.join(frame.columns)}")


def _field_for(code: str, label: str) -> str | None:
    if code in GP_LIST_CONTENTS:
        return GP_LIST_CONTENTS[code][0]
    lowered = label.lower()
    return next((field for field, words in GP_LIST_CONTENTS.values() if any(w in lowered for w in words)), None)


def read_gp_lists_12005(path: Path | str) -> list[GpListStatistic]:
    path = Path(path)
    by_id = read_jsonstat(path, naming="id")
    by_label = read_jsonstat(path, naming="label")
    _require(by_id, ("Region", "ContentsCode", "Tid", "value"), path)
    label_column = next((c for c in by_label.columns if c not in ("value",) and "statistikk" in c.lower()), None)
    labels = by_label[label_column] if label_column else by_id["ContentsCode"]
    rows: dict[tuple[str, int], dict[str, float | None]] = {}
    for (_, record), label in zip(by_id.iterrows(), labels, strict=True):
        field = _field_for(str(record["ContentsCode"]), str(label))
        if field is None:
            continue
        try:
            year = int(str(record["Tid"])[:4])
        except ValueError as exc:
            raise JsonStatError(f"{path}: ugyldig år {record['Tid']!r}") from exc
        value = None if pd.isna(record["value"]) else float(record["value"])
        rows.setdefault((str(record["Region"]), year), {})[field] = value
    if not rows:
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


def with_population(
    municipalities: tuple[Municipality, ...], population: dict[tuple[str, int], int], year: int
) -> tuple[Municipality, ...]:
    """Municipalities with population updated from 07459 where the table has them for `year`."""
    from datetime import date

    return tuple(
        m.model_copy(update={"population": population[(m.code, year)], "population_date": date(year, 1, 1)})
        if (m.code, year) in population
        else m
        for m in municipalities
    )
