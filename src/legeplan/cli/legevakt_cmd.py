"""`legeplan legevakt …`: the living rota in the database from the command line, over the same store and actions as
the web pages (legeplan.living_rota): create a legevakt, add a period, solve, publish, mark a doctor absent (repair),
list events, hours for payroll.

Exit codes: 0 done; 1 no rota (infeasible, no legal repair, a rule refuses); 2 bad input (unknown legevakt, period
or doctor, bad dates, a database that cannot be opened, a stale version)."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from legeplan.cli.app import app
from legeplan.cli.errors import BAD_INPUT, PROBLEMS, fail

if TYPE_CHECKING:
    from legeplan.storage.repository import Storage
    from legeplan.storage.rota_store import RotaStore

legevakt_app = typer.Typer(
    help="Legevaktturnus i databasen: legevakter, perioder, publisering, fravær og reparasjon, timer.",
    no_args_is_help=True,
)
app.add_typer(legevakt_app, name="legevakt")

DatabaseOption = Annotated[
    str | None,
    typer.Option("--database-url", envvar="LEGEPLAN_DATABASE_URL", help="Database (standard: legeplan.sqlite)"),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Maskinlesbar JSON")]
WhoOption = Annotated[str | None, typer.Option("--who", help="Hvem som gjør endringen (standard: brukernavnet)")]


def _who(who: str | None) -> str:
    return who or os.environ.get("USER") or "cli"


def _open(url: str | None) -> tuple[Storage, RotaStore]:
    from legeplan.storage import StorageError, open_storage
    from legeplan.storage.rota_store import RotaStore

    try:
        storage = open_storage(url)
    except StorageError as error:
        fail(str(error))
    return storage, RotaStore(storage)


def _date(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"{option}: «{value}» er ikke en dato (ÅÅÅÅ-MM-DD)")


def _audit(storage: Storage, who: str, code: str | None, action: str, entity: str, after: object) -> None:
    from legeplan.storage.web_tables import WebStore

    WebStore(storage).audit(who, code, action, entity, None, after)


def period_title(name: str, start: date, end: date) -> str:
    """A period's name with its dates (dd.mm.åååå), the dates left out when the name already holds them (a name made
    from the registers is «Legevaktturnus Vefsn 02.03.2026–29.03.2026»; older ones have ISO dates)."""
    for first, last in ((f"{start:%d.%m.%Y}", f"{end:%d.%m.%Y}"), (start.isoformat(), end.isoformat())):
        if first in name and last in name:
            return name
    return f"{name} ({start:%d.%m.%Y}–{end:%d.%m.%Y})"


@legevakt_app.command("create")
def create(
    name: Annotated[str, typer.Argument(help="Legevaktens navn", metavar="NAVN")],
    members: Annotated[list[str], typer.Option("--municipality", "-m", help="Medlemskommune (kan gjentas)")],
    wish_days: Annotated[int, typer.Option("--wish-days", help="Frist for ønsker, dager før periodestart")] = 14,
    auto_approve: Annotated[bool, typer.Option("--auto-approve", help="Godkjenn lovlige bytter automatisk")] = False,
    who: WhoOption = None,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Opprett en legevakt for én eller flere kommuner (legene hentes fra registrene deres, som må være importert)."""
    from legeplan.i18n import text
    from legeplan.living_rota import LivingRotaError, create_legevakt

    storage, store = _open(database_url)
    try:
        legevakt = create_legevakt(
            storage, store, name, members, _who(who), wish_deadline_days=wish_days, auto_approve=auto_approve
        )
    except LivingRotaError as error:
        fail(str(error))
    _audit(storage, _who(who), legevakt.members[0], text("audit.action.lv_created"), f"legevakt/{legevakt.id}", name)
    if as_json:
        typer.echo(legevakt.model_dump_json(indent=2))
        return
    typer.echo(f"Legevakt {legevakt.id}: {legevakt.name} ({', '.join(legevakt.members)})")


