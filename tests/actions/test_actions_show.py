"""`legeplan actions show` shows each measure's latest follow-up; `duties` labels the Sum row's ratio."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from legeplan.actions import FollowUp, example_action_plan, save_action_plan
from legeplan.cli import app, plan_cmd
from legeplan.register.demo import demo_register
from legeplan.report.chapters.institusjon import duties_blocks

runner = CliRunner(env={"COLUMNS": "200"})


def test_show_has_the_latest_follow_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The command module's console takes its width when it is first imported, by whichever test ran first on this
    # process (under pytest-xdist another test's COLUMNS=80); this test reads a wide table.
    monkeypatch.setattr(plan_cmd, "console", Console(width=200))
    plan = example_action_plan()
    first = plan.measures[0].model_copy(
        update={
            "follow_up": (
                FollowUp(date=date(2022, 3, 1), note="Drøftet i SU"),
                FollowUp(date=date(2023, 2, 1), note="Ny hjemmel lyst ut"),
            )
        }
    )
    path = tmp_path / "plan.json"
    save_action_plan(plan.model_copy(update={"measures": (first, *plan.measures[1:])}), path)
    result = runner.invoke(app, ["actions", "show", str(path)])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "Siste oppfølging" in text
    assert "01.02.2023: Ny hjemmel lyst ut" in text.replace("│", " ").replace("  ", " ")


def test_duties_sum_row_says_which_places_the_ratio_covers() -> None:
    table = next(b for b in duties_blocks(demo_register()) if getattr(b, "caption", "").startswith("Legetimer i"))
    assert table.total_rows[0][1] == "Timer per plass: sykehjem og ØHD"
