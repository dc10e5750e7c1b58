"""Property tests: any scenario document gives a Scenario or a ScenarioError; JSON-stat round trips."""

from __future__ import annotations

import json
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from legeplan.capacity import ScenarioError, dimension, parse_scenario, read_projection_14288

VALID: dict[str, Any] = {
    "name": "Test",
    "positions": 54,
    "average_list_length": 1143,
    "free_places": 1013,
    "target_free_share": 0.07,
    "gp_ages": [69, 50, 40],
    "projection": [{"year": 2020, "by_age": {"alle": 63722}}, {"year": 2028, "by_age": {"alle": 66385}}],
}

values = st.one_of(
    st.none(),
    st.integers(-10_000, 100_000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=5),
    st.lists(st.integers(-5, 120), max_size=4),
)


@settings(max_examples=150, deadline=None)
@given(field=st.sampled_from([*VALID, "target_list_length", "age_weights", "alis_planned", "rounding"]), value=values)
def test_any_field_value_gives_a_scenario_or_a_scenario_error(field: str, value: Any) -> None:
    document = {**VALID, field: value}
    try:
        scenario = parse_scenario(document)
    except ScenarioError as error:
        assert field in str(error) or "listed_patients" in str(error)
        return
    result = dimension(scenario)
    assert result.rows[0].year == 2020


def _jsonstat(region: str, table: dict[int, list[int]]) -> dict[str, Any]:
    """A table-14288-shaped dataset: one sex, single-year ages 0..len-1, one alternative."""
    years = sorted(table)
    ages = len(table[years[0]])
    return {
        "version": "2.0",
        "class": "dataset",
        "id": ["Region", "Kjonn", "Alder", "ContentsCode", "Tid"],
        "size": [1, 1, ages, 1, len(years)],
        "dimension": {
            "Region": {"category": {"index": {region: 0}}},
            "Kjonn": {"category": {"index": {"1": 0}}},
            "Alder": {"category": {"index": {f"{age:03d}": age for age in range(ages)}}},
            "ContentsCode": {"category": {"index": {"MMMM": 0}, "label": {"MMMM": "Hovedalternativet (MMMM)"}}},
            "Tid": {"category": {"index": {str(year): i for i, year in enumerate(years)}}},
        },
        "value": [table[year][age] for age in range(ages) for year in years],
    }


@settings(max_examples=30, deadline=None)
@given(
    table=st.dictionaries(
        st.integers(2020, 2060), st.lists(st.integers(0, 5000), min_size=30, max_size=30), min_size=1, max_size=4
    ),
    split=st.integers(1, 28),
)
def test_14288_age_groups_sum_the_single_years(table: dict[int, list[int]], split: int) -> None:
    with TemporaryDirectory() as folder:
        path = Path(folder) / "t.json"
        path.write_text(json.dumps(_jsonstat("1820", table)), encoding="utf-8")
        projection = read_projection_14288(path, region="1820", age_groups=[f"0-{split}", f"{split + 1}+"])
    for year, persons in table.items():
        row = projection.year(year)
        assert row.by_age[f"0-{split}"] == sum(persons[: split + 1])
        assert row.total == sum(persons)
