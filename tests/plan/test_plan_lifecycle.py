"""Plan text in the database: every save is a version (who, when); the plan moves utkast → høring → vedtatt with date
and case number; adoption freezes the register date, and `legeplan report -m` uses the stored text and that date."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from legeplan.cli import app
from legeplan.plan.lifecycle import PlanLifecycleError, PlanState, check_transition
from legeplan.plan.outline import file_name
from legeplan.register.demo import demo_register
from legeplan.storage import Storage
from legeplan.storage.plan_texts import plan_versions, save_plan_text, set_plan_state

runner = CliRunner()


def test_transitions() -> None:
    check_transition(PlanState.DRAFT, PlanState.CONSULTATION)
    check_transition(PlanState.CONSULTATION, PlanState.ADOPTED)
    check_transition(PlanState.CONSULTATION, PlanState.DRAFT)
    with pytest.raises(PlanLifecycleError, match="kan ikke gå til «vedtatt»; mulig: høring"):
        check_transition(PlanState.DRAFT, PlanState.ADOPTED)
    with pytest.raises(PlanLifecycleError, match="lagre ny tekst"):
        check_transition(PlanState.ADOPTED, PlanState.DRAFT)


@pytest.fixture
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Two snapshots of the demo municipality (2018 and 2020) in a fresh SQLite database (migrated to head)."""
    url = f"sqlite:///{tmp_path / 'legeplan.sqlite'}"
    monkeypatch.setenv("LEGEPLAN_DATABASE_URL", url)
    register = demo_register()
    storage = Storage(url)
    storage.save_register(register.model_copy(update={"as_of": date(2018, 1, 1)}))
    storage.save_register(register)
    storage.dispose()
    return url


def test_versions_keep_who_and_state(url: str) -> None:
    storage = Storage(url)
    try:
        first = save_plan_text(storage, "3804", {"legevakt": "## Status\n\nTekst."}, "kari")
        on_hearing = set_plan_state(storage, "3804", PlanState.CONSULTATION, author="ola", when=date(2020, 9, 1))
        edited = save_plan_text(storage, "3804", {"legevakt": "## Status\n\nEndret etter høring."}, "kari")
        adopted = set_plan_state(
            storage,
            "3804",
            PlanState.ADOPTED,
            author="ola",
            when=date(2020, 12, 10),
            case_number="20/123",
            register_as_of=date(2020, 8, 1),
        )
        after = save_plan_text(storage, "3804", {"legevakt": "Neste plan."}, "kari")
        versions = plan_versions(storage, "3804")
    finally:
        storage.dispose()
    assert [v.version for v in versions] == [1, 2, 3, 4, 5]
    assert [v.state for v in versions] == [
        PlanState.DRAFT,
        PlanState.CONSULTATION,
        PlanState.CONSULTATION,  # edits during høring keep the state
        PlanState.ADOPTED,
        PlanState.DRAFT,  # new text after adoption is the next draft
    ]
    assert first.author == "kari" and on_hearing.files == first.files
    assert edited.state_date == date(2020, 9, 1)
    assert adopted.files == edited.files and adopted.describe() == "Vedtatt 10.12.2020, sak 20/123"
    assert after.describe() == "Utkast, versjon 5"


def test_cli_save_hearing_adopt_and_report_from_the_frozen_date(url: str, tmp_path: Path) -> None:
    folder = tmp_path / "plantekst"
    folder.mkdir()
    (folder / file_name("legevakt")).write_text("## Status\n\nVi har {{ hjemler }} hjemler.\n", encoding="utf-8")
    result = runner.invoke(app, ["plan", "save", "-m", "3804", "--dir", str(folder), "--author", "kari"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        app, ["plan", "status", "-m", "3804", "--state", "vedtatt", "--date", "2019-06-01", "--author", "ola"]
    )
    assert result.exit_code == 2 and "mulig: høring" in result.output
    for arguments in (
        ["--state", "høring", "--date", "2019-03-01"],
        ["--state", "vedtatt", "--date", "2019-06-01", "--case", "19/55"],
    ):
        result = runner.invoke(app, ["plan", "status", "-m", "3804", *arguments, "--author", "ola"])
        assert result.exit_code == 0, result.output
    assert "frosset per 01.01.2018" in result.output  # the latest snapshot on the day of adoption
    result = runner.invoke(app, ["plan", "versions", "-m", "3804"])
    assert result.exit_code == 0 and "kari" in result.output and "19/55" in result.output  # (the table wraps)
    out = tmp_path / "plan.html"
    result = runner.invoke(app, ["report", "-m", "3804", "--simulation-runs", "0", "--out", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "Vedtatt 01.06.2019, sak 19/55" in html
    assert "Datagrunnlag per 01.01.2018" in html
    assert "Vi har 54 hjemler." in html
    exported = tmp_path / "eksport"
    result = runner.invoke(app, ["plan", "export", "-m", "3804", "--dir", str(exported)])
    assert result.exit_code == 0, result.output
    assert (exported / file_name("legevakt")).read_text(encoding="utf-8").startswith("## Status")
