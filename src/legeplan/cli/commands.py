"""The table of top-level commands: name, one-line help for `legeplan --help`, and the module defining it.

A module is imported only when one of its commands runs (see the start-up rule in legeplan.cli.app). To add a
command module: write `cli/<area>_cmd.py` registering its commands on `legeplan.cli.app.app`, add a loader
function below and one `COMMANDS` entry per top-level name it registers. tests/cli/test_startup.py checks that
every entry's help matches the command's own docstring.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class LazyCommand:
    help: str
    load: Callable[[], None]


def _register() -> None:
    from legeplan.cli import register_cmd  # noqa: F401


def _capacity() -> None:
    from legeplan.cli import capacity_cmd  # noqa: F401


def _rota() -> None:
    from legeplan.cli import rota_cmd, rota_live_cmd, rota_problem_cmd  # noqa: F401


def _plan() -> None:
    from legeplan.cli import plan_cmd, template_cmd  # noqa: F401  (template_cmd adds `actions template`)


def _report() -> None:
    from legeplan.cli import report_cmd  # noqa: F401


def _region() -> None:
    from legeplan.cli import region_cmd  # noqa: F401


def _serve() -> None:
    from legeplan.cli import serve_cmd  # noqa: F401


def _plan_text() -> None:
    from legeplan.cli import plan_text_cmd  # noqa: F401


def _statistics() -> None:
    from legeplan.cli import statistics_cmd  # noqa: F401


def _ops() -> None:
    from legeplan.cli import ops_cmd  # noqa: F401


def _legevakt() -> None:
    from legeplan.cli import legevakt_cmd  # noqa: F401


def _builtin() -> None:
    """Commands defined in legeplan.cli.app itself."""


COMMANDS: dict[str, LazyCommand] = {
    "register": LazyCommand("Fastlegeregisteret: import, eksport, mal og demodata.", _register),
    "keyfigures": LazyCommand(
        "Nøkkeltall for fastlegeordningen: kapasitet, listelengde, alder, stabilitet og turnover.", _register
    ),
    "dimension": LazyCommand("Beregn hvor mange fastlegehjemler kommunen trenger år for år, og hvorfor.", _capacity),
    "rota": LazyCommand("Legevaktturnus: lag, kontroller og analyser vaktbelastning.", _rota),
    "duties": LazyCommand(
        "Legetimer, årsverk og timer per plass i institusjoner, og behovet etter Nfas-normen.", _plan
    ),
    "economics": LazyCommand(
        "Kostnad for kommunen og inntekt for legen per driftsform, basistilskudd, vikarkostnad og legevakttilskudd.",
        _plan,
    ),
    "actions": LazyCommand("Tiltaksplan: styringsmål, tiltak, kostnad og status.", _plan),
    "check-plan": LazyCommand(
        "Regn etter summer, prosenter og gjennomsnitt i en plan og vis det som ikke stemmer.", _plan
    ),
    "plan": LazyCommand(
        "Planteksten: kommunens egen tekst i Plan for legetjenesten, én Markdown-fil per kapittel.", _plan_text
    ),
    "report": LazyCommand("Lag Plan for legetjenesten som HTML, PDF eller Word (DOCX).", _report),
    "region": LazyCommand("Regional oversikt: stabilitet, ledighet, mobilitet, driftsformer og kompetanse.", _region),
    "serve": LazyCommand("Start webapplikasjonen.", _serve),
    "statistics": LazyCommand(
        "Offentlig statistikk rett fra kilden (SSB, KUHR), lagret med kilde og dato.", _statistics
    ),
    "worker": LazyCommand(
        "Kjør bakgrunnsjobber (turnusløsing, registerimport) fra databasen. Start så mange du vil, på flere maskiner.",
        _ops,
    ),
    "backup": LazyCommand(
        "Skriv en sikkerhetskopi av hele databasen (registre, scenarier, turnuser, brukere, logg, jobber).", _ops
    ),
    "restore": LazyCommand(
        "Les inn en sikkerhetskopi i en tom database (eller erstatt innholdet med --replace).", _ops
    ),
    "template": LazyCommand("Lag en tom mal med forklaringer for en inndatafil.", _plan),
    "version": LazyCommand("Vis versjonen av legeplan.", _builtin),
    "legevakt": LazyCommand(
        "Legevaktturnus i databasen: legevakter, perioder, publisering, fravær og reparasjon, timer.", _legevakt
    ),
}
