"""Plan rendering speed on a Sandefjord-sized register (54 hjemler, seed 001).

Prints absolute times and ratios against a baseline measured in the same run: one bare matplotlib bar chart saved
as SVG with default settings (what any chart costs at minimum). Run: python benchmarks/report_render.py
"""

from __future__ import annotations

import io
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from matplotlib.figure import Figure

from legeplan.register.models import (
    Institution,
    InstitutionKind,
    Municipality,
    Office,
    Physician,
    Position,
    Register,
    Sex,
    SpecialistStatus,
)
from legeplan.report import PlanInputs, build_plan, render_docx, render_html, render_pdf
from legeplan.report.charts import bar_chart

CODE = "3907"


def sandefjord_sized() -> Register:
    offices = tuple(Office(id=f"K{n}", municipality_code=CODE, name=f"Legekontor {n}") for n in range(1, 13))
    positions = []
    physicians = []
    for n in range(54):
        listed = 1143 + (n % 7 - 3) * 40
        positions.append(
            Position(
                id=f"H{n:02d}",
                municipality_code=CODE,
                office_id=f"K{n % 12 + 1}",
                list_ceiling=listed + (n % 3) * 20,
                listed_patients=listed,
            )
        )
        physicians.append(
            Physician(
                id=f"L{n:02d}",
                municipality_code=CODE,
                name=f"Lege {n}",
                birth_year=1955 + n % 40,
                sex=Sex.FEMALE if n % 2 else Sex.MALE,
                specialist_status=SpecialistStatus.SPECIALIST if n % 4 else SpecialistStatus.IN_TRAINING,
                position_id=f"H{n:02d}",
                start_date=date(2010, 1, 1),
            )
        )
    homes = tuple(
        Institution(
            id=f"S{n}",
            municipality_code=CODE,
            name=f"Sykehjem {n}",
            kind=InstitutionKind.NURSING_HOME_LONG_TERM,
            places=places,
            doctor_hours_per_week=hours,
        )
        for n, (places, hours) in enumerate([(120, 90.0), (100, 70.0), (93, 66.25), (80, 55.0)], start=1)
    )
    return Register(
        as_of=date(2021, 1, 1),
        municipality=Municipality(code=CODE, name="Sandefjord", population=64_000, centrality=3),
        offices=offices,
        positions=tuple(positions),
        physicians=tuple(physicians),
        institutions=homes,
    )


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
    register = sandefjord_sized()
    categories = [p.id for p in register.positions]
    values = [float(p.listed_patients) for p in register.positions]
    baseline_chart()  # warm up font cache
    base = timed(baseline_chart, 5)
    chart = timed(lambda: bar_chart(categories, values, title="Listelengde", reference_line=1143), 5)
    doc = build_plan(PlanInputs(register=register))
    build = timed(lambda: build_plan(PlanInputs(register=register)), 3)
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
