"""`legeplan duties`, `economics`, `actions` and `check-plan`: the plan's own numbers from the command line."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from legeplan.cli.app import app
from legeplan.cli.errors import BAD_INPUT, PROBLEMS, fail

if TYPE_CHECKING:
    from legeplan.actions import ActionPlan
    from legeplan.register.models import Register

console = Console()

#: The built-in check sets of `check-plan --example` (a copy of legeplan.report.consistency.CHECK_SETS' names, so
#: `--help` does not import the report package; tests/cli/test_startup.py checks they agree).
CHECK_SET_NAMES = ("bodo", "sandefjord")


def _number(value: float, decimals: int = 0) -> str:
    value = round(value, decimals) + 0.0  # no "-0"
    return f"{value:,.{decimals}f}".replace(",", " ").replace(".", ",")


def _fail(message: str) -> NoReturn:
    """Bad input (a file, an option): «Feil: …» on stderr and exit code 2."""
    fail(message, BAD_INPUT)


def _share_option(value: float) -> float:
    """A share between 0 and 1 (0,5 is 50 %); NaN and infinity are rejected too, not only negative numbers."""
    if not math.isfinite(value) or not 0 <= value <= 1:
        raise typer.BadParameter(f"må være en andel mellom 0 og 1 (0,5 er 50 %), ikke {value}")
    return value


def _amount_option(value: float | None) -> float | None:
    """An amount in kroner: zero or more and finite."""
    if value is not None and (not math.isfinite(value) or value < 0):
        raise typer.BadParameter(f"må være et beløp på 0 kr eller mer, ikke {value}")
    return value


def _echo_json(data: object) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


# --- duties ----------------------------------------------------------------------------------------------------


@app.command("duties")
def duties(
    file: Annotated[Path | None, typer.Argument(help="Institusjoner og enheter (.toml eller .json)")] = None,
    demo: Annotated[bool, typer.Option("--demo", help="Demokommunens register (Sandefjords sykehjem)")] = False,
    example: Annotated[
        str | None, typer.Option("--example", help="Bodøs sykehjem fra planen (seed 003): --example bodo")
    ] = None,
    municipality: Annotated[
        str | None, typer.Option("--municipality", "-m", help="Kommunenummer i lagret register")
    ] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Registerets dato (ÅÅÅÅ-MM-DD)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Maskinlesbar JSON")] = False,
) -> None:
    """Legetimer, årsverk og timer per plass i institusjoner, og behovet etter Nfas-normen."""
    from legeplan.duties import (
        DEMO_SOURCE,
        NFAS_NORM,
        DutiesInputError,
        demo_institutions,
        load_institutions,
        nursing_home_need,
        summarise_units,
    )

    if sum((file is not None, demo, example is not None, municipality is not None)) != 1:
        _fail("oppgi én av: en fil, --demo, --example bodo eller --municipality KODE")
    if example is not None and example.lower().replace("ø", "o") != "bodo":
        _fail(f"ukjent eksempel {example!r}; finnes: bodo")
    register: Register | None = None
    try:
        if demo or municipality is not None:
            from legeplan.cli.register_cmd import load_register_or_exit, parse_date_option

            register = load_register_or_exit(demo, municipality, parse_date_option(as_of, "--as-of"))
            units = register.institutions
        else:
            units = demo_institutions() if example is not None else load_institutions(file)  # type: ignore[arg-type]
    except DutiesInputError as error:
        _fail(str(error))
    if register is not None:
        from legeplan.figures import register_reference

        caption = register_reference(register)
    else:
        caption = DEMO_SOURCE if example is not None else str(file)
    summary = summarise_units(units)
    need = nursing_home_need(units, NFAS_NORM)
    if as_json:
        document: dict[str, object] = {"summary": summary.model_dump(mode="json"), "need": need.model_dump(mode="json")}
        if register is not None:
            from legeplan.figures import plan_figures

            document["figures"] = plan_figures(register).model_dump(mode="json")
        _echo_json(document)
        return
    if not units:
        console.print(f"Ingen data: ingen institusjoner eller enheter med legeoppgaver i {caption}.")
        console.print(need.explanation)
        return
    table = Table(title="Legetimer i institusjoner og enheter", caption=caption)
    for header, right in (
        ("Enhet", False),
        ("Type", False),
        ("Plasser", True),
        ("Timer/uke", True),
        ("Timer per plass", True),
        ("Årsverk", True),
    ):
        table.add_column(header, justify="right" if right else "left")
    for unit in summary.units:
        ratio = "–" if unit.hours_per_place is None else _number(unit.hours_per_place, 2)
        table.add_row(
            unit.name,
            unit.kind_name,
            _number(unit.places),
            _number(unit.hours_per_week, 2),
            ratio,
            _number(unit.fte, 3),
        )
    total_ratio = "–" if summary.nursing_hours_per_place is None else _number(summary.nursing_hours_per_place, 2)
    table.add_section()
    table.add_row(
        "Sum",
        "Timer per plass: sykehjem og ØHD" if summary.nursing_hours_per_place is not None else "",
        _number(summary.total_places),
        _number(summary.total_hours_per_week, 2),
        total_ratio,
        _number(summary.total_fte, 2),
    )
    console.print(table)
    console.print(need.explanation)


# --- economics -------------------------------------------------------------------------------------------------

#: Hjemler that get the municipal top-up when no register is given: Sandefjord's proposal (seed 001, 50 hjemler).
DEFAULT_TOP_UP_POSITIONS = 50


@app.command("economics")
def economics(
    listed: Annotated[int, typer.Option("--listed", min=0, max=10_000, help="Listelengde per hjemmel")] = 1000,
    assumptions_file: Annotated[
        Path | None, typer.Option("--assumptions", help="Satser og forutsetninger (.toml eller .json)")
    ] = None,
    demo: Annotated[bool, typer.Option("--demo", help="Bruk demoregisteret (Sandefjord)")] = False,
    municipality: Annotated[
        str | None, typer.Option("--municipality", "-m", help="Kommunenummer i lagret register")
    ] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Registerets dato (ÅÅÅÅ-MM-DD)")] = None,
    top_up_share: Annotated[
        float,
        typer.Option(callback=_share_option, help="Kommunalt tillegg som andel av basistilskuddet (0–1, 0,5 er 50 %)"),
    ] = 0.5,
    top_up_positions: Annotated[
        int | None,
        typer.Option(
            min=0,
            max=10_000,
            help=f"Hjemler som får tillegget (standard: registerets hjemler, uten register {DEFAULT_TOP_UP_POSITIONS})",
        ),
    ] = None,
    vacancies: Annotated[
        int | None,
        typer.Option(min=0, max=10_000, help="Ledige hjemler dekket av vikarbyrå (standard: fra registeret)"),
    ] = None,
    population: Annotated[
        int | None, typer.Option(min=0, max=10_000_000, help="Innbyggere (for legevakttilskuddet, med --centrality)")
    ] = None,
    centrality: Annotated[
        int | None, typer.Option(min=1, max=6, help="Sentralitetsklasse 1–6 (for legevakttilskuddet, med --population)")
    ] = None,
    applied: Annotated[float | None, typer.Option(callback=_amount_option, help="Omsøkt legevakttilskudd (kr)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Maskinlesbar JSON")] = False,
) -> None:
    """Kostnad for kommunen og inntekt for legen per driftsform, basistilskudd, vikarkostnad og legevakttilskudd."""
    from legeplan.economics import (
        EconomicsAssumptions,
        EconomicsInputError,
        basistilskudd,
        compare_operating_models,
        legevakt_grant_award,
        legevakt_grant_eligibility,
        load_assumptions,
        locum_cost,
        municipal_top_up,
        position_economics,
    )
    from legeplan.register.models import Municipality, OperatingModel

    if (population is None) != (centrality is None):
        given, missing = ("--population", "--centrality") if centrality is None else ("--centrality", "--population")
        raise typer.BadParameter(
            f"legevakttilskuddet trenger både innbyggertall og sentralitetsklasse: oppgi {missing} sammen med {given}",
            param_hint=missing,
        )
    if applied is not None and population is None and not demo and municipality is None:
        raise typer.BadParameter(
            "omsøkt beløp vurderes mot vilkårene: oppgi --population og --centrality, --demo eller --municipality",
            param_hint="--applied",
        )
    try:
        assumptions = load_assumptions(assumptions_file) if assumptions_file else EconomicsAssumptions()
    except EconomicsInputError as error:
        _fail(str(error))
    register: Register | None = None
    if demo or municipality is not None:
        if demo and municipality is not None:
            _fail("oppgi enten --demo eller --municipality, ikke begge")
        from legeplan.cli.register_cmd import load_register_or_exit, parse_date_option

        register = load_register_or_exit(demo, municipality, parse_date_option(as_of, "--as-of"))
        comparison = compare_operating_models(register, assumptions)
        listed = comparison.listed_patients
        rows = [row.model_dump(mode="json") for row in comparison.rows]
    else:
        rows = [position_economics(model, listed, assumptions).model_dump(mode="json") for model in OperatingModel]
    vacancies_option = vacancies
    if vacancies is None:
        vacancies = locum_cost(register, assumptions.locum_cost_per_vacancy).vacant_positions if register else 0
    per_gp = municipal_top_up(
        listed,
        share=top_up_share,
        rate=assumptions.basistilskudd.rate_below_knekkpunkt,
        up_to_patients=assumptions.basistilskudd.knekkpunkt,
    )
    top_up_given = top_up_positions is not None
    vacancies_given = vacancies_option is not None
    if top_up_positions is None:
        top_up_positions = len(register.positions) if register is not None else DEFAULT_TOP_UP_POSITIONS
    locum = vacancies * assumptions.locum_cost_per_vacancy
    result: dict[str, object] = {
        "municipality": register.municipality.model_dump(mode="json") if register else None,
        "listed_patients": listed,
        "basistilskudd": basistilskudd(listed, assumptions.basistilskudd),
        "operating_models": rows,
        "municipal_top_up": {"per_gp": per_gp, "positions": top_up_positions, "total": per_gp * top_up_positions},
        "locum_cost": {"vacancies": vacancies, "total": locum},
        "source": assumptions.source,
    }
    result["provenance"] = _economics_provenance(
        register, assumptions_file, listed, top_up_positions, top_up_given, vacancies, vacancies_given
    )
    if register is not None:
        from legeplan.figures import plan_figures

        result["figures"] = plan_figures(register).model_dump(mode="json")
    grant = None
    place: Municipality | None = register.municipality if register else None
    if population is not None and centrality is not None:
        place = Municipality(code="0000", name="Kommunen", population=population, centrality=centrality)
    if place is not None:
        grant = legevakt_grant_eligibility(place)
        result["legevakt_grant"] = {
            **grant.model_dump(mode="json"),
            "award": legevakt_grant_award(applied) if applied is not None and grant.eligible else None,
        }
    if as_json:
        _echo_json(result)
        return
    table = Table(title=f"Driftsformer for en hjemmel med {_number(listed)} pasienter", caption=assumptions.source)
    for header in ("Driftsform", "Basistilskudd", "Kommunens kostnad", "Legens inntekt"):
        table.add_column(header, justify="left" if header == "Driftsform" else "right")
    for row in rows:
        amounts = (float(str(row[key])) for key in ("basistilskudd", "municipal_cost", "gp_income"))
        table.add_row(str(row["label"]), *(f"{_number(amount)} kr" for amount in amounts))
    console.print(table)
    console.print(
        f"Kommunalt tillegg på {_number(top_up_share * 100)} % av basistilskuddet: {_number(per_gp)} kr per fastlege, "
        f"{_number(per_gp * top_up_positions)} kr for {top_up_positions} hjemler per år"
        + (
            f" (hjemlene i registeret per {register.as_of.strftime('%d.%m.%Y')})."
            if register is not None and not top_up_given
            else " (oppgitt med --top-up-positions)."
            if top_up_given
            else " (standard: Sandefjords 50 hjemler; bruk -m KODE for kommunens eget register)."
        )
    )
    if vacancies:
        hjemler = "1 ledig hjemmel" if vacancies == 1 else f"{vacancies} ledige hjemler"
        console.print(f"Vikarkostnad for {hjemler}: {_number(locum)} kr per år.")
    if grant is not None:
        console.print(f"Legevakttilskudd: {grant.reason}")
        if applied is not None and grant.eligible:
            console.print(
                f"Tildeling ved søknad om {_number(applied)} kr: {_number(legevakt_grant_award(applied))} kr."
            )


def _economics_provenance(
    register: Register | None,
    assumptions_file: Path | None,
    listed: int,
    positions: int,
    positions_given: bool,
    vacancies: int,
    vacancies_given: bool,
) -> dict[str, object]:
    """Where each of the command's own inputs came from: the register, an option, the assumptions file or a default."""
    from legeplan.figures import Sourced, SourceKind, register_reference, sourced_assumption, sourced_default

    def from_register(value: int) -> Sourced[int]:
        assert register is not None
        return Sourced[int](
            value=value, source=SourceKind.REGISTER, reference=register_reference(register), data_date=register.as_of
        )

    listed_source = from_register(listed) if register is not None else sourced_assumption(listed, "--listed")
    if positions_given:
        positions_source = sourced_assumption(positions, "--top-up-positions")
    elif register is not None:
        positions_source = from_register(positions)
    else:
        positions_source = sourced_default(positions, "Sandefjords forslag (50 hjemler, seed 001)")
    if vacancies_given:
        vacancies_source = sourced_assumption(vacancies, "--vacancies")
    elif register is not None:
        vacancies_source = from_register(vacancies)
    else:
        vacancies_source = sourced_default(vacancies, "ingen register: 0 ledige hjemler")
    rates = (
        Sourced[str](value=str(assumptions_file), source=SourceKind.FILE, reference=str(assumptions_file))
        if assumptions_file is not None
        else sourced_default("standardsatser", "legeplan.economics.EconomicsAssumptions")
    )
    return {
        "listed_patients": listed_source.model_dump(mode="json"),
        "top_up_positions": positions_source.model_dump(mode="json"),
        "vacancies": vacancies_source.model_dump(mode="json"),
        "rates": rates.model_dump(mode="json"),
    }


