"""The `[projection]` table of a scenario: alternatives matched exactly, bad options named, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from legeplan.capacity import JsonStatError, ScenarioError, example_path, load_scenario, read_projection_14288
from legeplan.cli import app

FIXTURE = example_path("bodo").parent / "ssb_14288_bodo.json"
runner = CliRunner()

SCENARIO = """name = "Test"
positions = 51
average_list_length = 1080

[projection]
file = "{file}"
region = "1804"
{extra}
"""


def scenario_file(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "s.toml"
    path.write_text(SCENARIO.format(file=FIXTURE.as_posix(), extra=extra), encoding="utf-8")
    return path


@pytest.mark.parametrize("alternative", ["M", "vekst", "L", "(", "Nasjonal"])
def test_an_ambiguous_alternative_is_refused_not_summed(alternative: str) -> None:
    with pytest.raises(JsonStatError, match=r"tvetydig alternativ.*treff: "):
        read_projection_14288(FIXTURE, region="1804", alternative=alternative)


@pytest.mark.parametrize("alternative", ["MMMM", "mmmm", "Hovedalternativet", "(MMMM)"])
def test_the_main_alternative_by_code_or_unique_label(alternative: str) -> None:
    projection = read_projection_14288(FIXTURE, region="1804", alternative=alternative)
    assert projection.year(2022).total == 52697  # Bodø 2022, MMMM alone (all three summed: 158 091)
    assert projection.alternative == "MMMM"


def test_low_growth_by_unique_label_is_llml() -> None:
    by_label = read_projection_14288(FIXTURE, region="1804", alternative="Lav nasjonal")
    by_code = read_projection_14288(FIXTURE, region="1804", alternative="LLML")
    assert by_label == by_code


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ("years = [2030, 2022]", "projection.years"),
        ("years = [2022, 2022]", "projection.years"),
        ('years = ["abc"]', "projection.years"),
        ("years = 2022", "projection.years"),
        ("years = []", "projection.years"),
        ("years = [2023]", "projection.file"),  # not in the table
        ('alternative = "M"', "projection.file"),
        ("alternative = 5", "projection.alternative"),
        ('age_groups = ["abc"]', "projection.age_groups"),
        ("age_groups = 3", "projection.age_groups"),
        ('alternativ = "LLML"', "alternativ"),
        ("aar = [2022]\nyear = [2030]", "aar, year"),
    ],
)
def test_bad_projection_options_name_the_field(tmp_path: Path, extra: str, field: str) -> None:
    path = scenario_file(tmp_path, extra)
    with pytest.raises(ScenarioError, match=field.replace(".", r"\.")):
        load_scenario(path)
    result = runner.invoke(app, ["dimension", str(path)])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Feil:" in result.stderr and field in result.stderr


def test_unknown_projection_key_lists_the_allowed_ones(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=r"ukjent.*alternativ;.*tillatt.*alternative"):
        load_scenario(scenario_file(tmp_path, 'alternativ = "LLML"'))


@pytest.mark.parametrize("file_line", ["file = 5", "file = true", 'file = ""'])
def test_a_file_that_is_not_a_name(tmp_path: Path, file_line: str) -> None:
    path = tmp_path / "s.toml"
    path.write_text(f'name = "T"\npositions = 5\n[projection]\n{file_line}\nregion = "1804"\n', encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"projection\.file"):
        load_scenario(path)
    result = runner.invoke(app, ["dimension", str(path)])
    assert result.exit_code == 2
    assert "projection.file" in result.stderr


def test_years_in_order_still_work(tmp_path: Path) -> None:
    scenario = load_scenario(scenario_file(tmp_path, 'years = [2022, 2030]\nalternative = "LLML"'))
    assert [row.year for row in scenario.projection.years] == [2022, 2030]
    assert scenario.projection.alternative == "LLML"
