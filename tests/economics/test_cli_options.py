"""`legeplan economics`, `actions convert` and `report`: nonsense options are usage errors (exit 2), never a
traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from legeplan.cli import app

runner = CliRunner()


def _clean_usage_error(args: list[str]) -> str:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    return " ".join(result.output.split())


@pytest.mark.parametrize("share", ["-1", "1.5", "nan", "inf"])
def test_top_up_share_must_be_a_share(share: str) -> None:
    assert "andel mellom 0 og 1" in _clean_usage_error(["economics", "--top-up-share", share])


@pytest.mark.parametrize(
    "args",
    [
        ["--listed", "-1"],
        ["--listed", "99999999"],
        ["--top-up-positions", "-3"],
        ["--vacancies", "-1"],
        ["--population", "-5", "--centrality", "6"],
        ["--population", "100", "--centrality", "0"],
        ["--population", "100", "--centrality", "6", "--applied", "-5"],
        ["--population", "100", "--centrality", "6", "--applied", "inf"],
        ["--listed", "mange"],
    ],
)
def test_economics_rejects_nonsense(args: list[str]) -> None:
    _clean_usage_error(["economics", *args])


@pytest.mark.parametrize(
    ("args", "missing"),
    [
        (["--population", "3000"], "--centrality"),
        (["--centrality", "6"], "--population"),
        (["--applied", "500000"], "--population"),
    ],
)
def test_grant_options_are_not_silently_ignored(args: list[str], missing: str) -> None:
    assert missing in _clean_usage_error(["economics", *args])


def test_grant_with_both_options() -> None:
    result = runner.invoke(app, ["economics", "--population", "3000", "--centrality", "6", "--applied", "500000"])
    assert result.exit_code == 0, result.output
    assert "Legevakttilskudd" in result.output


def test_actions_convert_to_a_missing_folder(tmp_path: Path) -> None:
    result = runner.invoke(app, ["actions", "convert", str(tmp_path / "nei" / "plan.xlsx"), "--example"])
    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit), result.exception
    assert "finnes ikke" in " ".join(result.output.split())


@pytest.mark.parametrize(
    "args",
    [
        ["--simulation-runs", "-1"],
        ["--title", "  "],
        ["--as-of", "2020-01-01"],  # the demo register has one date
    ],
)
def test_report_rejects_nonsense(tmp_path: Path, args: list[str]) -> None:
    out = tmp_path / "plan.html"
    _clean_usage_error(["report", "--demo", "--out", str(out), *args])
    assert not out.exists()
