"""SSB statistics bank tables in JSON-stat 2.0, read from local files with pyjstat.

`read_jsonstat` is generic (any SSB table: 14288, 12005, 07459 ...); `read_projection_14288` knows the layout of the
population projection table 14288 (Region, Kjonn, Alder, ContentsCode = projection alternative, Tid) and turns it
into a `Projection` by year and age group. Nothing here goes on the network.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from pyjstat import pyjstat

from legeplan.capacity.models import AgeGroupPopulation, Projection


class JsonStatError(ValueError):
    """A JSON-stat file that cannot be read or does not have the expected dimensions."""


#: The largest JSON-stat file read (a whole-country 14288 projection by age and sex is about 20 MB).
MAX_JSONSTAT_BYTES = 64 * 1024 * 1024


def read_jsonstat(path: str | Path, *, naming: str = "id") -> pd.DataFrame:
    """One row per cell of a JSON-stat 2.0 dataset: a column per dimension plus `value`.

    `naming="id"` gives the dimension and category codes (e.g. Region=1804, Tid=2025); `naming="label"` gives SSB's
    labels. Codes are stable across table versions, so engines should key on them.
    """
    from legeplan.documents import parse_json, read_text

    file = Path(path)
    text = read_text(file, JsonStatError, MAX_JSONSTAT_BYTES)
    document = parse_json(text, str(file), JsonStatError)
    if not isinstance(document, dict) or document.get("class") != "dataset" or "dimension" not in document:
        raise JsonStatError(f"{file}: ikke et JSON-stat 2.0-datasett (mangler class=dataset eller dimension)")
    if naming not in ("id", "label"):
        raise ValueError(f"naming må være 'id' eller 'label', ikke {naming!r}")
    try:
        dataset = pyjstat.Dataset.read(text)
        frame = dataset.write("dataframe", naming=naming)
    except KeyError as error:  # pyjstat raises bare KeyError/ValueError/TypeError on malformed input
        raise JsonStatError(f"{file}: kan ikke tolke JSON-stat-innholdet (mangler feltet «{error.args[0]}»)") from error
    except Exception as error:  # the library's own (English) text is not shown
        raise JsonStatError(
            f"{file}: kan ikke tolke JSON-stat-innholdet (dimensjoner, kategorier og verdier passer ikke sammen)"
        ) from error
    if not isinstance(frame, pd.DataFrame):
        raise JsonStatError(f"{file}: pyjstat ga ingen tabell")
    return frame


def _age_bounds(code: str) -> tuple[int, int | None]:
    """Single-year age codes in 14288 are '000'..'104' and '105+'; age-group labels like '18-49' or '90+'."""
    text = code.strip().replace(" år", "").replace("år", "").replace("–", "-")
    if match := re.fullmatch(r"(\d+)\s*\+|(\d+)\s*og eldre", text):
        return int(match.group(1) or match.group(2)), None
    if match := re.fullmatch(r"(\d+)\s*-\s*(\d+)", text):
        return int(match.group(1)), int(match.group(2))
    if match := re.fullmatch(r"\d+", text):
        return int(text), int(text)
    raise JsonStatError(f"ukjent alderskode {code!r} i dimensjonen Alder")


def parse_age_group(label: str) -> tuple[int, int | None]:
    """(lowest age, highest age or None for open-ended) of an age-group label such as '0-17', '90+'."""
    return _age_bounds(label)


DEFAULT_AGE_GROUPS: tuple[str, ...] = ("0-17", "18-49", "50-66", "67-79", "80-89", "90+")


def _choose_alternative(frame: pd.DataFrame, alternative: str, path: str | Path) -> str:
    """The ContentsCode of `alternative`: the code itself (any case), else the one alternative whose label contains
    it. Text matching several alternatives (e.g. 'M' or 'vekst') is an error, never a sum of alternatives."""
    labels: dict[str, str] = {}
    for code, label in zip(frame["ContentsCode"].astype(str), frame["_contents_label"].astype(str), strict=True):
        labels.setdefault(code, label)
    wanted = alternative.strip().upper()
    if not wanted:
        raise JsonStatError(f"{path}: alternativet er tomt; filen har {_alternatives_text(labels)}")
    exact = [code for code in labels if code.upper() == wanted]
    if len(exact) == 1:
        return exact[0]
    matches = [code for code, label in labels.items() if wanted in label.upper()]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise JsonStatError(f"{path}: fant ikke alternativ {alternative!r}; filen har {_alternatives_text(labels)}")
    hits = "; ".join(f"{code} «{labels[code]}»" for code in matches)
    raise JsonStatError(
        f"{path}: tvetydig alternativ {alternative!r} (treff: {hits}); oppgi koden, f.eks. {matches[0]}"
    )


def _alternatives_text(labels: Mapping[str, str]) -> str:
    return "; ".join(f"{code} «{label}»" for code, label in labels.items())


def read_projection_14288(
    path: str | Path,
    *,
    region: str,
    alternative: str = "MMMM",
    age_groups: Sequence[str] = DEFAULT_AGE_GROUPS,
    years: Sequence[int] | None = None,
) -> Projection:
    """SSB table 14288 (framskrevet folkemengde) for one municipality and alternative, summed by sex into age groups.

    `alternative` is the ContentsCode id (e.g. 'MMMM', any case) or text found in exactly one alternative's label
    (e.g. 'Hovedalternativet'); text found in several labels is refused as ambiguous.
    Ages are single years in the table and are summed into `age_groups`.
    """
    by_id = read_jsonstat(path, naming="id")
    by_label = read_jsonstat(path, naming="label")
    required = {"Region", "Alder", "ContentsCode", "Tid"}
    missing = required - set(by_id.columns)
    if missing:
        raise JsonStatError(f"{path}: tabell 14288 mangler dimensjon(er) {', '.join(sorted(missing))}")
    label_columns = list(by_label.columns)
    contents_label = by_label[label_columns[list(by_id.columns).index("ContentsCode")]]
    frame = by_id.assign(_contents_label=contents_label.values)
    code = _choose_alternative(frame, alternative, path)
    chosen = frame[frame["ContentsCode"].astype(str) == code]
    chosen = chosen[chosen["Region"].astype(str) == str(region)]
    if chosen.empty:
        raise JsonStatError(f"{path}: fant ikke region {region!r} (dimensjonen Region)")
    bounds = {group: parse_age_group(group) for group in age_groups}

    def group_of(code: str) -> str | None:
        low, _ = _age_bounds(code)
        for group, (start, end) in bounds.items():
            if low >= start and (end is None or low <= end):
                return group
        return None

    chosen = chosen.assign(_group=chosen["Alder"].astype(str).map(group_of), Tid=chosen["Tid"].astype(int))
    if chosen["_group"].isna().any():
        uncovered = sorted(set(chosen.loc[chosen["_group"].isna(), "Alder"].astype(str)))
        raise JsonStatError(f"{path}: aldersgruppene {list(age_groups)} dekker ikke alderen {uncovered[:5]}")
    if chosen["value"].isna().any():
        raise JsonStatError(f"{path}: manglende verdier (null) i tabellen for region {region}")
    totals = chosen.groupby(["Tid", "_group"])["value"].sum()
    available = sorted({int(year) for year in chosen["Tid"]})
    selected = list(years) if years is not None else available
    if not selected:
        raise JsonStatError(f"{path}: ingen år valgt (years er tom)")
    for previous, current in itertools.pairwise(selected):
        if current <= previous:
            raise JsonStatError(f"årene må være ulike og i stigende rekkefølge: {current} kommer etter {previous}")
    for year in selected:
        if year not in available:
            raise JsonStatError(f"{path}: året {year} finnes ikke i tabellen (har {available[0]}-{available[-1]})")
    rows = [
        AgeGroupPopulation(year=year, by_age={group: float(totals.get((year, group), 0.0)) for group in age_groups})
        for year in selected
    ]
    return Projection(region=str(region), alternative=code, source="SSB tabell 14288", years=rows)


def projection_from_mapping(table: Mapping[int, Mapping[str, float]], **extra: Any) -> Projection:
    """A Projection from {year: {age group: persons}}, e.g. a table typed in from a plan."""
    rows = [AgeGroupPopulation(year=year, by_age=dict(groups)) for year, groups in sorted(table.items())]
    return Projection(years=rows, **extra)
