"""The plan document: chapters, seed numbers in tables, source and date on every table and figure."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from pydantic import ValidationError

from legeplan.register.models import Institution, InstitutionKind, Register
from legeplan.report.build import CHAPTERS, PlanInputs, build_plan
from legeplan.report.document import (
    Chapter,
    Figure,
    KeyFigureGrid,
    Paragraph,
    PlanDocument,
    Table,
    norwegian_date,
    numbering,
)
from legeplan.report.norm import LegevaktNorm


def _table(doc: PlanDocument, caption: str) -> Table:
    matches = [table for table in doc.tables() if table.caption == caption]
    assert matches, f"no table {caption!r}: {[t.caption for t in doc.tables()]}"
    return matches[0]


def test_plan_has_the_outlines_chapters_in_order(plan_inputs: PlanInputs) -> None:
    doc = build_plan(plan_inputs)
    assert [chapter.title for chapter in doc.chapters] == [title for _id, title in CHAPTERS]
    assert doc.organisation == "Bodø kommune"
    assert doc.as_of == date(2024, 1, 1)


def test_every_table_and_figure_has_source_and_date(plan_inputs: PlanInputs) -> None:
    doc = build_plan(plan_inputs)
    assert len(doc.figures()) >= 4
    for block in [*doc.tables(), *doc.figures()]:
        assert block.source.strip()
        assert isinstance(block.as_of, date)
    grids = [b for chapter in doc.chapters for b in chapter.all_blocks() if isinstance(b, KeyFigureGrid)]
    assert grids and all(grid.source and grid.as_of for grid in grids)


def test_stadiontunet_hours_per_place_is_040(plan_inputs: PlanInputs) -> None:
    """Seed 003 (Bodø): Stadiontunet has 22.5 doctor hours a week for 56 places = 0.40 per place."""
    table = _table(build_plan(plan_inputs), "Legetimer i institusjoner og enheter")
    row = next(row for row in table.rows if row[0] == "Stadiontunet sykehjem")
    assert row[2:5] == ["56", "22,5", "0,40"]
    assert row[5] == "0,60"  # 22.5 h / 37.5 h per årsverk


def test_sandefjord_nursing_homes_393_places_is_75_arsverk(register: Register) -> None:
    """Seed 001 (Sandefjord): 393 nursing-home places served by 7.5 doctor årsverk (281.25 h/week)."""
    homes = tuple(
        Institution(
            id=f"sh{number}",
            municipality_code=register.municipality.code,
            name=f"Sykehjem {number}",
            kind=InstitutionKind.NURSING_HOME_LONG_TERM,
            places=places,
            doctor_hours_per_week=hours,
        )
        for number, (places, hours) in enumerate([(200, 150.0), (193, 131.25)], start=1)
    )
    doc = build_plan(PlanInputs(register=register.model_copy(update={"institutions": homes})))
    table = _table(doc, "Legetimer i institusjoner og enheter")
    assert table.total_rows[0][2] == "393"
    assert table.total_rows[0][5] == "7,50"
    assert table.total_rows[0][4] == "0,72"  # 281.25 / 393


def test_positions_per_office_add_up(plan_inputs: PlanInputs) -> None:
    table = _table(build_plan(plan_inputs), "Hjemler og listeplasser per legekontor")
    register = plan_inputs.register
    assert table.total_rows[0][1] == str(len(register.positions))
    listed = sum(position.listed_patients for position in register.positions)
    assert table.total_rows[0][3] == f"{listed:,}".replace(",", " ")
    assert sum(int(row[1]) for row in table.rows) == len(register.positions)


def test_vacant_positions_are_listed_under_absence(plan_inputs: PlanInputs) -> None:
    table = _table(build_plan(plan_inputs), "Hjemler som ikke er besatt av fast lege")
    assert [row[0] for row in table.rows] == ["H05"]
    assert table.rows[0][1] == "Ledig"


def test_own_introduction_replaces_the_standard_text(plan_inputs: PlanInputs) -> None:
    doc = build_plan(replace(plan_inputs, introduction=("Vår egen innledning.",)))
    first = next(c for c in doc.chapters if c.id == "innledning").blocks[0]
    assert isinstance(first, Paragraph) and first.text == "Vår egen innledning."


def test_sandefjord_action_plan_becomes_tables_and_a_chart(plan_inputs: PlanInputs) -> None:
    """Seed 001 section 8: 25 styringsmål; LIS1 from 5-6 is a measure; costs are amounts, ranges or «Må beregnes»."""
    from legeplan.actions import example_action_plan

    plan = example_action_plan()
    doc = build_plan(replace(plan_inputs, action_plan=plan))
    goals = _table(doc, "Styringsmål")
    assert len(goals.rows) == 25
    assert sum(int(row[2]) for row in goals.rows) == len(plan.measures)
    measures = _table(doc, "Tiltak")
    assert len(measures.rows) == len(plan.measures)
    assert any("LIS-1" in row[1] for row in measures.rows)
    cost = measures.columns.index("Kostnad")
    by_number = {row[0]: row for row in measures.rows}
    assert by_number["2.1"][cost] == "5 000 000–6 000 000 kr"
    assert by_number["3.1"][cost] == "Må beregnes"
    assert "Ansvar" not in measures.columns  # nobody is named responsible in the seed's table
    assert measures.source.startswith("Plan for legetjenesten 2021–2024, Sandefjord kommune")
    chapter = next(c for c in doc.chapters if c.id == "tiltak")
    total = plan.cost_total()
    summary = next(
        b for b in chapter.all_blocks() if isinstance(b, Paragraph) and b.text.startswith("Engangskostnader")
    )
    assert f"{total.uncosted} tiltak har ingen beregnet kostnad" in summary.text
    assert "1 530 000 kr" in summary.text and "Årlige kostnader kommer i tillegg: 40 000 kr per år" in summary.text
    status_chart = next(f for f in doc.figures() if f.caption == "Tiltak etter status").chart
    assert sum(status_chart.values) == len(plan.measures)  # type: ignore[union-attr]


def test_table_rows_must_match_columns() -> None:
    with pytest.raises(ValidationError, match="row 2: 1 cells for 2 columns"):
        Table(caption="t", columns=["a", "b"], rows=[["1", "2"], ["3"]], source="s", as_of=date(2024, 1, 1))


def test_table_and_figure_require_a_source() -> None:
    with pytest.raises(ValidationError, match="source"):
        Table(caption="t", columns=["a"], rows=[], source="", as_of=date(2024, 1, 1))


def test_chapter_ids_are_unique() -> None:
    chapter = Chapter(id="a", title="A")
    with pytest.raises(ValidationError, match="used twice"):
        PlanDocument(
            title="t", organisation="o", as_of=date(2024, 1, 1), generated=date(2024, 1, 1), chapters=[chapter, chapter]
        )


def test_numbering_restarts_per_chapter(plan_inputs: PlanInputs) -> None:
    doc = build_plan(plan_inputs)
    labels = numbering(doc)
    first_figure_of_each = [
        next(labels[id(block)] for block in chapter.all_blocks() if isinstance(block, Figure))
        for chapter in doc.chapters
        if any(isinstance(block, Figure) for block in chapter.all_blocks())
    ]
    assert all(label.endswith(".1") for label in first_figure_of_each)
    assert len(set(labels.values())) == len(labels)


def test_norwegian_date() -> None:
    assert norwegian_date(date(2024, 1, 1)) == "1. januar 2024"
    assert norwegian_date(date(2022, 12, 24)) == "24. desember 2022"


def _small_town(plan_inputs: PlanInputs, population: int = 9_000) -> PlanInputs:
    municipality = plan_inputs.register.municipality.model_copy(update={"population": population})
    return replace(plan_inputs, register=plan_inputs.register.model_copy(update={"municipality": municipality}))


def test_legevakt_staffing_against_vefsn_norm(plan_inputs: PlanInputs) -> None:
    """Seed 000 (Vefsn): every 12th weekday and every 6th weekend with 1 + 2 slots needs 12 doctors."""
    doc = build_plan(_small_town(plan_inputs))
    table = _table(doc, "Bemanning av legevakt etter Vefsn-modellen")
    values = dict(row for row in table.rows)  # type: ignore[misc]
    # seven active doctors take part: six GP/ALIS (L01 is exempt, H05 is vacant) and the LIS1
    assert values == {
        "Leger som kan gå legevakt": "7",
        "Leger som trengs etter Vefsn-modellen": "12",
        "Leger som mangler for å holde normen": "5",
    }
    assert "Vefsn-modellen (1 lege hverdag, 2 helg)" in table.note
    assert "hver 12. hverdag og hver 6. helg" in table.note
    chapter = next(c for c in doc.chapters if c.id == "legevakt")
    assert any(getattr(block, "title", "") == "For få leger i vaktordningen" for block in chapter.all_blocks())


def test_vefsn_norm_is_not_applied_to_a_large_town() -> None:
    """Sandefjord (64 500 inhabitants) has several doctors on duty: no «39 too many» against a one-doctor model."""
    from legeplan.register.demo import demo_register

    doc = build_plan(PlanInputs(register=demo_register()))
    assert not [t for t in doc.tables() if t.caption.startswith("Bemanning av legevakt")]
    chapter = next(c for c in doc.chapters if c.id == "legevakt")
    text = " ".join(getattr(block, "text", "") for block in chapter.all_blocks())
    assert "passer ikke for Sandefjord (demo) med 64\u00a0500 innbyggere" in text
    assert "Differanse" not in text


def test_municipality_sets_its_own_legevakt_norm(plan_inputs: PlanInputs) -> None:
    norm = LegevaktNorm(name="Bodø-normen", weekday_slots=3, weekend_slots=4, max_population=0, source="Bodø kommune")
    table = _table(build_plan(replace(plan_inputs, legevakt_norm=norm)), "Bemanning av legevakt etter Bodø-normen")
    values = dict(row for row in table.rows)  # type: ignore[misc]
    assert int(values["Leger som trengs etter Bodø-normen"]) > 12
    assert "Bodø-normen (3 leger hverdag, 4 helg)" in table.note


def test_a_solved_rota_adds_per_doctor_load(plan_inputs: PlanInputs) -> None:
    from legeplan.legevakt import analyse_load, example_problem, round_robin_rota

    problem = example_problem("small")
    load = analyse_load(problem, round_robin_rota(problem))
    doc = build_plan(replace(plan_inputs, legevakt_load=load))
    table = next(t for t in doc.tables() if t.caption.startswith("Vaktbelastning per lege"))
    assert len(table.rows) == len(problem.doctors)
    assert sum(int(row[1]) for row in table.rows) == sum(d.shifts for d in load.doctors)
    assert any(figure.caption == "Vakttimer per uke per lege" for figure in doc.figures())


def test_history_gives_a_trend_figure_and_table(plan_inputs: PlanInputs) -> None:
    register = plan_inputs.register
    earlier = [
        register.model_copy(
            update={
                "as_of": date(year, 1, 1),
                "positions": tuple(
                    p.model_copy(update={"listed_patients": max(0, p.listed_patients - shrink)})
                    for p in register.positions
                ),
            }
        )
        for year, shrink in ((2022, 50), (2023, 0))
    ]
    later = register.model_copy(update={"as_of": date(2025, 1, 1)})  # after the plan's date: ignored
    doc = build_plan(replace(plan_inputs, history=(earlier[1], later, earlier[0])))
    table = _table(doc, "Utvikling i fastlegeordningen")
    assert [row[0] for row in table.rows] == ["01.01.2022", "01.01.2023", "01.01.2024"]
    # 2022: seven filled positions had 50 fewer patients each (the vacant one stays at 0)
    assert [row[3] for row in table.rows] == ["7 220", "7 570", "7 570"]
    assert [row[4] for row in table.rows] == ["1 480", "1 130", "1 130"]
    assert any(figure.caption == "Listeplasser og listeførte pasienter over tid" for figure in doc.figures())


def test_no_history_no_trend(plan_inputs: PlanInputs) -> None:
    captions = [table.caption for table in build_plan(plan_inputs).tables()]
    assert "Utvikling i fastlegeordningen" not in captions


def test_a_section_with_neither_data_nor_text_says_what_is_missing(plan_inputs: PlanInputs) -> None:
    """Without the municipality's text, a chapter the register has no figures for says plainly what is missing and
    where to write it; a chapter with figures shows them and no such note in its status section."""
    doc = build_plan(plan_inputs)
    digital = next(c for c in doc.chapters if c.id == "digitalisering")
    notes = [b for b in digital.all_blocks() if getattr(b, "title", "") == "Mangler tekst"]
    assert len(notes) == len(digital.sections) == 4
    assert "Kommunen har ikke skrevet om «status»" in notes[0].text  # type: ignore[union-attr]
    assert "17-digitalisering.md under «## Status»" in notes[0].text  # type: ignore[union-attr]
    gp = next(c for c in doc.chapters if c.id == "fastlegeordningen")
    status = next(s for s in gp.sections if s.title == "Status")
    assert not [b for b in status.blocks if getattr(b, "title", "") == "Mangler tekst"]


def test_sandefjord_scenario_through_the_capacity_engine(plan_inputs: PlanInputs) -> None:
    """With the shipped Sandefjord scenario the plan carries the engine's own numbers: 2.3 new positions by 2028."""
    from legeplan.capacity import example_scenario

    doc = build_plan(replace(plan_inputs, scenario=example_scenario("sandefjord")))
    chapter = next(c for c in doc.chapters if c.id == "fastlegeordningen")
    section = next(s for s in chapter.sections if s.title == "Dimensjonering")
    texts = " ".join(block.text for block in section.blocks if isinstance(block, Paragraph))
    assert "2,3 nye hjemler" in texts
    table = _table(doc, "Dimensjonering av fastlegehjemler per år")
    assert table.rows[0][0] == "2020" and table.rows[0][3] == "54"
    assert table.as_of == date(2020, 8, 1)