# --- actions ---------------------------------------------------------------------------------------------------

actions_app = typer.Typer(help="Tiltaksplan: styringsmål, tiltak, kostnad og status.", no_args_is_help=True)
app.add_typer(actions_app, name="actions")


def _load_plan(file: Path | None, example: bool) -> ActionPlan:
    from legeplan.actions import ActionPlanError, example_action_plan, load_action_plan

    if (file is None) == (not example):
        _fail("oppgi enten en fil eller --example")
    try:
        return example_action_plan() if example else load_action_plan(file)  # type: ignore[arg-type]
    except ActionPlanError as error:
        _fail(str(error))


@actions_app.command("show")
def actions_show(
    file: Annotated[Path | None, typer.Argument(help="Tiltaksplan (.toml, .json eller .xlsx)")] = None,
    example: Annotated[bool, typer.Option("--example", help="Sandefjords mål og tiltak (seed 001)")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Maskinlesbar JSON")] = False,
) -> None:
    """Vis styringsmål og tiltak med frist, kostnad og status."""
    plan = _load_plan(file, example)
    total = plan.cost_total()
    if as_json:
        _echo_json({"plan": plan.model_dump(mode="json"), "cost_total": total.model_dump(mode="json")})
        return
    table = Table(
        title=f"{plan.title} – {plan.municipality or ''} {plan.period or ''}".strip(" –"),
        show_lines=True,
        caption=plan.source,
        expand=True,
    )
    with_responsible = any(m.responsible for m in plan.measures)
    table.add_column("Nr.", no_wrap=True)
    table.add_column("Styringsmål / tiltak", ratio=4)
    if with_responsible:
        table.add_column("Ansvarlig", ratio=1)
    for header in ("Frist", "Kostnad", "Status"):
        table.add_column(header, ratio=1)
    with_follow_up = any(m.follow_up for m in plan.measures)
    if with_follow_up:
        table.add_column("Siste oppfølging", ratio=2)
    blank = 3 + with_responsible + with_follow_up
    for goal in plan.goals:
        table.add_row(f"[bold]{goal.id}[/bold]", f"[bold]{goal.text}[/bold]", *[""] * blank)
        for m in plan.measures_for(goal.id):
            cells = [m.number, m.title, *([m.responsible or ""] if with_responsible else [])]
            cells += [m.deadline or "", str(m.cost), str(m.status)]
            if with_follow_up:
                latest = max(m.follow_up, key=lambda note: note.date) if m.follow_up else None
                cells.append(f"{latest.date.strftime('%d.%m.%Y')}: {latest.note}" if latest else "")
            table.add_row(*cells)
    console.print(table)
    yearly = (
        f" Årlige kostnader i tillegg: {_number(total.per_year_known)} kr"
        + (
            f" (med intervaller {_number(total.per_year_low)}–{_number(total.per_year_high)} kr)"
            if total.per_year_high != total.per_year_known
            else ""
        )
        + " per år."
        if total.per_year_high
        else ""
    )
    console.print(
        f"Engangskostnader med beløp: {_number(total.known)} kr; med intervaller {_number(total.low)}–"
        f"{_number(total.high)} kr.{yearly} {total.uncosted} tiltak er ikke beregnet ennå."
    )


@actions_app.command("convert")
def actions_convert(
    out: Annotated[Path, typer.Argument(help="Ny fil: .toml, .json eller .xlsx")],
    file: Annotated[Path | None, typer.Option("--from", help="Tiltaksplan å lese")] = None,
    example: Annotated[bool, typer.Option("--example", help="Sandefjords mål og tiltak")] = False,
) -> None:
    """Lagre en tiltaksplan i et annet format (f.eks. som regneark for redigering)."""
    from legeplan.actions import ActionPlanError, save_action_plan

    plan = _load_plan(file, example)
    try:
        save_action_plan(plan, out)
    except ActionPlanError as error:
        _fail(str(error))
    console.print(f"Skrev {out} ({len(plan.goals)} styringsmål, {len(plan.measures)} tiltak).")


# --- check-plan ------------------------------------------------------------------------------------------------


@app.command("check-plan")
def check_plan(
    file: Annotated[Path | None, typer.Argument(help="Kontroller (.json eller .toml)")] = None,
    example: Annotated[
        str | None, typer.Option("--example", help=f"Innebygde kontroller: {', '.join(CHECK_SET_NAMES)}")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Maskinlesbar JSON")] = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="Avslutt med kode 1 hvis noe ikke stemmer (kode 2: feil i filen)")
    ] = False,
) -> None:
    """Regn etter summer, prosenter og gjennomsnitt i en plan og vis det som ikke stemmer."""
    from legeplan.report.consistency import CheckSetError, example_check_set, load_check_set, run_check_set

    if (file is None) == (example is None):
        _fail("oppgi enten en fil eller --example bodo|sandefjord")
    try:
        check_set = example_check_set(example) if example is not None else load_check_set(file)  # type: ignore[arg-type]
    except CheckSetError as error:
        _fail(str(error))
    report = run_check_set(check_set)
    if as_json:
        _echo_json(
            {
                "name": report.name,
                "title": report.title,
                "source": report.source,
                "checked": report.checked,
                "passed": report.passed,
                "findings": [f.model_dump(mode="json") for f in report.findings],
                "rounded": [r.model_dump(mode="json") for r in report.rounded],
            }
        )
    else:
        table = Table(title=f"Kontroll av tall: {report.title}", caption=report.source, show_lines=True)
        for header in ("Kontroll", "Oppgitt", "Beregnet", "Hvor i planen"):
            table.add_column(header, justify="right" if header in ("Oppgitt", "Beregnet") else "left")
        for f in report.findings:
            table.add_row(
                f.label,
                _number(f.stated, 3).rstrip("0").rstrip(","),
                _number(f.computed, 3).rstrip("0").rstrip(","),
                f.location or "",
            )
        if report.findings:
            console.print(table)
        for note in report.rounded:
            console.print(f"Avrundet: {note.message}", highlight=False)
        rounded = f" ({len(report.rounded)} av dem avrundet)" if report.rounded else ""
        console.print(
            f"{report.checked} kontroller: {report.passed} stemmer{rounded}, {len(report.findings)} stemmer ikke."
        )
    if strict and report.findings:
        raise typer.Exit(PROBLEMS)
