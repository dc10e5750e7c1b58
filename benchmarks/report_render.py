"""Plan rendering speed: the full demo plan (`legeplan report --demo`: Sandefjord demo register with 54 hjemler,
scenario, simulation, action plan and consistency checks).

Prints absolute times and ratios against a baseline measured in the same run: one bare matplotlib bar chart saved
as SVG with default settings (what any chart costs at minimum). Run: python benchmarks/report_render.py
"""

from __future__ import annotations

import io
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

from matplotlib.figure import Figure

from legeplan.cli.report_cmd import DEMO_SEED, _demo_inputs
from legeplan.report import build_plan, render_docx, render_html, render_pdf
from legeplan.report.charts import bar_chart
from legeplan.report.inputs import simulate_from_register


def baseline_chart() -> str:
    figure = Figure()
    figure.add_subplot().bar(range(54), range(54))
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg")
    return buffer.getvalue()


def timed(function: Callable[[], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    inputs = _demo_inputs(date(2021, 1, 1))
    # As `legeplan report --demo` does: the vacancy simulation from the register (1 000 runs, 10 years).
    simulation = simulate_from_register(
        inputs.register, inputs.scenario, inputs.economics, runs=1000, years=10, seed=DEMO_SEED
    )
    inputs = replace(inputs, simulation=simulation)
    register = inputs.register
    categories = [p.id for p in register.positions]
    values = [float(p.listed_patients) for p in register.positions]
    baseline_chart()  # warm up font cache
    base = timed(baseline_chart, 5)
    chart = timed(lambda: bar_chart(categories, values, title="Listelengde", reference_line=1143), 5)
    doc = build_plan(inputs)
    build = timed(lambda: build_plan(inputs), 3)
    html = timed(lambda: render_html(doc), 2)
    with tempfile.TemporaryDirectory() as folder:
        pdf = timed(lambda: render_pdf(doc, Path(folder) / "plan.pdf"), 1)
        docx = timed(lambda: render_docx(doc, Path(folder) / "plan.docx"), 1)
    print(f"register: {len(register.positions)} hjemler, {len(doc.figures())} figurer, {len(doc.tables())} tabeller")
    print(f"baseline bare matplotlib SVG bar chart: {base * 1000:7.1f} ms")
    for name, seconds in (
        ("bar_chart (54 bars, SVG)", chart),
        ("build_plan", build),
        ("render_html (all charts)", html),
        ("render_pdf (WeasyPrint)", pdf),
        ("render_docx (PNG charts)", docx),
    ):
        print(f"{name:32s} {seconds * 1000:8.1f} ms  = {seconds / base:6.1f} x baseline")


if __name__ == "__main__":
    main()