def test_workforce_simulation_gives_banded_charts(plan_inputs: PlanInputs) -> None:
    from legeplan.capacity import example_scenario, simulate_workforce, workforce_from_scenario

    scenario = example_scenario("sandefjord")
    simulation = simulate_workforce(workforce_from_scenario(scenario), runs=200, years=8, start_year=2020, seed=7)
    doc = build_plan(replace(plan_inputs, scenario=scenario, simulation=simulation))
    figures = {figure.caption: figure for figure in doc.figures()}
    vacant = figures["Ledige hjemler framover (simulering)"].chart
    assert vacant.kind == "line"
    [series] = vacant.series
    assert series.lower is not None and series.upper is not None
    assert series.values == [band.vacant[50] for band in simulation.bands]
    assert all(lo <= mid <= hi for lo, mid, hi in zip(series.lower, series.values, series.upper, strict=True))
    cost = figures["Vikarkostnad framover (simulering)"].chart
    assert cost.series[0].values[0] == simulation.bands[0].locum_cost_nok[50] / 1_000_000
    absence = next(c for c in doc.chapters if c.id == "vikardekning")
    assert any("200 ganger" in getattr(block, "text", "") for block in absence.all_blocks())


def _key_figure_values(doc: PlanDocument) -> dict[str, str]:
    table = _table(doc, "Nøkkeltall for fastlegeordningen")
    return {row[0]: row[1].replace("\u00a0", " ") for row in table.rows}


