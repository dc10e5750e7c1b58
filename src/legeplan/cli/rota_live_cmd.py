"""CLI for a living rota: ``legeplan rota repair|candidates|swap-check|hours|coverage|balance``.

The engines (OR-Tools, openpyxl) are imported inside the commands so that start-up stays fast.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from legeplan.cli.rota_cmd import _fail, _number, _problem, _rota, console, err_console, rota_app
from legeplan.i18n import decimal, number, status_label, text


def _date(option: str, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise _fail(f"{option}: ugyldig dato {value!r}; bruk ÅÅÅÅ-MM-DD, f.eks. 2026-03-09") from exc


def _doctor(problem_doctors: set[str], option: str, value: str) -> str:
    if value not in problem_doctors:
        raise _fail(f"{option}: ukjent lege {value!r}")
    return value


def _echo_json(payload: object) -> None:
    typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))


@rota_app.command("repair")
def repair(
    rota_file: Annotated[Path, typer.Argument(help="Publisert turnus (.csv/.xlsx/.json)")],
    problem_file: Annotated[str, typer.Option("--problem", "-p", help="Problemfil eller example:NAME")],
    absent: Annotated[str, typer.Option("--absent", help="Lege som er syk eller borte (id)")],
    date_from: Annotated[str, typer.Option("--from", help="Første fraværsdag (ÅÅÅÅ-MM-DD)")],
    date_to: Annotated[str, typer.Option("--to", help="Siste fraværsdag (ÅÅÅÅ-MM-DD)")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Ny turnus: .csv, .xlsx, .ics eller .json")],
    time_limit: Annotated[float, typer.Option("--time-limit", "-t", help="Sekunder totalt (1–3600)")] = 20.0,
    workers: Annotated[int, typer.Option(help="CP-SAT-tråder (1–16)")] = 2,
    problem_out: Annotated[
        Path | None, typer.Option("--problem-out", help="Skriv problemet med fraværet (.json) for senere endringer")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Skriv endringene som JSON")] = False,
) -> None:
    """Reparer turnusen ved sykdom/fravær: færrest mulig endrede vakter (bevist), deretter rettferdighet."""
    from legeplan.legevakt import write_rota
    from legeplan.legevakt.repair import RepairError, repair_rota

    _number("--time-limit", time_limit, 1, 3600)
    _number("--workers", workers, 1, 16)
    if out.suffix.lower() not in (".csv", ".xlsx", ".ics", ".json"):
        raise _fail(f"{out}: ukjent filtype {out.suffix!r}; bruk .csv, .xlsx, .ics eller .json")
    if problem_out is not None and problem_out.suffix.lower() != ".json":
        raise _fail(f"{problem_out}: bruk .json for problemet")
    problem = _problem(problem_file)
    _doctor({d.id for d in problem.doctors}, "--absent", absent)
    start, end = _date("--from", date_from), _date("--to", date_to)
    rota = _rota(rota_file)
    try:
        result = repair_rota(problem, rota, absent, start, end, time_limit_s=time_limit, workers=workers)
    except RepairError as exc:
        err_console.print("[bold red]Ingen lovlig reparasjon funnet.[/] Årsak:")
        for reason in exc.reasons:
            err_console.print(f"  • {reason}", highlight=False)
        raise typer.Exit(code=1) from exc
    except ValueError as exc:
        raise _fail(str(exc)) from exc
    write_rota(result.problem, result.assignments, out)
    if problem_out is not None:
        problem_out.write_text(result.problem.model_dump_json(indent=2), encoding="utf-8")
    if as_json:
        _echo_json(result.model_dump(mode="json", exclude={"problem", "assignments"}))
        return
    names = {d.id: d.name for d in problem.doctors}
    table = Table(title=f"{text('rota.live.changed')} ({number(len(result.changes))})")
    for column in ("Dato", "Vakt", "Rolle", "Fra", "Til"):
        table.add_column(column)
    for change in result.changes:
        table.add_row(
            change.date.isoformat(),
            change.shift_type,
            change.role.value,
            names.get(change.from_doctor or "", "–"),
            names.get(change.to_doctor or "", "–"),
        )
    console.print(table)
    proof = "bevist minste antall" if result.proven_minimal else "ikke bevist minimalt innen tidsgrensen"
    fairness = (
        ""
        if result.fairness_deviation is None
        else f"; samlet avvik fra forholdsmessig andel {decimal(result.fairness_deviation, 2)} vakter"
    )
    console.print(
        f"{number(result.changed_assignments)} endrede tildelinger (nedre grense {number(result.lower_bound)}, "
        f"{proof}); vindu {result.window_start}–{result.window_end}{fairness}; {decimal(result.seconds, 1)} s. "
        f"Skrevet til {out}",
        highlight=False,
    )


@rota_app.command("candidates")
def candidates_cmd(
    rota_file: Annotated[Path, typer.Argument(help="Turnus (.csv/.xlsx/.json)")],
    problem_file: Annotated[str, typer.Option("--problem", "-p", help="Problemfil eller example:NAME")],
    day: Annotated[str, typer.Option("--date", help="Vaktens dato (ÅÅÅÅ-MM-DD)")],
    shift: Annotated[str, typer.Option("--shift", help="Vakttype (id)")],
    replacing: Annotated[
        str | None, typer.Option("--replacing", help="Lege som skal erstattes (ellers: åpen vakt)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Skriv svaret som JSON")] = False,
) -> None:
    """Hvem kan ta vakta? Lovlige kandidater rangert etter rettferdighet, og hvorfor de andre er utelukket."""
    from legeplan.legevakt.candidates import candidates

    problem = _problem(problem_file)
    when = _date("--date", day)
    if replacing is not None:
        _doctor({d.id for d in problem.doctors}, "--replacing", replacing)
    rota = _rota(rota_file)
    try:
        report = candidates(problem, rota, when, shift, replacing=replacing)
    except ValueError as exc:
        raise _fail(str(exc)) from exc
    if as_json:
        _echo_json(report.model_dump(mode="json"))
        return
    table = Table(title=f"Kandidater for {shift} {when} ({number(len(report.candidates))})")
    for column in ("Lege", "Vakter nå", "Andel", "Avvik før", "Avvik etter", "Endring"):
        table.add_column(column)
    for c in report.candidates:
        table.add_row(
            c.name,
            decimal(c.load, 1),
            decimal(c.target, 1),
            decimal(c.deviation_before, 2),
            decimal(c.deviation_after, 2),
            ("+" if c.fairness_change > 0 else "") + decimal(c.fairness_change, 2),
        )
    console.print(table)
    if report.excluded:
        excluded = Table(title=f"Utelukket ({number(len(report.excluded))})")
        for column in ("Lege", "Regel", "Begrunnelse"):
            excluded.add_column(column)
        for e in report.excluded:
            excluded.add_row(e.name, ", ".join(e.rules), "; ".join(e.reasons))
        console.print(excluded)
    if not report.candidates:
        raise typer.Exit(code=1)


@rota_app.command("swap-check")
def swap_check(
    rota_file: Annotated[Path, typer.Argument(help="Turnus (.csv/.xlsx/.json)")],
    problem_file: Annotated[str, typer.Option("--problem", "-p", help="Problemfil eller example:NAME")],
    day: Annotated[str, typer.Option("--date", help="Dato for vakta som gis bort (ÅÅÅÅ-MM-DD)")],
    shift: Annotated[str, typer.Option("--shift", help="Vakttype (id)")],
    giver: Annotated[str, typer.Option("--from", help="Lege som har vakta nå")],
    taker: Annotated[str, typer.Option("--to", help="Lege som tar vakta")],
    with_date: Annotated[str | None, typer.Option("--with-date", help="Bytte: dato for vakta --to gir tilbake")] = None,
    with_shift: Annotated[str | None, typer.Option("--with-shift", help="Bytte: vakttype --to gir tilbake")] = None,
    bakvakt: Annotated[bool, typer.Option("--bakvakt", help="Gjelder bakvakt, ikke vakt")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Skriv svaret som JSON")] = False,
) -> None:
    """Er et vaktbytte eller en bortgitt vakt lovlig? Kontrollerer bare de berørte legenes nabovakter."""
    from pydantic import ValidationError

    from legeplan.legevakt.candidates import ChangeError, RotaChange, check_change
    from legeplan.legevakt.model import Role

    problem = _problem(problem_file)
    known = {d.id for d in problem.doctors}
    _doctor(known, "--from", giver)
    _doctor(known, "--to", taker)
    swap = with_date is not None or with_shift is not None
    try:
        change = RotaChange(
            kind="swap" if swap else "give",
            date=_date("--date", day),
            shift_type=shift,
            from_doctor=giver,
            to_doctor=taker,
            role=Role.BAKVAKT if bakvakt else Role.VAKT,
            with_date=_date("--with-date", with_date) if with_date is not None else None,
            with_shift=with_shift,
        )
    except ValidationError as exc:
        raise _fail("; ".join(str(e["msg"]).removeprefix("Value error, ") for e in exc.errors())) from exc
    rota = _rota(rota_file)
    try:
        violations = check_change(problem, rota, change)
    except ChangeError as exc:
        raise _fail(str(exc)) from exc
    if as_json:
        _echo_json({"lovlig": not violations, "brudd": [v.model_dump(mode="json") for v in violations]})
    elif not violations:
        console.print(f"[green]{text('rota.live.legal')}[/]")
    else:
        table = Table(title=f"Endringen gir {number(len(violations))} regelbrudd")
        for column in ("Dato", "Lege", "Vakt", "Regel", "Beskrivelse"):
            table.add_column(column)
        for v in violations:
            table.add_row(str(v.date or ""), v.doctor or "", v.shift_type or "", v.rule, v.message)
        console.print(table)
    if violations:
        raise typer.Exit(code=1)


@rota_app.command("hours")
def hours_cmd(
    rota_file: Annotated[Path, typer.Argument(help="Turnus (.csv/.xlsx/.json)")],
    problem_file: Annotated[str, typer.Option("--problem", "-p", help="Problemfil eller example:NAME")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Timelister: .xlsx eller .csv")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Skriv timene som JSON")] = False,
) -> None:
    """Timer til lønn per lege og måned: dag, kveld, natt, helg, helligdag og bakvakt (ekte timer i Europe/Oslo)."""
    from legeplan.legevakt.hours import CLASSES, payroll_hours, write_hours

    if out is not None and out.suffix.lower() not in (".csv", ".xlsx"):
        raise _fail(f"{out}: ukjent filtype {out.suffix!r}; bruk .csv eller .xlsx")
    problem = _problem(problem_file)
    rows = payroll_hours(problem, _rota(rota_file))
    if out is not None:
        write_hours(rows, out)
    if as_json:
        _echo_json([r.model_dump(mode="json") for r in rows])
        return
    table = Table(title=f"{problem.name}: timer per lege (hele perioden)")
    table.add_column("Lege")
    for column in ("Vakter", "Timer", *(text(f"rota.hours.{key}") for key in (*CLASSES, "bakvakt"))):
        table.add_column(column, justify="right")
    totals: dict[str, dict[str, float]] = {}
    names: dict[str, str] = {}
    for r in rows:
        cell = totals.setdefault(r.doctor, dict.fromkeys(("shifts", "total", *CLASSES, "bakvakt"), 0.0))
        names[r.doctor] = r.name
        cell["shifts"] += r.shifts
        cell["total"] += r.total
        cell["bakvakt"] += r.bakvakt
        for cls in CLASSES:
            cell[cls] += getattr(r, cls)
    for doctor, cell in totals.items():
        table.add_row(
            names[doctor],
            number(int(cell["shifts"])),
            *(number(round(cell[key], 2)) for key in ("total", *CLASSES, "bakvakt")),
        )
    console.print(table)
    if out is not None:
        console.print(f"Timer per lege og måned skrevet til {out}")


@rota_app.command("coverage")
def coverage_cmd(
    problem_file: Annotated[str, typer.Argument(help="Problemfil eller example:NAME")],
    rota_file: Annotated[Path | None, typer.Argument(help="Turnus (valgfri): da teller også ubesatte vakter")] = None,
    include_daytime: Annotated[
        bool, typer.Option("--include-daytime", help="Ta med hverdager 08.00–15.30 (fastlegekontorene åpne)")
    ] = False,
    show_all: Annotated[bool, typer.Option("--all", help="List hvert hull, ikke bare de gjentatte")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Skriv rapporten som JSON")] = False,
) -> None:
    """Dekning: hver time i perioden uten lege på vakt (f.eks. Vefsns lørdager 08–09)."""
    from legeplan.legevakt.coverage import coverage_report

    problem = _problem(problem_file)
    rota = _rota(rota_file) if rota_file is not None else None
    report = coverage_report(problem, rota, include_daytime=include_daytime)
    if as_json:
        _echo_json(report.model_dump(mode="json"))
        return
    if not report.gaps:
        console.print("[green]Ingen timer uten lege på vakt.[/]")
        return
    console.print(
        f"{number(len(report.gaps))} hull, {number(report.hours_uncovered)} timer uten lege på vakt "
        f"{report.period_start}–{report.period_end}"
        + ("" if include_daytime else " (hverdager 08.00–15.30 er ikke med)"),
        highlight=False,
    )
    table = Table(title="Gjentatte hull")
    for column in ("Ukedag", "Fra", "Til", "Helligdag", "Antall", "Første", "Siste"):
        table.add_column(column)
    for r in report.recurring:
        table.add_row(
            r.weekday, r.start, r.end, "ja" if r.holiday else "nei", number(r.count), str(r.first), str(r.last)
        )
    console.print(table)
    if show_all:
        every = Table(title="Alle hull")
        for column in ("Når", "Timer", "Årsak"):
            every.add_column(column)
        for gap in report.gaps:
            every.add_row(gap.label, number(gap.hours), text(f"rota.coverage.{gap.reason}"))
        console.print(every)


@rota_app.command("solve-pinned")
def solve_pinned_cmd(
    problem_file: Annotated[str, typer.Argument(help="Problem (.toml/.json) eller example:NAME")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Turnusfil: .csv, .xlsx, .ics eller .json")],
    pin: Annotated[
        Path | None, typer.Option("--pin", help="Låste vakter (turnusfil: dato, vakt, lege, rolle) som må beholdes")
    ] = None,
    forbid: Annotated[
        Path | None, typer.Option("--forbid", help="Forbudte vakter (turnusfil) som ikke må settes")
    ] = None,
    time_limit: Annotated[float, typer.Option("--time-limit", "-t", help="Sekunder totalt (1–86400)")] = 30.0,
    workers: Annotated[int, typer.Option(help="CP-SAT-tråder (1–16)")] = 2,
) -> None:
    """Lag turnus med låste og forbudte vakter (manuelle endringer); de låste kontrolleres mot reglene først."""
    from legeplan.legevakt import RotaInfeasibleError, write_rota
    from legeplan.legevakt.pins import solve_pinned

    _number("--time-limit", time_limit, 1, 86_400)
    _number("--workers", workers, 1, 16)
    if out.suffix.lower() not in (".csv", ".xlsx", ".ics", ".json"):
        raise _fail(f"{out}: ukjent filtype {out.suffix!r}; bruk .csv, .xlsx, .ics eller .json")
    problem = _problem(problem_file)
    fixed = _rota(pin) if pin is not None else []
    banned = _rota(forbid) if forbid is not None else []
    try:
        solution = solve_pinned(problem, fixed, banned, time_limit_s=time_limit, num_workers=workers)
    except RotaInfeasibleError as exc:
        err_console.print("[bold red]Ingen gyldig turnus finnes.[/] Årsak:")
        for reason in exc.reasons:
            err_console.print(f"  • {reason}", highlight=False)
        raise typer.Exit(code=1) from exc
    if not solution.assignments:
        raise _fail("; ".join(solution.explanation) or "fant ingen turnus")
    write_rota(problem, solution.assignments, out, solution)
    console.print(
        f"{problem.name}: {number(len(solution.assignments))} vakter ({number(len(fixed))} låste, "
        f"{number(len(banned))} forbudte): {status_label(solution.status)}; skrevet til {out}",
        highlight=False,
    )


@rota_app.command("balance")
def balance_cmd(
    rota_files: Annotated[list[Path], typer.Argument(help="Publiserte turnuser, én per periode (.csv/.xlsx/.json)")],
    problem_file: Annotated[str, typer.Option("--problem", "-p", help="Problemfil eller example:NAME")],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Skriv problemet med ny balanse (.json) for neste periode")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Skriv rapporten som JSON")] = False,
) -> None:
    """Samlet vaktbelastning over publiserte perioder: netter, helger, helligdager og bakvakter mot andelen."""
    from legeplan.legevakt.fairness_history import cumulative_balance, with_balance

    if out is not None and out.suffix.lower() != ".json":
        raise _fail(f"{out}: bruk .json for problemet med balanse")
    problem = _problem(problem_file)
    report = cumulative_balance(problem, [_rota(path) for path in rota_files])
    if out is not None:
        out.write_text(with_balance(problem, report).model_dump_json(indent=2), encoding="utf-8")
    if as_json:
        _echo_json(report.model_dump(mode="json"))
        return
    first, last = report.periods[0][0], report.periods[-1][1]
    table = Table(title=f"Samlet belastning {first}–{last} ({number(len(report.periods))} perioder)")
    table.add_column("Lege")
    for column in ("Vakter", "Netter", "Helg", "Helligdag"):
        table.add_column(f"{column} (andel)", justify="right")
    table.add_column("Bakvakter", justify="right")
    table.add_column("Balanse natt/helg/helligdag", justify="right")
    for row in report.doctors:
        cells = [
            f"{decimal(row.load[c], 1)} ({decimal(row.share[c], 1)})" for c in ("alle", "natt", "helg", "helligdag")
        ]
        balance = " / ".join(
            ("+" if row.balance[c] > 0 else "") + decimal(row.balance[c], 1) for c in ("natt", "helg", "helligdag")
        )
        table.add_row(row.name, *cells, number(row.bakvakter), balance)
    console.print(table)
    if out is not None:
        console.print(f"Problemet med balansen til neste periode er skrevet til {out}")
