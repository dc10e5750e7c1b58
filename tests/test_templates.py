"""Every template is documented in Norwegian and loads as it stands with the loader of its file kind."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

import legeplan.cli.commands  # noqa: F401  (registers the commands)
from legeplan.actions import load_action_plan
from legeplan.capacity import load_scenario
from legeplan.cli.app import app
from legeplan.duties import load_institutions
from legeplan.economics import EconomicsAssumptions, load_assumptions
from legeplan.legevakt.io import load_problem
from legeplan.templates import TEMPLATE_FILES, template_text

runner = CliRunner()


def test_every_template_loads_and_is_documented(tmp_path: Path) -> None:
    loaders = {
        "scenario": load_scenario,
        "rota-problem": load_problem,
        "institutions": load_institutions,
        "economics": load_assumptions,
        "actions": load_action_plan,
    }
    assert set(loaders) == set(TEMPLATE_FILES)
    for kind, load in loaders.items():
        out = tmp_path / f"{kind}.toml"
        result = runner.invoke(app, ["template", kind, "--out", str(out)])
        assert result.exit_code == 0, result.output
        assert out.read_text(encoding="utf-8") == template_text(kind)
        load(out)  # raises if the template is not a valid file of its kind
        comments = [line for line in template_text(kind).splitlines() if line.startswith("#")]
        assert len(comments) >= 3, kind
    assert load_assumptions(tmp_path / "economics.toml").salary_per_year == EconomicsAssumptions().salary_per_year


def test_actions_template_and_no_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "tiltak.toml"
    assert runner.invoke(app, ["actions", "template", "--out", str(out)]).exit_code == 0
    assert load_action_plan(out).measures[0].number == "1.1"
    again = runner.invoke(app, ["actions", "template", "--out", str(out)])
    assert again.exit_code == 2 and "finnes allerede" in again.output
    unknown = runner.invoke(app, ["template", "ukjent", "--out", str(tmp_path / "x.toml")])
    assert unknown.exit_code == 2 and "scenario" in unknown.output