def test_sandefjord_demo_key_figures() -> None:
    """Seed 001: 54 hjemler, average list 1143, 1013 free places -> 1.6 % free capacity (register engine)."""
    from legeplan.register.demo import demo_register

    values = _key_figure_values(build_plan(PlanInputs(register=demo_register())))
    assert values["Fastlegehjemler"] == "54"
    assert values["Ledige listeplasser"] == "1 013"
    assert values["Ledig kapasitet"] == "1,6 %"
    assert values["Gjennomsnittlig listelengde"] == "1 143,0"


def test_stability_and_turnover_since_the_previous_snapshot() -> None:
    from legeplan.register.demo import demo_register
    from legeplan.register.history import stability, turnover

    register = demo_register()
    previous = register.model_copy(update={"as_of": date(2016, 1, 1)})
    table = _table(
        build_plan(PlanInputs(register=register, previous_register=previous)),
        "Stabilitet og turnover i fastlegeordningen",
    )
    values = {row[0]: row[1] for row in table.rows}
    stab = stability(register.agreements, previous.as_of, register.as_of)
    turn = turnover(register.agreements, previous.as_of, register.as_of)
    assert stab.share is not None and turn.share is not None
    label = "Stabilitet 01.01.2016–01.08.2020 (samme lege i avtalen)"
    assert values[label].endswith(f"({stab.stable} av {stab.agreements_at_end})")
    assert values[label].startswith(f"{stab.share * 100:.1f}".replace(".", ","))
    turnover_label = "Turnover 01.01.2016–01.08.2020 (avsluttede avtaler)"
    assert values[turnover_label].endswith(f"({turn.ended} av {turn.agreements_at_start})")


