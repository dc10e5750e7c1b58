"""`legeplan dimension`: out-of-range options and scenario errors in bokmål, exit 2, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from legeplan.capacity import ScenarioError, load_scenario
from legeplan.cli import app

runner = CliRunner()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--recruitment-lag", "25"], "--recruitment-lag må være mellom 0,1 og 20, ikke 25"),
        (["--recruitment-lag", "0"], "--recruitment-lag må være mellom 0,1 og 20"),
        (["--seed", "-1"], "--seed må være et heltall 0 eller større, ikke -1"),
        (["--turnover", "12.8"], "oppgi som andel, f.eks. 0,128"),
        (["--turnover", "nan"], "--turnover må være mellom 0 og 1, ikke nan"),
        (["--locum-cost", "inf"], "--locum-cost må være mellom 0 og"),
        (["--runs", "0"], "--runs må være mellom 1 og"),
        (["--years", "61"], "--years må være mellom 1 og 60"),
        (["--lis1-per-year", "-1"], "--lis1-per-year må være mellom 0 og"),
    ],
)
def test_bad_simulation_options_exit_2_in_norwegian(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["dimension", "sandefjord", "--simulate", *args])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert message in result.stderr


def test_a_valid_seed_of_zero_and_the_largest_lag_work() -> None:
    args = ["dimension", "sandefjord", "--simulate", "--runs", "20", "--years", "2", "--seed", "0"]
    result = runner.invoke(app, [*args, "--recruitment-lag", "20", "--json"])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)["simulation"]["bands"]) == 2


def write(tmp_path: Path, lines: str) -> Path:
    path = tmp_path / "s.toml"
    path.write_text(
        f'name = "T"\naverage_list_length = 1000\n{lines}\n[[projection]]\nyear = 2020\nby_age = {{ "alle" = 1000 }}\n',
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ("positions = 0", "positions: må være større enn 0 (verdi: 0)"),
        ("positions = 5\nretirement_age = 90", "retirement_age: må være 80 eller mindre (verdi: 90)"),
        ("positions = 5\nretirement_age = 50", "retirement_age: må være 60 eller mer (verdi: 50)"),
        (
            "positions = 5\ntarget_free_share = 7",
            "target_free_share: må være mindre enn 1; oppgi som andel, f.eks. 0,07",
        ),
        ('positions = "mange"', "positions: må være et heltall"),
        ("positions = 5\nfoo = 1", "foo: ukjent felt"),
        ("", "positions: må fylles ut"),
    ],
)
def test_scenario_errors_are_in_bokmal_with_the_limit(tmp_path: Path, lines: str, message: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(write(tmp_path, lines))
    assert message in str(caught.value)
    assert "Input should" not in str(caught.value)
