"""The speed work of issue #15 changes no content: the demo plan rendered from cached charts is the plan drawn from
scratch (same HTML, same PDF input, same Word text and pictures), and `legeplan report` with several outputs builds
the plan once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from legeplan.cli import app
from legeplan.cli.report_cmd import _demo_inputs
from legeplan.report import PlanDocument, build_plan, chart_cache, charts, render_docx, render_html
from legeplan.report.render.pdf import print_html

runner = CliRunner()


@pytest.fixture(scope="module")
def demo() -> PlanDocument:
    return build_plan(_demo_inputs(date(2024, 1, 1)))


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[list[str]]:
    """Real drawings, on an empty cache with its own disk folder."""
    monkeypatch.setenv("LEGEPLAN_CACHE_DIR", str(tmp_path / "cache"))
    calls: list[str] = []
    real = charts._draw

    def counting(spec: charts.BarChart | charts.LineChart | charts.AgePyramid | charts.StackedBarChart) -> object:
        calls.append(spec.kind)
        return real(spec)

    monkeypatch.setattr(charts, "_draw", counting)
    chart_cache.CHARTS.clear()
    yield calls
    chart_cache.CHARTS.clear()


def _word_text(path: Path) -> list[str]:
    """Every paragraph and table cell of the Word file, in order, and the pictures' sizes."""
    word = docx.Document(str(path))
    text = [paragraph.text for paragraph in word.paragraphs]
    text += [cell.text for table in word.tables for row in table.rows for cell in row.cells]
    text += [f"{shape.width}x{shape.height}" for shape in word.inline_shapes]
    return text


def test_cached_render_is_the_drawn_render(demo: PlanDocument, counted: list[str], tmp_path: Path) -> None:
    from legeplan.report.render.common import untitled

    figures = len({untitled(figure).model_dump_json() for figure in demo.figures()})
    assert figures >= 5
    drawn_html = render_html(demo)
    drawn_pdf_input = print_html(demo)
    assert len(counted) == figures  # HTML and the PDF's HTML share each chart's one SVG
    render_docx(demo, tmp_path / "drawn.docx")
    assert len(counted) == 2 * figures  # plus one PNG each for Word

    chart_cache.CHARTS.clear()  # a new process: memory empty, the disk folder filled
    assert render_html(demo) == drawn_html
    assert print_html(demo) == drawn_pdf_input  # the PDF is a function of this HTML and these SVG images
    render_docx(demo, tmp_path / "cached.docx")
    assert len(counted) == 2 * figures  # nothing drawn again
    assert chart_cache.CHARTS.disk_hits == 2 * figures
    assert _word_text(tmp_path / "cached.docx") == _word_text(tmp_path / "drawn.docx")


def test_uncached_charts_are_the_cached_ones(demo: PlanDocument, counted: list[str]) -> None:
    """The cache is bypassed by `cached=False`: the old path, drawing every time, gives the same SVG."""
    from legeplan.report.render.common import untitled

    for figure in demo.figures()[:3]:
        spec = untitled(figure)
        assert charts.to_svg(spec) == charts.to_svg(spec, cached=False)


def test_several_outputs_build_the_plan_once(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from legeplan.report import build as build_module

    calls: list[int] = []
    real = build_module.compute_facts

    def counting(inputs: object) -> object:
        calls.append(1)
        return real(inputs)  # type: ignore[arg-type]

    monkeypatch.setattr(build_module, "compute_facts", counting)
    html, word = tmp_path / "plan.html", tmp_path / "plan.docx"
    result = runner.invoke(app, ["report", "--demo", "--simulation-runs", "50", "--out", str(html), "--out", str(word)])
    assert result.exit_code == 0, result.output
    assert calls == [1]
    assert "Sandefjord kommune (demo)" in html.read_text(encoding="utf-8")
    assert any(p.text == "21.3 Tiltaksplan" for p in docx.Document(str(word)).paragraphs)
    assert "plan.html" in result.output and "plan.docx" in result.output


def test_same_output_twice_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "plan.html"
    result = runner.invoke(app, ["report", "--demo", "--out", str(out), "--out", str(out)])
    assert result.exit_code == 2
    assert "samme utfil" in result.output
    assert not out.exists()