def test_economy_top_up_uses_sandefjords_numbers(register: Register) -> None:
    """Seed 001: 0.5 x 577 kr x 1000 patients = 288 500 kr per GP, x 50 GPs = 14 425 000 kr."""
    from legeplan.register.models import Position

    positions = tuple(
        Position(id=f"S{n}", municipality_code=register.municipality.code, list_ceiling=1400, listed_patients=1000 + n)
        for n in range(50)
    )
    doc = build_plan(PlanInputs(register=register.model_copy(update={"positions": positions, "physicians": ()})))
    economy = next(c for c in doc.chapters if c.id == "okonomi")
    [top_up] = [b for b in economy.all_blocks() if getattr(b, "title", "") == "Kommunalt tillegg til basistilskuddet"]
    assert "288 500 kr per fastlege" in top_up.text  # type: ignore[union-attr]
    assert "14 425 000 kr per år for kommunens 50 besatte hjemler" in top_up.text  # type: ignore[union-attr]
    table = _table(doc, "Kommunens kostnad og legens inntekt per driftsform, per hjemmel og år")
    assert [row[1] for row in table.rows] == ["50", "0", "0", "0"]
    rates = _table(doc, "Satser og forutsetninger")
    assert rates.rows[0] == ["Basistilskudd, de første 1 000 pasientene", "577 kr"]


