"""The figures of «Legevakt» and «Rekruttering og utdanning»: each in its chapter, with numbers recounted here from
the demo register independently of the report code."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest

from legeplan.capacity import example_scenario
from legeplan.register.demo import demo_register
from legeplan.register.models import PhysicianRole, Register
from legeplan.report.build import PlanInputs, build_plan
from legeplan.report.charts import BarChart, StackedBarChart
from legeplan.report.document import Chapter, Figure, Paragraph, PlanDocument


@pytest.fixture(scope="module")
def demo() -> Register:
    return demo_register()


def _chapter(doc: PlanDocument, chapter_id: str) -> Chapter:
    return next(chapter for chapter in doc.chapters if chapter.id == chapter_id)


def _figures(chapter: Chapter) -> list[Figure]:
    blocks = [*chapter.blocks, *(block for section in chapter.sections for block in section.blocks)]
    return [block for block in blocks if isinstance(block, Figure)]


def _text(chapter: Chapter) -> str:
    return " ".join(block.text for block in chapter.all_blocks() if isinstance(block, Paragraph))


def _legevakt_figure(doc: PlanDocument) -> Figure:
    matches = [
        f for f in _figures(_chapter(doc, "legevakt")) if f.caption.startswith("Leger (uten vikarer) etter alder")
    ]
    assert len(matches) == 1, [f.caption for f in _figures(_chapter(doc, "legevakt"))]
    return matches[0]


def _retirement_figure(doc: PlanDocument) -> Figure:
    matches = [f for f in _figures(_chapter(doc, "rekruttering")) if "pensjonsalderen" in f.caption]
    assert len(matches) == 1, [f.caption for f in _figures(_chapter(doc, "rekruttering"))]
    return matches[0]


def test_legevakt_figure_counts_participating_and_exempt_by_age(demo: Register) -> None:
    doc = build_plan(PlanInputs(register=demo))
    figure = _legevakt_figure(doc)
    chart = figure.chart
    assert isinstance(chart, StackedBarChart)
    assert chart.categories == ["Under 55 år", "55–59 år", "60 år og eldre"]
    assert figure.as_of == demo.as_of
    assert figure.source.startswith("Kommunens legeregister")
    # Recounted from birth years: born after as_of.year-55, 55–59, 60 or older; locums not counted.
    year = demo.as_of.year
    doctors = [p for p in demo.physicians if p.active_at(demo.as_of) and p.role is not PhysicianRole.LOCUM]
    bands = [
        [p for p in doctors if p.birth_year > year - 55],
        [p for p in doctors if year - 60 < p.birth_year <= year - 55],
        [p for p in doctors if p.birth_year <= year - 60],
    ]
    participating = [sum(1 for p in band if p.legevakt_participation and not p.legevakt_exempt) for band in bands]
    exempt = [sum(1 for p in band if p.legevakt_exempt) for band in bands]
    assert chart.segments["Deltar i legevakt"] == [float(n) for n in participating]
    assert chart.segments["Fritatt"] == [float(n) for n in exempt]
    # The demo: 46 under 55 and 5 aged 55–59 on duty; the 8 aged 60+ are all exempt; nobody is neither.
    assert participating == [46, 5, 0]
    assert exempt == [0, 0, 8]
    assert "Deltar ikke (uten fritak)" not in chart.segments
    assert "Av 51 leger som deltar i legevakt, er 5 mellom 55 og 59 år" in _text(_chapter(doc, "legevakt"))


def test_legevakt_figure_shows_a_doctor_who_neither_serves_nor_is_exempt(demo: Register) -> None:
    first = next(p for p in demo.physicians if p.role is PhysicianRole.GP and p.active_at(demo.as_of))
    changed = first.model_copy(update={"legevakt_participation": False, "legevakt_exempt": False})
    register = demo.model_copy(update={"physicians": [changed if p is first else p for p in demo.physicians]})
    chart = _legevakt_figure(build_plan(PlanInputs(register=register))).chart
    assert isinstance(chart, StackedBarChart)
    assert sum(chart.segments["Deltar ikke (uten fritak)"]) == 1
    assert sum(chart.segments["Deltar i legevakt"]) == 50


def test_with_a_rota_the_load_figure_is_sorted_against_the_even_share(demo: Register) -> None:
    from legeplan.legevakt import analyse_load, example_problem, round_robin_rota

    problem = example_problem("small")
    load = analyse_load(problem, round_robin_rota(problem))
    doc = build_plan(PlanInputs(register=demo, legevakt_load=load))
    figures = _figures(_chapter(doc, "legevakt"))
    assert [f.caption for f in figures] == ["Vakttimer per uke per lege"]
    chart = figures[0].chart
    assert isinstance(chart, BarChart)
    assert chart.horizontal
    assert chart.values == sorted(chart.values, reverse=True)
    assert sorted(chart.values) == sorted(d.hours_per_week for d in load.doctors)
    assert chart.reference_line == pytest.approx(sum(d.hours_per_week for d in load.doctors) / len(load.doctors))


def _expected_retirements(register: Register, retirement_age: int) -> dict[int, int]:
    year = register.as_of.year
    gps = [
        p
        for p in register.physicians
        if p.role in (PhysicianRole.GP, PhysicianRole.ALIS) and p.active_at(register.as_of)
    ]
    counts = Counter(max(year, p.birth_year + retirement_age) for p in gps)
    return {y: counts.get(y, 0) for y in range(year, year + 11)}


@pytest.mark.parametrize("retirement_age", [70, 67])
def test_retirement_figure_counts_gps_reaching_the_age_per_year(demo: Register, retirement_age: int) -> None:
    scenario = example_scenario("sandefjord").model_copy(update={"retirement_age": retirement_age})
    doc = build_plan(PlanInputs(register=demo, scenario=scenario))
    figure = _retirement_figure(doc)
    chart = figure.chart
    assert isinstance(chart, StackedBarChart)
    assert figure.as_of == demo.as_of
    assert figure.source.startswith("Kommunens legeregister")
    assert f"({retirement_age} år)" in figure.caption
    expected = _expected_retirements(demo, retirement_age)
    assert chart.categories == [str(year) for year in expected]
    assert chart.segments["Når pensjonsalderen dette året"] == [float(n) for n in expected.values()]
    # Each bar stands on the earlier years' retirements, so its height is the running total.
    earlier = [float(sum(n for y, n in expected.items() if y < year)) for year in expected]
    assert chart.segments["Nådd pensjonsalderen tidligere i perioden"] == earlier
    total = sum(expected.values())
    # 54: the 40 specialists and the 14 ALIS; the plan counts ALIS as fastleger everywhere (Vefsn: «13 fastleger»).
    assert f"når {total} av kommunens 54 fastleger pensjonsalderen i 2020–2030" in _text(_chapter(doc, "rekruttering"))


def test_demo_retirements_at_70_and_67(demo: Register) -> None:
    """The demo's GPs are born 1952–1985: at 70, eight reach the age by 2030 (one a year 2022, 2024–2030); at 67 the
    one born 1952 is already past it and counts in 2020."""
    at_70 = _expected_retirements(demo, 70)
    assert sum(at_70.values()) == 8
    assert [y for y, n in at_70.items() if n] == [2022, 2024, 2025, 2026, 2027, 2028, 2029, 2030]
    at_67 = _expected_retirements(demo, 67)
    assert at_67[2020] == 1
    assert sum(at_67.values()) == 11


def test_retirement_age_defaults_to_70_without_a_scenario(demo: Register) -> None:
    plain = _retirement_figure(build_plan(PlanInputs(register=demo)))
    assert "(70 år)" in plain.caption
    assert "standard" in plain.source


def test_no_retirement_figure_when_nobody_reaches_the_age(demo: Register) -> None:
    young = [p.model_copy(update={"birth_year": max(p.birth_year, 1975)}) for p in demo.physicians]
    doc = build_plan(replace(PlanInputs(register=demo), register=demo.model_copy(update={"physicians": young})))
    chapter = _chapter(doc, "rekruttering")
    assert not [f for f in _figures(chapter) if "pensjonsalderen" in f.caption]
    assert "Ingen av kommunens 54 fastleger når pensjonsalderen 70 år innen 2030." in _text(chapter)