@legevakt_app.command("list")
def list_legevakter(database_url: DatabaseOption = None, as_json: JsonOption = False) -> None:
    """Vis legevaktene og periodene deres."""
    from legeplan.i18n import text

    _storage, store = _open(database_url)
    found = [(legevakt, store.periods(legevakt.id)) for legevakt in store.legevakter()]
    shown = {"id", "name", "start", "end", "state"}
    if as_json:
        rows = [
            {
                **legevakt.model_dump(mode="json", include={"id", "name", "members"}),
                "periods": [p.model_dump(mode="json", include=shown) for p in periods],
            }
            for legevakt, periods in found
        ]
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not found:
        typer.echo("Ingen legevakter.")
    for legevakt, periods in found:
        typer.echo(f"{legevakt.id}: {legevakt.name} ({', '.join(legevakt.members)})")
        for p in periods:
            typer.echo(f"   periode {p.id}: {period_title(p.name, p.start, p.end)} [{text('lv.state.' + p.state)}]")


@legevakt_app.command("period")
def period(
    legevakt_id: Annotated[int, typer.Argument(help="Legevaktens nummer", metavar="LEGEVAKT")],
    start: Annotated[str | None, typer.Option("--from", help="Første dag (ÅÅÅÅ-MM-DD)")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Siste dag (ÅÅÅÅ-MM-DD)")] = None,
    problem_file: Annotated[
        Path | None, typer.Option("--problem", "-p", help="Vaktproblem (TOML/JSON) i stedet for registrene")
    ] = None,
    name: Annotated[str | None, typer.Option("--name", help="Periodens navn")] = None,
    who: WhoOption = None,
    database_url: DatabaseOption = None,
) -> None:
    """Legg til en periode (utkast): legene fra medlemskommunenes registre, eller fra en vaktproblemfil."""
    from legeplan.i18n import count, text
    from legeplan.legevakt import load_problem
    from legeplan.living_rota import LivingRotaError, default_shift_types, period_problem
    from legeplan.storage.rota_store import RotaStoreError

    storage, store = _open(database_url)
    legevakt = store.legevakt(legevakt_id)
    if legevakt is None or legevakt.deleted_at is not None:
        fail(f"legevakt {legevakt_id} finnes ikke")
    if problem_file is not None:
        try:
            problem = load_problem(problem_file)
        except (OSError, ValueError) as error:
            fail(str(error))
    else:
        if start is None or end is None:
            fail("oppgi --from og --to (eller --problem)")
        try:
            problem = period_problem(
                storage,
                legevakt,
                _date(start, "--from"),
                _date(end, "--to"),
                shift_types=default_shift_types(store, legevakt.id),
                name=name,
            )
        except LivingRotaError as error:
            fail(str(error))
    try:
        created = store.create_period(legevakt.id, problem, _who(who), name=name)
    except RotaStoreError as error:
        fail(str(error))
    _audit(
        storage,
        _who(who),
        legevakt.members[0],
        text("audit.action.lv_period_created"),
        f"legevakt/{legevakt.id}/periode/{created.id}",
        {"start": str(created.start), "end": str(created.end)},
    )
    deadline = "" if created.wish_deadline is None else f", frist for ønsker {created.wish_deadline:%d.%m.%Y}"
    typer.echo(
        f"Periode {created.id}: {period_title(created.name, created.start, created.end)}, "
        f"{count(len(problem.doctors), 'lege', 'leger')}{deadline}"
    )


@legevakt_app.command("solve")
def solve(
    period_id: Annotated[int, typer.Argument(help="Periodens nummer", metavar="PERIODE")],
    time_limit: Annotated[float, typer.Option("--time-limit", min=1, max=3600, help="Sekunder")] = 30.0,
    who: WhoOption = None,
    database_url: DatabaseOption = None,
) -> None:
    """Lag turnusen for en periode i utkast (ønsker, fravær og rettferdighet fra tidligere perioder tas med)."""
    from legeplan.living_rota import LivingRotaError, solve_now
    from legeplan.storage.repository import VersionConflict

    _storage, store = _open(database_url)
    try:
        version = solve_now(store, period_id, _who(who), time_limit_s=time_limit)
    except VersionConflict as error:
        fail(str(error))
    except LivingRotaError as error:
        code = PROBLEMS if "løseren fant ingen turnus" in str(error) else BAD_INPUT
        fail(str(error), code)
    from legeplan.i18n import status_label

    typer.echo(f"Versjon {version.number}: {len(version.assignments)} vakter ({status_label(version.status)})")


@legevakt_app.command("publish")
def publish(
    period_id: Annotated[int, typer.Argument(help="Periodens nummer", metavar="PERIODE")],
    why: Annotated[str, typer.Option("--why", help="Begrunnelse")] = "",
    who: WhoOption = None,
    database_url: DatabaseOption = None,
) -> None:
    """Publiser periodens nyeste turnusversjon (utkast → publisert)."""
    from legeplan.i18n import text
    from legeplan.living_rota import LivingRotaError, require_period
    from legeplan.storage.repository import VersionConflict
    from legeplan.storage.rota_store import RotaStoreError

    storage, store = _open(database_url)
    try:
        current = require_period(store, period_id)
        published = store.publish(period_id, _who(who), expected_version=current.version, why=why)
    except (LivingRotaError, RotaStoreError, VersionConflict) as error:
        fail(str(error))
    _audit(
        storage,
        _who(who),
        None,
        text("audit.action.lv_published"),
        f"legevakt/periode/{period_id}",
        {"published_version": published.published_version},
    )
    _announce(storage, store, period_id)
    typer.echo(f"Periode {period_id} er publisert (versjon {published.published_version}).")


def _announce(storage: Storage, store: RotaStore, period_id: int) -> None:
    """The period's doctors get a message in «Meldinger»; e-mail (when configured) is sent by a worker's job."""
    from legeplan.jobs import JobQueue
    from legeplan.notices import SmtpConfig, announce_published
    from legeplan.storage.web_tables import WebStore

    config = SmtpConfig.from_env()
    if announce_published(store, WebStore(storage), period_id, config) and config.enabled:
        JobQueue(storage, in_process=False).enqueue("mail_send", "cli", None, {})


@legevakt_app.command("absent")
def absent(
    period_id: Annotated[int, typer.Argument(help="Periodens nummer", metavar="PERIODE")],
    doctor: Annotated[str, typer.Option("--doctor", "-d", help="Legen som er borte (id)")],
    start: Annotated[str, typer.Option("--from", help="Første dag borte (ÅÅÅÅ-MM-DD)")],
    end: Annotated[str, typer.Option("--to", help="Siste dag borte (ÅÅÅÅ-MM-DD)")],
    why: Annotated[str, typer.Option("--why", help="Begrunnelse, f.eks. sykdom")] = "",
    time_limit: Annotated[float, typer.Option("--time-limit", min=1, max=600, help="Sekunder")] = 20.0,
    who: WhoOption = None,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Marker en lege som syk eller borte og reparer turnusen: bare det som må endres; hver endring skrives ut."""
    from legeplan.i18n import text
    from legeplan.living_rota import LivingRotaError, repair, require_period
    from legeplan.storage.repository import VersionConflict

    storage, store = _open(database_url)
    first, last = _date(start, "--from"), _date(end, "--to")
    try:
        current = require_period(store, period_id)
        version, result = repair(
            store,
            period_id,
            doctor,
            first,
            last,
            _who(who),
            expected_version=current.version,
            why=why,
            time_limit_s=time_limit,
        )
    except VersionConflict as error:
        fail(str(error))
    except LivingRotaError as error:
        fail(str(error), PROBLEMS if "ingen lovlig reparasjon" in str(error) else BAD_INPUT)
    _audit(
        storage,
        _who(who),
        None,
        text("audit.action.lv_absence"),
        f"legevakt/periode/{period_id}",
        {"doctor": doctor, "from": start, "to": end, "why": why},
    )
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "version": None if version is None else version.number,
                    "changed_assignments": result.changed_assignments,
                    "proven_minimal": result.proven_minimal,
                    "changes": [c.model_dump(mode="json") for c in result.changes],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    if version is None:
        typer.echo(f"{doctor} har ingen vakter {start}–{end}; fraværet er registrert, turnusen er uendret.")
        return
    minimal = "bevist minimalt" if result.proven_minimal else "ikke bevist minimalt"
    typer.echo(f"Versjon {version.number}: {result.changed_assignments} endrede vakter ({minimal})")
    for c in result.changes:
        typer.echo(f"  {c.date} {c.shift_type} {c.role.value}: {c.from_doctor or '–'} → {c.to_doctor or '–'}")


@legevakt_app.command("requests")
def requests_list(
    period_id: Annotated[int, typer.Argument(help="Periodens nummer", metavar="PERIODE")],
    state: Annotated[
        str | None, typer.Option("--state", help="Bare denne tilstanden: pending, approved, rejected eller withdrawn")
    ] = None,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Vis legenes bytter og bortgivelser i perioden (nyeste først), med tilstand og regelen som stoppet dem."""
    from legeplan.legevakt.living import REQUEST_STATES
    from legeplan.living_rota import LivingRotaError, require_period

    if state is not None and state not in REQUEST_STATES:
        fail(f"--state: «{state}» er ukjent; bruk {', '.join(REQUEST_STATES)}")
    _storage, store = _open(database_url)
    try:
        period = require_period(store, period_id)
    except LivingRotaError as error:
        fail(str(error))
    found = store.requests(period_id, state=state)
    if as_json:
        typer.echo(json.dumps([r.model_dump(mode="json") for r in found], ensure_ascii=False, indent=2))
        return
    if not found:
        typer.echo(f"Ingen forespørsler i periode {period_id}.")
        return
    from legeplan.i18n import text
    from legeplan.notices import shift_label

    for r in found:
        back = f" ↔ {shift_label(period, r.return_shifts[0])}" if r.return_shifts else ""
        to = r.to_physician or text("lege.anyone").lower()
        line = f"#{r.id} {text('req.kind.' + r.kind)}: {r.from_physician} → {to}, {shift_label(period, r.shifts[0])}"
        typer.echo(f"{line}{back} · {text('req.state.' + r.state)}" + (f": {r.refusal}" if r.refusal else ""))


@legevakt_app.command("events")
def events(
    period_id: Annotated[int, typer.Argument(help="Periodens nummer", metavar="PERIODE")],
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Vis periodens hendelser (hvem, hva, når, hvorfor), nyeste først."""
    from legeplan.living_rota import LivingRotaError, require_period

    _storage, store = _open(database_url)
    try:
        require_period(store, period_id)
    except LivingRotaError as error:
        fail(str(error))
    found = store.events(period_id)
    if as_json:
        typer.echo(json.dumps([e.model_dump(mode="json") for e in found], ensure_ascii=False, indent=2))
        return
    from legeplan.i18n import text

    for e in found:
        version = "" if e.version is None else f" versjon {e.version}"
        reason = f" – {e.why}" if e.why else ""
        typer.echo(f"{e.at:%d.%m.%Y %H:%M} {e.who}: {text(f'lv.event.{e.kind}')}{version}{reason}")
        for c in e.detail.get("changes", []):
            typer.echo(f"    {c['date']} {c['shift_type']}: {c['from_doctor'] or '–'} → {c['to_doctor'] or '–'}")


@legevakt_app.command("hours")
def hours(
    period_id: Annotated[int, typer.Argument(help="Periodens nummer", metavar="PERIODE")],
    out: Annotated[Path | None, typer.Option("--out", help="Skriv til .csv eller .xlsx")] = None,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Timer per lege per måned for lønn (kveld, natt, helg, helligdag; bakvakt for seg) for periodens turnus."""
    from legeplan.legevakt.hours import hours_csv, write_hours
    from legeplan.living_rota import LivingRotaError, period_hours

    if out is not None and out.suffix.lower() not in (".csv", ".xlsx"):
        fail(f"{out}: ukjent filtype {out.suffix!r}; bruk .csv eller .xlsx")
    if out is not None and not out.parent.is_dir():
        fail(f"mappen {out.parent} finnes ikke")
    _storage, store = _open(database_url)
    try:
        rows = period_hours(store, period_id)
    except LivingRotaError as error:
        fail(str(error))
    if out is not None:
        write_hours(rows, out)
        typer.echo(f"Skrev {out}")
    elif as_json:
        typer.echo(json.dumps([r.model_dump(mode="json") for r in rows], ensure_ascii=False, indent=2))
    else:
        typer.echo(hours_csv(rows, bom=False), nl=False)  # a terminal shows no BOM; `--out x.csv` for Excel