def test_locum_cost_and_grant(plan_inputs: PlanInputs) -> None:
    """One vacant hjemmel at over 1 MNOK a year (Vefsn, seed 000); Bodø is not eligible for the district grant."""
    doc = build_plan(plan_inputs)
    locum = _table(doc, "Kostnad ved vikardrift i ledige hjemler")
    assert locum.rows[0][1] == "1" and locum.rows[2][1] == "1 000 000 kr"
    legevakt = next(c for c in doc.chapters if c.id == "legevakt")
    [grant] = [b for b in legevakt.all_blocks() if getattr(b, "title", "") == "Tilskudd til legevakt i distriktene"]
    assert grant.text.startswith("Kommunen fyller ikke vilkårene")  # type: ignore[union-attr]


def test_small_remote_municipality_may_apply_for_the_grant(register: Register) -> None:
    """Sentralitetsklasse 6 and under 5000 inhabitants (seed 002)."""
    small = register.model_copy(
        update={"municipality": register.municipality.model_copy(update={"population": 4200, "centrality": 6})}
    )
    legevakt = next(c for c in build_plan(PlanInputs(register=small)).chapters if c.id == "legevakt")
    [grant] = [b for b in legevakt.all_blocks() if getattr(b, "title", "") == "Tilskudd til legevakt i distriktene"]
    assert grant.text.startswith("Kommunen kan søke tilskuddet")  # type: ignore[union-attr]
    assert "1 500 000 kr" in grant.text.replace("\u00a0", " ")  # type: ignore[union-attr]


