"""Scenario files (TOML/JSON) with clear errors, and the SSB JSON-stat readers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from legeplan.capacity import (
    JsonStatError,
    ScenarioError,
    example_path,
    example_scenario,
    load_scenario,
    read_jsonstat,
    read_projection_14288,
)

FIXTURE = example_path("bodo").parent / "ssb_14288_bodo.json"

MINIMAL = {
    "name": "Test",
    "positions": 54,
    "average_list_length": 1143,
    "free_places": 1013,
    "projection": [{"year": 2020, "by_age": {"alle": 63722}}, {"year": 2028, "by_age": {"alle": 66385}}],
}


def write(tmp_path: Path, content: dict[str, object], name: str = "s.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(content), encoding="utf-8")
    return path


def test_read_jsonstat_is_generic(tmp_path: Path) -> None:
    frame = read_jsonstat(FIXTURE)
    assert list(frame.columns) == ["Region", "Kjonn", "Alder", "ContentsCode", "Tid", "value"]
    assert len(frame) == 1 * 2 * 106 * 3 * 5
    labels = read_jsonstat(FIXTURE, naming="label")
    assert "Hovedalternativet (MMMM)" in set(labels["statistikkvariabel"])
    other = {
        "version": "2.0",
        "class": "dataset",
        "id": ["Region", "Tid"],
        "size": [1, 2],
        "dimension": {
            "Region": {"category": {"index": {"1820": 0}, "label": {"1820": "Alstahaug"}}},
            "Tid": {"category": {"index": {"2023": 0, "2024": 1}}},
        },
        "value": [7, 8],
    }
    frame = read_jsonstat(write(tmp_path, other, "12005.json"))
    assert frame["value"].tolist() == [7, 8]


def test_14288_mmmm_gives_the_bodo_plan_table() -> None:
    projection = read_projection_14288(FIXTURE, region="1804", alternative="MMMM")
    assert projection.year(2022).by_age == {
        "0-17": 10625,
        "18-49": 22991,
        "50-66": 11169,
        "67-79": 5776,
        "80-89": 1800,
        "90+": 336,
    }
    assert projection.year(2050).by_age["90+"] == 1369
    assert projection.growth(2022, 2025) == 592


def test_14288_other_alternative_and_age_groups() -> None:
    low = read_projection_14288(
        FIXTURE, region="1804", alternative="LLML", age_groups=["0-66", "67+"], years=[2022, 2050]
    )
    main = read_projection_14288(
        FIXTURE, region="1804", alternative="MMMM", age_groups=["0-66", "67+"], years=[2022, 2050]
    )
    assert low.year(2022).total == main.year(2022).total == 52697
    assert low.growth(2022, 2050) < main.growth(2022, 2050)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"region": "9999"}, "region '9999'"),
        ({"region": "1804", "alternative": "XXXX"}, "alternativ 'XXXX'"),
        ({"region": "1804", "years": [2040]}, "året 2040"),
        ({"region": "1804", "age_groups": ["0-17", "18-66"]}, "dekker ikke"),
    ],
)
def test_14288_errors_name_the_problem(options: dict[str, object], message: str) -> None:
    with pytest.raises(JsonStatError, match=message):
        read_projection_14288(FIXTURE, **options)  # type: ignore[arg-type]


def test_not_jsonstat(tmp_path: Path) -> None:
    with pytest.raises(JsonStatError, match="ikke et JSON-stat"):
        read_jsonstat(write(tmp_path, {"a": 1}))
    broken = tmp_path / "b.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(JsonStatError, match="ugyldig JSON"):
        read_jsonstat(broken)


def test_examples_load_by_name() -> None:
    assert example_scenario("sandefjord").positions == 54
    assert example_scenario("Bodø").projection.region == "1804"
    with pytest.raises(KeyError, match="ukjent eksempelscenario"):
        example_scenario("oslo")


def test_json_and_toml_give_the_same_scenario(tmp_path: Path) -> None:
    from_json = load_scenario(write(tmp_path, MINIMAL))
    toml = tmp_path / "s.toml"
    toml.write_text(
        'name = "Test"\npositions = 54\naverage_list_length = 1143\nfree_places = 1013\n'
        '[[projection]]\nyear = 2020\nby_age = { "alle" = 63722 }\n'
        '[[projection]]\nyear = 2028\nby_age = { "alle" = 66385 }\n',
        encoding="utf-8",
    )
    assert load_scenario(toml) == from_json


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"positions": None}, "positions"),
        ({"average_list_length": 0}, "average_list_length"),
        ({"free_places": -1}, "free_places"),
        ({"target_free_share": 1.5}, "target_free_share"),
        ({"retirement_age": 99}, "retirement_age"),
        (
            {"projection": [{"year": 2028, "by_age": {"alle": 1}}, {"year": 2020, "by_age": {"alle": 1}}]},
            "projection.years",
        ),
        ({"projection": [{"year": 2020, "by_age": {"alle": -5}}]}, "projection.years[0].by_age"),
        ({"age_weights": {"0-17": 1.0}}, "age_weights"),
        ({"alis_planned": {"2040": 1}}, "alis_planned"),
        ({"unknown_field": 1}, "unknown_field"),
    ],
)
def test_bad_scenarios_name_the_field(tmp_path: Path, change: dict[str, object], field: str) -> None:
    content = {**MINIMAL, **change}
    content = {key: value for key, value in content.items() if value is not None}
    with pytest.raises(ScenarioError) as error:
        load_scenario(write(tmp_path, content))
    assert field in str(error.value)
    assert "s.json" in str(error.value)


def test_missing_list_length_is_explained(tmp_path: Path) -> None:
    content = {key: value for key, value in MINIMAL.items() if key != "average_list_length"}
    assert load_scenario(write(tmp_path, content)).current_listed == 63722  # from the population
    content["residents_listed_elsewhere"] = 70000
    with pytest.raises(ScenarioError, match="listed_patients eller average_list_length"):
        load_scenario(write(tmp_path, content))


def test_wrong_file_type_and_bad_toml(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=r"\.toml eller \.json"):
        load_scenario(write(tmp_path, MINIMAL, "s.yaml"))
    bad = tmp_path / "bad.toml"
    bad.write_text("positions = = 3", encoding="utf-8")
    with pytest.raises(ScenarioError, match="ugyldig TOML"):
        load_scenario(bad)


def test_projection_file_in_a_scenario(tmp_path: Path) -> None:
    content = {**MINIMAL, "projection": {"file": str(FIXTURE), "region": "1804"}}
    scenario = load_scenario(write(tmp_path, content))
    assert scenario.projection.year(2025).by_age["80-89"] == 2116
    missing = {**MINIMAL, "projection": {"file": str(FIXTURE)}}
    with pytest.raises(ScenarioError, match=r"projection\.region"):
        load_scenario(write(tmp_path, missing))


def test_the_seed_plans_state_these_figures(seeds_dir: Path) -> None:
    """The numbers in the tests and examples are the plans' own (seed 001 Sandefjord, 003 Bodø, 004 Helse Nord)."""
    sandefjord = " ".join(next(seeds_dir.glob("001_*")).read_text(encoding="utf-8").split())
    for figure in ("54 fastlegehjemler", "1 143", "1.013 ledige plasser", "1,6 %", "2.663", "7 % ledighet", "62"):
        assert figure in sandefjord
    bodo = " ".join(next(seeds_dir.glob("003_*")).read_text(encoding="utf-8").split())
    for figure in ("80-89 år 1 800 2 116 2 735 3 228 4 462", "592", "148", "1080 pasienter", "17,6 %"):
        assert figure in bodo
    helse_nord = " ".join(next(seeds_dir.glob("004_*")).read_text(encoding="utf-8").split())
    assert "12,8 %" in helse_nord and "7,3%" in helse_nord
    vefsn = " ".join(next(seeds_dir.glob("000_*")).read_text(encoding="utf-8").split())
    assert "mer enn én million kroner" in vefsn
