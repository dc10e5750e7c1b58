"""`legeplan dimension`: how many fastlegehjemler, when and why, from a scenario file (TOML or JSON)."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich import box
from rich.console import Console
from rich.table import Table

from legeplan.cli.app import app
from legeplan.cli.errors import BAD_INPUT, show_progress

if TYPE_CHECKING:
    from legeplan.capacity import DimensioningResult, SimulationResult, YearRow
    from legeplan.capacity.models import Scenario
    from legeplan.register.models import Register

# The engine (NumPy, pandas) is imported inside the command; these copies of its constants keep `--help` fast
# (tests/cli/test_startup.py checks they equal legeplan.capacity's).
EXAMPLES = ("sandefjord", "bodo")
TURNOVER_NORD_NORGE = 0.128
LOCUM_COST_PER_VACANCY_NOK = 1_000_000

#: Simulation parameters and the options that set them, for error messages.
OPTION_OF = {
    "turnover_rate": "--turnover",
    "recruitment_lag_years": "--recruitment-lag",
    "lis1_per_year": "--lis1-per-year",
    "locum_cost_nok": "--locum-cost",
}


def _number(value: float, decimals: int = 0) -> str:
    value = round(value, decimals) + 0.0  # no "-0,00"
    return f"{value:,.{decimals}f}".replace(",", " ").replace(".", ",")


def _free(share: float | None) -> str:
    """Free capacity with the planned hjemler; negative (lists over their capacity) with a real minus sign."""
    if share is None:
        return "–"
    value = round(share * 100, 1) + 0.0
    return f"−{_number(-value, 1)} %" if value < 0 else f"{_number(value, 1)} %"


#: (header, value) of every column; the default table shows MAIN, the reasons table REASONS, --wide all of them.
_COLUMNS: dict[str, tuple[str, Callable[[YearRow], str]]] = {
    "year": ("År", lambda row: str(row.year)),
    "population": ("Innb.", lambda row: _number(row.population)),
    "needed": ("Behov", lambda row: _number(row.positions_needed, 2)),
    "required": ("Hjemler", lambda row: str(row.positions_required)),
    "existing": ("Planlagt", lambda row: str(row.positions_existing)),
    "growth": ("Vekst", lambda row: _number(row.growth_positions, 2)),
    "capacity": ("Kapasitetsmål", lambda row: _number(row.capacity_positions, 2)),
    "shorter": ("Kortere lister", lambda row: _number(row.shorter_list_positions, 2)),
    "retirements": ("Pensjon", lambda row: str(row.retirements)),
    "new": ("Nye", lambda row: str(row.new_positions)),
    "recruit": ("Rekrutt.", lambda row: str(row.to_recruit)),
    "average": ("Snittliste", lambda row: _number(row.average_list_length)),
    "free": ("Ledig*", lambda row: _free(row.free_capacity_share)),
}
MAIN_COLUMNS = ("year", "population", "needed", "required", "existing", "retirements", "new", "recruit", "free")
REASON_COLUMNS = ("year", "needed", "growth", "capacity", "shorter", "average")
ALL_COLUMNS = tuple(_COLUMNS)

FREE_NOTE = (
    "Innb. = innbyggere; Behov = hjemler som trengs; Hjemler = avrundet.\n"
    "Planlagt = dagens + vedtatte og planlagte hjemler (ALIS og vekst).\n"
    "Nye = alle nye hjemler (planlagte og behovet utover dem).\n"
    "Rekrutt. = pensjoneringer, erstatninger og nye hjemler.\n"
    "* Ledig kapasitet med planlagte hjemler og eventuell målliste;\n"
    "  negativ (−) = listene er over kapasiteten (over plassene)."
)


def _table(result: DimensioningResult, columns: Sequence[str] = MAIN_COLUMNS, title: str | None = None) -> Table:
    """The dimensioning year by year. The default columns fit an 80-column terminal; `ALL_COLUMNS` is --wide."""
    table = Table(
        title=title or f"Dimensjonering av fastlegehjemler: {result.scenario}",
        caption=FREE_NOTE if "free" in columns else None,
        show_lines=False,
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
        caption_justify="left",
    )
    for key in columns:
        table.add_column(_COLUMNS[key][0], justify="right", no_wrap=True)
    for row in result.rows:
        table.add_row(*(_COLUMNS[key][1](row) for key in columns))
    return table


def _reasons_table(result: DimensioningResult) -> Table:
    return _table(result, REASON_COLUMNS, "Hvorfor: nye hjemler etter årsak (ved dagens snittliste)")


def _age_table(result: DimensioningResult) -> Table:
    """Persons by age group in each projection year, and the change from the base year to the next and last year."""
    years = sorted(result.age_groups[0].persons)
    base, steps = years[0], [year for year in (years[1], years[-1]) if year != years[0]] if len(years) > 1 else []
    table = Table(title="Befolkning etter aldersgruppe (framskriving)", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("Alder")
    for year in years:
        table.add_column(str(year), justify="right", no_wrap=True)
    for year in dict.fromkeys(steps):
        table.add_column(f"{base}→{year}", justify="right", no_wrap=True)
    for growth in result.age_groups:
        shares = [growth.change_share[year] for year in dict.fromkeys(steps)]
        table.add_row(
            growth.group,
            *(_number(growth.persons[year]) for year in years),
            *(
                "–" if share is None else f"{'+' if share >= 0 else '−'}{_number(abs(share) * 100, 1)} %"
                for share in shares
            ),
        )
    return table


def _simulation_table(result: SimulationResult) -> Table:
    low, mid, high = result.percentiles[0], result.percentiles[len(result.percentiles) // 2], result.percentiles[-1]
    turnover = _number(result.turnover_rate * 100, 1)
    table = Table(title=f"Ledige hjemler og vikarkostnad ({result.runs} simuleringer, turnover {turnover} %)")
    for header in ("År", f"Ledige P{low}", f"P{mid}", f"P{high}", f"Vikarkost P{mid} (mill. kr)", f"P{high}"):
        table.add_column(header, justify="right")
    for band in result.bands:
        table.add_row(
            str(band.year),
            _number(band.vacant[low], 1),
            _number(band.vacant[mid], 1),
            _number(band.vacant[high], 1),
            _number(band.locum_cost_nok[mid] / 1e6, 1),
            _number(band.locum_cost_nok[high] / 1e6, 1),
        )
    return table


#: (option, lowest, highest) for the numeric options of `dimension`.
OPTION_BOUNDS: dict[str, tuple[str, float, float]] = {
    "runs": ("--runs", 1, 1_000_000),
    "years": ("--years", 1, 60),
    "turnover": ("--turnover", 0.0, 1.0),
    "recruitment_lag": ("--recruitment-lag", 0.1, 20.0),
    "lis1_per_year": ("--lis1-per-year", 0, 1000),
    "locum_cost": ("--locum-cost", 0.0, 1e9),
    "seed": ("--seed", 0, 2**63 - 1),
}


def _option_problems(**values: float | None) -> list[str]:
    """Norwegian messages for option values outside their bounds (or not finite); empty when all are fine."""
    problems = []
    for name, value in values.items():
        option, low, high = OPTION_BOUNDS[name]
        if value is None:
            continue
        if not math.isfinite(value) or not low <= value <= high:
            shown = f"{value:g}".replace(".", ",")
            if name == "seed":
                problems.append(f"--seed må være et heltall 0 eller større, ikke {shown}")
                continue
            hint = "; oppgi som andel, f.eks. 0,128 for 12,8 %" if name == "turnover" and 1 < value <= 100 else ""
            problems.append(
                f"{option} må være mellom {_number(low, 1 if low and low < 1 else 0)} og {_number(high)}, "
                f"ikke {shown}{hint}"
            )
    return problems


def _read_scenario(scenario_file: str) -> Scenario:
    from legeplan.capacity import example_scenario, load_scenario

    path = Path(scenario_file)
    if not path.exists() and scenario_file.lower().replace("ø", "o") in EXAMPLES:
        return example_scenario(scenario_file)
    return load_scenario(path)


@app.command("dimension")
def dimension_command(
    scenario_file: str | None = typer.Argument(
        None,
        metavar="SCENARIO",
        help=f"Scenariofil (.toml/.json) eller et eksempel: {', '.join(EXAMPLES)}. Med --municipality/--demo holder "
        "scenariet bare det som ikke står i registeret (framskriving, mål, forutsetninger).",
    ),
    municipality: str | None = typer.Option(
        None, "--municipality", "-m", help="Kommunenummer: start fra det lagrede registeret"
    ),
    demo: bool = typer.Option(False, "--demo", help="Start fra demokommunens register (med Sandefjord-scenariet)"),
    as_of: str | None = typer.Option(None, "--as-of", help="Registerets dato (ÅÅÅÅ-MM-DD; standard: nyeste)"),
    as_json: bool = typer.Option(False, "--json", help="Skriv resultatet som JSON"),
    wide: bool = typer.Option(
        False, "--wide", help="Én bred tabell med alle kolonner (trenger omtrent 130 tegn), i stedet for to smale"
    ),
    simulate: bool = typer.Option(False, "--simulate", help="Kjør også stokastisk simulering av legedekningen"),
    runs: int = typer.Option(2000, "--runs", help="Antall simuleringer"),
    years: int = typer.Option(20, "--years", help="År å simulere"),
    turnover: float | None = typer.Option(
        None,
        "--turnover",
        help="Årlig turnover (Nord-Norge 0,128; landet 0,073). Standard: etter kommunenummeret med -m, ellers 0,128",
    ),
    recruitment_lag: float = typer.Option(1.0, "--recruitment-lag", help="Gjennomsnittlig tid å besette (år, 0,1-20)"),
    lis1_per_year: int = typer.Option(0, "--lis1-per-year", help="LIS1-stillinger i kommunen per år"),
    locum_cost: float = typer.Option(
        LOCUM_COST_PER_VACANCY_NOK,
        "--locum-cost",
        help="Vikarkostnad per ledig hjemmel per år (kr)",
    ),
    seed: int | None = typer.Option(
        None, "--seed", help="Frø for tilfeldige tall, et heltall 0 eller større (gjentakbar)"
    ),
    demand_by_age: bool = typer.Option(
        False, "--demand-by-age", help="Vis også behov etter alder (befolkning × fastlegekontakter per innbygger)"
    ),
) -> None:
    """Beregn hvor mange fastlegehjemler kommunen trenger år for år, og hvorfor."""
    from pydantic import ValidationError
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    from legeplan.capacity import (
        ScenarioError,
        dimension,
        example_scenario,
        simulate_workforce,
        workforce_from_scenario,
    )
    from legeplan.capacity.scenario_io import norwegian_message

    console = Console()
    errors = Console(stderr=True)
    problems = _option_problems(
        runs=runs,
        years=years,
        turnover=turnover,
        recruitment_lag=recruitment_lag,
        lis1_per_year=lis1_per_year,
        locum_cost=locum_cost,
        seed=seed,
    )
    if problems:
        errors.print(f"[red]Feil:[/red] {'; '.join(problems)}", markup=True, highlight=False, soft_wrap=True)
        raise typer.Exit(BAD_INPUT)
    if demo and municipality is not None:
        errors.print("[red]Feil:[/red] oppgi enten --demo eller --municipality, ikke begge", markup=True)
        raise typer.Exit(BAD_INPUT)
    if scenario_file is None and not demo and municipality is None:
        errors.print(
            "[red]Feil:[/red] oppgi en scenariofil, --municipality KODE eller --demo (legeplan template scenario "
            "lager en tom scenariofil)",
            markup=True,
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(BAD_INPUT)
    register: Register | None = None
    try:
        scenario_input = _read_scenario(scenario_file) if scenario_file is not None else None
        if demo or municipality is not None:
            from legeplan.capacity import scenario_from_register
            from legeplan.cli.register_cmd import load_register_or_exit, parse_date_option

            register = load_register_or_exit(demo, municipality, parse_date_option(as_of, "--as-of"))
            if scenario_input is None and demo:
                scenario_input = example_scenario("sandefjord")
            scenario = scenario_from_register(register, scenario_input)
        elif scenario_input is None:
            raise typer.Exit(BAD_INPUT)
        else:
            scenario = scenario_input
    except ScenarioError as error:
        errors.print(f"[red]Feil:[/red] {error}", markup=True, highlight=False, soft_wrap=True)
        raise typer.Exit(BAD_INPUT) from error
    except ValidationError as error:  # the register and the scenario together break a scenario rule
        problems_text = "; ".join(norwegian_message(item) for item in error.errors())
        errors.print(f"[red]Feil:[/red] registeret og scenariet: {problems_text}", markup=True, highlight=False)
        raise typer.Exit(BAD_INPUT) from error
    result = dimension(scenario)
    by_age = None
    if demand_by_age:
        from legeplan.cli.statistics_cmd import scenario_demand

        by_age = scenario_demand(scenario)
    simulation: SimulationResult | None = None
    start_year = scenario.base_year
    if simulate:
        try:
            if register is not None:
                # From the register's state on its date: vacant hjemler, the GPs' ages, the ALIS in training.
                from legeplan.capacity import workforce_from_register

                params = workforce_from_register(register, scenario, years=years, locum_cost_nok=locum_cost)
                params = params.model_validate(
                    {
                        **params.model_dump(),
                        "turnover_rate": params.turnover_rate if turnover is None else turnover,
                        "recruitment_lag_years": recruitment_lag,
                        "lis1_per_year": lis1_per_year,
                    }
                )
                start_year = register.as_of.year + 1
            else:
                params = workforce_from_scenario(
                    scenario,
                    turnover_rate=TURNOVER_NORD_NORGE if turnover is None else turnover,
                    recruitment_lag_years=recruitment_lag,
                    lis1_per_year=lis1_per_year,
                    locum_cost_nok=locum_cost,
                )
        except ValidationError as error:
            lines = [
                f"{OPTION_OF.get(str(item['loc'][-1]) if item['loc'] else '', 'simulering')}: {norwegian_message(item)}"
                for item in error.errors()
            ]
            errors.print(f"[red]Feil:[/red] {'; '.join(lines)}", markup=True, highlight=False, soft_wrap=True)
            raise typer.Exit(BAD_INPUT) from error
        with Progress(
            TextColumn("Simulerer legedekningen"),
            BarColumn(),
            TaskProgressColumn(),
            TimeElapsedColumn(),
            console=errors,
            transient=True,
            disable=as_json or not show_progress(),
        ) as progress:
            task = progress.add_task("simulering", total=runs)
            simulation = simulate_workforce(
                params,
                runs=runs,
                years=years,
                start_year=start_year,
                seed=seed,
                progress=lambda done, total: progress.update(task, completed=done, total=total),
            )
    if as_json:
        document: dict[str, object] = {"dimensioning": result.model_dump(mode="json")}
        document["figures"] = _figures_json(result, scenario, register, scenario_file)
        if simulation is not None:
            document["simulation"] = simulation.model_dump(mode="json")
        if by_age is not None:
            document["demand_by_age"] = by_age[0].model_dump(mode="json")
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    if wide:
        console.print(_table(result, ALL_COLUMNS))
    else:
        console.print(_table(result))
        console.print(_reasons_table(result))
    if len(result.age_groups) > 2:  # more than one age group besides the total
        console.print(_age_table(result))
    for line in result.explanations:
        console.print(f"• {line}", highlight=False)
    console.print(_sources_line(scenario, register, scenario_file), highlight=False, soft_wrap=True)
    if by_age is not None:
        from legeplan.cli.statistics_cmd import print_demand

        print_demand(console, *by_age, name=scenario.name)
    if simulation is not None:
        console.print(_simulation_table(simulation))
        low, high = simulation.percentiles[0], simulation.percentiles[-1]
        console.print(
            f"Samlet vikarkostnad over {simulation.years} år: {_number(simulation.total_locum_cost_nok[low] / 1e6)}"
            f"–{_number(simulation.total_locum_cost_nok[high] / 1e6)} mill. kr (P{low}–P{high}).",
            highlight=False,
        )


def _sources_line(scenario: Scenario, register: Register | None, scenario_file: str | None) -> str:
    """Where the table's numbers come from, in one line under it (the same sources --json gives per figure)."""
    facts = (
        f"fastlegeregisteret for {register.municipality.name} per {register.as_of.strftime('%d.%m.%Y')} "
        "(hjemler, lister, alder, planlagte hjemler)"
        if register is not None
        else f"scenariofilen {scenario_file or scenario.name} (hjemler, lister, alder)"
    )
    return f"Kilder: {facts}; befolkning: {scenario.projection.source}."