def test_nfas_norm_need_for_stadiontunet(plan_inputs: PlanInputs) -> None:
    """Nfas (seed 001): about 80 long-term patients per doctor årsverk; Stadiontunet's 56 places need 0.70 årsverk
    and have 22.5 h = 0.60 årsverk, so 0.10 årsverk (3.75 h/week) are missing."""
    doc = build_plan(plan_inputs)
    table = _table(doc, "Legeårsverk i sykehjem etter normen (Nfas 2020)")
    values = dict(row for row in table.rows)  # type: ignore[misc]
    assert values["Langtidsplasser"] == "56"
    assert values["Legeårsverk etter normen"] == "0,70"
    assert values["Legeårsverk i dag"] == "0,60"
    assert values["Differanse (positiv: for få)"] == "0,10"
    chapter = next(c for c in doc.chapters if c.id == "institusjon")
    [warning] = [b for b in chapter.all_blocks() if getattr(b, "title", "") == "Under normen"]
    assert "3,75 timer per uke" in warning.text  # type: ignore[union-attr]


def test_consistency_findings_on_the_sandefjord_plan(plan_inputs: PlanInputs) -> None:
    """Seed 001's own nursing-home table: Andebu sykehjem is given as 39 places but its parts sum to 41."""
    from legeplan.report.consistency import example_check_set, run_check_set

    report = run_check_set(example_check_set("sandefjord"))
    doc = build_plan(
        replace(
            plan_inputs,
            consistency_findings=report.findings,
            consistency_checked=report.checked,
            consistency_subject=report.source,
        )
    )
    chapter = next(c for c in doc.chapters if c.id == "nokkeltall")
    section = next(s for s in chapter.sections if s.title == "Kontroll av tallgrunnlaget")
    intro = section.blocks[0]
    assert isinstance(intro, Paragraph)
    assert f"{report.checked} kontroller, {len(report.findings)} avvik" in intro.text
    table = _table(doc, "Avvik i tallgrunnlaget")
    andebu = next(row for row in table.rows if row[0] == "Andebu sykehjem, plasser")
    assert andebu[2:4] == ["39", "41"]
    assert table.source.startswith("Plan for legetjenesten 2021–2024, Sandefjord kommune")


def test_no_consistency_section_without_checks(plan_inputs: PlanInputs) -> None:
    chapter = next(c for c in build_plan(plan_inputs).chapters if c.id == "nokkeltall")
    assert "Kontroll av tallgrunnlaget" not in [section.title for section in chapter.sections]


def test_table_widths_are_validated_and_scaled() -> None:
    table = Table(caption="t", columns=["a", "b"], rows=[], widths=[1, 3], source="s", as_of=date(2024, 1, 1))
    assert table.width_percent() == [25.0, 75.0]
    with pytest.raises(ValidationError, match="widths needs 2 positive numbers"):
        Table(caption="t", columns=["a", "b"], rows=[], widths=[1, 0], source="s", as_of=date(2024, 1, 1))


def test_kommune_is_added_before_a_parenthesised_label() -> None:
    from legeplan.report.build import kommune_name

    assert kommune_name("Sandefjord (demo)") == "Sandefjord kommune (demo)"
    assert kommune_name("Bodø") == "Bodø kommune"
    assert kommune_name("Vefsn kommune") == "Vefsn kommune"
