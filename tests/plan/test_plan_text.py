"""The municipality's own text: `plan init` writes one guided Markdown file per chapter, `report --text` merges it on
every run, `{{ names }}` take the plan's own figures, and a wrong name is a Norwegian error with file and line."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from legeplan.cli import app
from legeplan.plan import (
    CHAPTER_IDS,
    OUTLINE,
    TEXT_VARIABLES,
    PlanTextError,
    demo_text_folder,
    file_name,
    read_text_folder,
    render_plan_text,
    write_text_folder,
)
from legeplan.register.demo import demo_register
from legeplan.report import PlanInputs, Prose, build_plan, render_html
from legeplan.report.facts import compute_facts

runner = CliRunner()


@pytest.fixture(scope="module")
def values() -> dict[str, str]:
    return compute_facts(PlanInputs(register=demo_register())).variables()


def test_every_documented_name_has_a_value_and_the_seed_numbers(values: dict[str, str]) -> None:
    assert set(values) == set(TEXT_VARIABLES)
    # Seed 001 (Sandefjord demo): 54 hjemler, 1 013 free places, 1.6 % free capacity, average list 1 143.
    assert values["hjemler"] == "54"
    assert values["ledige_plasser"] == "1 013"
    assert values["ledig_kapasitet"] == "1,6 %"
    assert values["snittliste"] == "1 143"
    assert values["stabilitet_region"] == "84 %"  # Helse Nord 464/552


def test_init_writes_one_guided_file_per_chapter_and_keeps_existing_text(tmp_path: Path) -> None:
    written = write_text_folder(tmp_path)
    assert [path.name for path in written] == [file_name(chapter_id) for chapter_id in CHAPTER_IDS]
    legevakt = (tmp_path / file_name("legevakt")).read_text(encoding="utf-8")
    assert "## Legevaktsentral og nødnett" in legevakt and "<!--" in legevakt
    own = tmp_path / file_name("legevakt")
    own.write_text("## Status\n\nVår legevakt.\n", encoding="utf-8")
    assert write_text_folder(tmp_path) == []  # nothing overwritten
    assert own.read_text(encoding="utf-8") == "## Status\n\nVår legevakt.\n"


def test_guides_are_comments_and_do_not_reach_the_plan(tmp_path: Path) -> None:
    write_text_folder(tmp_path)
    doc = build_plan(PlanInputs(register=demo_register(), text=read_text_folder(tmp_path)))
    assert not [b for c in doc.chapters for b in c.all_blocks() if isinstance(b, Prose)]


def test_text_is_merged_under_its_section_with_figures_filled_in(tmp_path: Path) -> None:
    (tmp_path / file_name("fastlegeordningen")).write_text(
        "<!-- hemmelig merknad -->\nInnledning.\n\n## Status\n\nLedig kapasitet er {{ ledig_kapasitet }}.\n\n"
        "## Egen overskrift\n\nEkstra.\n",
        encoding="utf-8",
    )
    doc = build_plan(PlanInputs(register=demo_register(), text=read_text_folder(tmp_path)))
    chapter = next(c for c in doc.chapters if c.id == "fastlegeordningen")
    assert isinstance(chapter.blocks[0], Prose) and chapter.blocks[0].markdown == "Innledning."
    status = next(s for s in chapter.sections if s.title == "Status")
    assert isinstance(status.blocks[0], Prose)
    assert status.blocks[0].markdown == "Ledig kapasitet er 1,6 %."
    assert any(getattr(block, "caption", "") == "Hjemler og listeplasser per legekontor" for block in status.blocks)
    assert chapter.sections[-1].title == "Egen overskrift"
    html = render_html(doc)
    assert "<p>Ledig kapasitet er 1,6 %.</p>" in html and "hemmelig merknad" not in html


def test_unknown_name_names_file_and_line(tmp_path: Path, values: dict[str, str]) -> None:
    path = tmp_path / file_name("legevakt")
    path.write_text("<!-- en\nkommentar -->\n## Status\n\nVi har {{ ledig_kapasitett }} ledig.\n", encoding="utf-8")
    with pytest.raises(PlanTextError, match=r"08-legevakt\.md, linje 5: ukjent tall «\{\{ ledig_kapasitett \}\}»"):
        render_plan_text(read_text_folder(tmp_path), values)


def test_template_syntax_error_names_file_and_line(tmp_path: Path, values: dict[str, str]) -> None:
    (tmp_path / file_name("legevakt")).write_text("Linje en.\n\n{{ hjemler \n", encoding="utf-8")
    with pytest.raises(PlanTextError, match=r"08-legevakt\.md, linje \d"):
        render_plan_text(read_text_folder(tmp_path), values)


def test_rendering_is_sandboxed_and_html_is_escaped(tmp_path: Path, values: dict[str, str]) -> None:
    (tmp_path / file_name("legevakt")).write_text("{{ hjemler.__class__.__mro__ }}", encoding="utf-8")
    with pytest.raises(PlanTextError):
        render_plan_text(read_text_folder(tmp_path), values)
    (tmp_path / file_name("legevakt")).write_text("<script>alert(1)</script> **fet**", encoding="utf-8")
    doc = build_plan(PlanInputs(register=demo_register(), text=read_text_folder(tmp_path)))
    html = render_html(doc)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html and "<strong>fet</strong>" in html


def test_a_misnamed_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "07-fastlegeordning.md").write_text("Tekst", encoding="utf-8")
    with pytest.raises(PlanTextError, match="svarer ikke til noe kapittel"):
        read_text_folder(tmp_path)


def test_demo_text_covers_every_chapter_and_renders(values: dict[str, str]) -> None:
    source = read_text_folder(demo_text_folder())
    assert set(source.files) == set(CHAPTER_IDS)
    text = render_plan_text(source, values)
    for chapter in OUTLINE:
        rendered = text.chapter(chapter.id)
        assert rendered is not None
        written = {section.key for section in rendered.sections}
        own = [section.key for section in chapter.sections if not section.computed]
        assert set(own) <= written, (chapter.id, set(own) - written)


def test_cli_init_then_report_merges_the_text(tmp_path: Path) -> None:
    folder = tmp_path / "plantekst"
    result = runner.invoke(app, ["plan", "init", "--demo", "--dir", str(folder)])
    assert result.exit_code == 0, result.output
    assert len(list(folder.glob("*.md"))) == len(CHAPTER_IDS)
    summary = (folder / file_name("sammendrag")).read_text(encoding="utf-8")
    assert "{{ ledig_kapasitet }}" in summary and "1,6 %" in summary  # draft: a name and today's findings
    out = tmp_path / "plan.html"
    result = runner.invoke(
        app, ["report", "--demo", "--text", str(folder), "--simulation-runs", "0", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "Ledig kapasitet på listene er 1,6 %" in html


def test_cli_report_with_unknown_name_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / file_name("legevakt")).write_text("{{ finnes_ikke }}", encoding="utf-8")
    out = tmp_path / "plan.html"
    result = runner.invoke(
        app, ["report", "--demo", "--text", str(tmp_path), "--simulation-runs", "0", "--out", str(out)]
    )
    assert result.exit_code == 2
    assert "linje 1" in result.output and "finnes_ikke" in result.output
    assert not out.exists()


def test_cli_variables_lists_names_with_values() -> None:
    result = runner.invoke(app, ["plan", "variables", "--demo"])
    assert result.exit_code == 0, result.output
    assert "ledig_kapasitet" in result.output and "1,6 %" in result.output


def test_cli_internal_version_says_so_on_the_cover(tmp_path: Path) -> None:
    out = tmp_path / "intern.html"
    result = runner.invoke(app, ["report", "--demo", "--internal", "--simulation-runs", "0", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "intern versjon med legenes navn" in out.read_text(encoding="utf-8")
