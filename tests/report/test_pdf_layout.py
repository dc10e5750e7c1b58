"""Readable PDF: many bars name every n-th category, the action plan's numbers never wrap, long words are
hyphenated (not split) in narrow columns."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from legeplan.actions import example_action_plan
from legeplan.register.demo import demo_register
from legeplan.report.build import PlanInputs, build_plan
from legeplan.report.charts import MAX_TICK_LABELS, BarChart, _tick_step, to_svg
from legeplan.report.render import render_html, render_pdf


def test_many_bars_name_every_nth_category() -> None:
    categories = [f"H{number:03d}" for number in range(1, 55)]
    svg = to_svg(BarChart(title="Listelengde", categories=categories, values=[1000.0] * 54))
    named = [category for category in categories if f">{category}<" in svg]
    assert _tick_step(54) == 5
    assert len(named) <= MAX_TICK_LABELS
    assert named[:3] == ["H001", "H006", "H011"]
    assert "Hver 5. av 54 er navngitt" in svg
    few = to_svg(BarChart(title="Status", categories=["Planlagt", "Pågår"], values=[3.0, 4.0]))
    assert ">Planlagt<" in few and ">Pågår<" in few and "navngitt" not in few


def _demo_action_html() -> str:
    return render_html(build_plan(PlanInputs(register=demo_register(), action_plan=example_action_plan())))


def test_action_numbers_do_not_wrap() -> None:
    html = _demo_action_html()
    assert '<td class="nowrap">10.1</td>' in html
    assert re.search(r'<th class="nowrap" scope="col">Nr\.</th>', html)
    assert '<html lang="nb">' in html
    assert "hyphens: auto" in html
    assert "white-space: nowrap" in html


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_pdf_hyphenates_long_words_in_narrow_columns(tmp_path: Path) -> None:
    pdf = tmp_path / "plan.pdf"
    render_pdf(build_plan(PlanInputs(register=demo_register(), action_plan=example_action_plan())), pdf)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    lines = [line.strip() for line in text.splitlines()]
    # «pandemisituasjonen» in the narrow Frist column: split with a hyphen at a syllable, never bare mid-word.
    start = next(i for i, line in enumerate(lines) if line.startswith("pandemi"))
    assert lines[start] == "pandemisituasjonen" or lines[start].endswith(("-", "\u2010"))
    assert not any(line in ("1", "2", "3") and lines[i - 1].endswith(".") for i, line in enumerate(lines))
