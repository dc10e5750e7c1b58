"""The small JSON-stat 2.0 reader: row-major values, index as list or mapping, sparse values, merging parts, and
writing back (read by pyjstat too)."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from legeplan.capacity.ssb import read_jsonstat
from legeplan.statistics.jsonstat import Dataset, Dimension, JsonStatFormatError, parse

from .conftest import load

SMALL = {
    "version": "2.0",
    "class": "dataset",
    "label": "07459: Befolkning",
    "id": ["Region", "Kjonn", "Tid"],
    "size": [2, 2, 3],
    "dimension": {
        "Region": {"label": "region", "category": {"index": {"1804": 0, "0": 1}, "label": {"1804": "Bodø"}}},
        "Kjonn": {"label": "kjønn", "category": {"index": ["1", "2"]}},
        "Tid": {"label": "år", "category": {"index": {"2022": 0, "2023": 1, "2024": 2}}},
    },
    "value": list(range(12)),
    "extension": {"px": {"tableid": "07459"}},
}


def test_row_major_last_dimension_fastest() -> None:
    data = parse(SMALL)
    assert data.table_id == "07459"
    assert data.ids == ("Region", "Kjonn", "Tid")
    assert data.value(Region="1804", Kjonn="1", Tid="2022") == 0
    assert data.value(Region="1804", Kjonn="1", Tid="2024") == 2
    assert data.value(Region="1804", Kjonn="2", Tid="2022") == 3
    assert data.value(Region="0", Kjonn="1", Tid="2022") == 6
    assert data.total(Region="1804", Tid="2023") == 1 + 4
    assert data.dimension("Region").label_of("1804") == "Bodø"
    assert data.dimension("Region").label_of("0") == "0"


def test_sparse_values_and_missing_cells() -> None:
    sparse = dict(SMALL, value={"0": 5, "11": 7.5})
    data = parse(sparse)
    assert data.value(Region="1804", Kjonn="1", Tid="2022") == 5
    assert data.value(Region="0", Kjonn="2", Tid="2024") == 7.5
    assert data.value(Region="0", Kjonn="1", Tid="2022") is None
    assert data.total(Region="0", Kjonn="1") is None


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        ({"class": "collection"}, "ikke et JSON-stat 2.0-datasett"),
        ({"value": [1, 2]}, "forventet 12 verdier"),
        ({"size": [2, 2, 4]}, "skal ha 4 kategorier, men har 3"),
        ({"value": ["mange"] * 12}, "er ikke et tall"),
    ],
)
def test_broken_documents_give_norwegian_messages(broken: dict[str, object], message: str) -> None:
    with pytest.raises(JsonStatFormatError, match=message):
        parse(dict(SMALL, **broken))


def test_written_back_reads_the_same_and_pyjstat_reads_it(tmp_path: Path) -> None:
    original = parse(load("ssb_12005.json"))
    again = parse(original.to_jsonstat())
    assert dict(again.cells) == dict(original.cells)
    assert again.dimensions == original.dimensions
    path = tmp_path / "12005.json"
    path.write_text(json.dumps(original.to_jsonstat()), encoding="utf-8")
    frame = read_jsonstat(path)
    row = frame[(frame["KOKkommuneregion0000"] == "3804") & (frame["Tid"] == "2020")]
    assert float(row[row["ContentsCode"] == "KOSgjsnlisteleng0000"]["value"].iloc[0]) == 1143


@settings(max_examples=40, deadline=None)
@given(
    st.integers(min_value=1, max_value=4),
    st.integers(min_value=1, max_value=4),
    st.integers(min_value=1, max_value=3),
    st.data(),
)
def test_merging_slices_gives_the_whole(regions: int, years: int, cut: int, data: st.DataObject) -> None:
    region_codes = tuple(f"R{i}" for i in range(regions))
    year_codes = tuple(str(2020 + i) for i in range(years))
    values = {
        key: data.draw(st.one_of(st.none(), st.floats(min_value=0, max_value=1e6)))
        for key in itertools.product(region_codes, year_codes)
    }

    def part(codes: tuple[str, ...]) -> Dataset:
        return Dataset(
            "t",
            (Dimension("Region", "region", codes), Dimension("Tid", "år", year_codes)),
            {k: v for k, v in values.items() if k[0] in codes},
        )

    cut = min(cut, regions)
    merged = part(region_codes[:cut]).merged(part(region_codes[cut:])) if cut < regions else part(region_codes)
    assert merged.dimension("Region").codes == region_codes
    assert dict(merged.cells) == values
    assert dict(parse(merged.to_jsonstat()).cells) == values