def _figures_json(
    result: DimensioningResult, scenario: Scenario, register: Register | None, scenario_file: str | None
) -> dict[str, object]:
    """The shared figures of the base year with provenance: from the register when one is used, else the file."""
    first = result.rows[0]
    if register is not None:
        from legeplan.figures import plan_figures, population

        figures = plan_figures(register).model_dump(mode="json")
        figures["population_base_year"] = population(register, first.year, scenario.projection).model_dump(mode="json")
        figures["assumptions"] = _assumption_sources(result, scenario, register, scenario_file)
        return figures
    from legeplan.figures import sourced_file

    reference = scenario_file or scenario.name
    return {
        "population": sourced_file(first.population, reference).model_dump(mode="json"),
        "hjemler": sourced_file(scenario.positions, reference).model_dump(mode="json"),
        "listed_patients": sourced_file(scenario.current_listed, reference).model_dump(mode="json"),
    }


def _assumption_sources(
    result: DimensioningResult, scenario: Scenario, register: Register, scenario_file: str | None
) -> dict[str, object]:
    """Where the dimensioning's assumptions came from: the scenario file, the register (planned reductions), a
    statistics projection, or a default."""
    from legeplan.capacity import implied_list_length
    from legeplan.capacity.from_register import FLAT_SOURCE
    from legeplan.figures import Sourced, SourceKind, register_reference, sourced_assumption, sourced_default

    file_reference = scenario_file or "demo: Sandefjord-scenariet"
    implied = implied_list_length(register)
    target: Sourced[float]
    if implied is not None and scenario.target_list_length == implied:
        target = Sourced[float](
            value=implied,
            source=SourceKind.REGISTER,
            reference=f"{register_reference(register)}: planlagte listereduksjoner",
            data_date=register.as_of,
        )
    elif scenario.target_list_length is not None:
        target = Sourced[float](value=scenario.target_list_length, source=SourceKind.FILE, reference=file_reference)
    else:
        target = sourced_default(result.target_list_length, "dagens gjennomsnittlige listelengde")
    projection = scenario.projection
    projection_source: Sourced[str] = (
        sourced_assumption(projection.source, "uendret folketall")
        if projection.source == FLAT_SOURCE
        else Sourced[str](value=projection.source, source=SourceKind.STATISTICS, reference=file_reference)
    )
    retirement: Sourced[int] = (
        sourced_default(scenario.retirement_age, "standard pensjonsalder")
        if projection.source == FLAT_SOURCE
        else Sourced[int](value=scenario.retirement_age, source=SourceKind.FILE, reference=file_reference)
    )
    return {
        "projection": projection_source.model_dump(mode="json"),
        "target_list_length": target.model_dump(mode="json"),
        "retirement_age": retirement.model_dump(mode="json"),
    }
