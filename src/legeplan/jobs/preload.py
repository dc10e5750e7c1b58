"""What the job server (`legeplan.jobs.runner.job_context`) imports once, so every job process starts with it: the
job code, the report engine, WeasyPrint and matplotlib (issue #15: a plan document waited 3–4 s for these imports in
every job; OR-Tools comes with the report's build).

Each module is imported on its own and a failure is only logged: a library that cannot load (WeasyPrint without
pango, say) must not take the job server, and with it every kind of job, down. The job that needs it then fails
with its own message, as it did when each job imported what it used."""

from __future__ import annotations

import importlib
import logging

log = logging.getLogger(__name__)

MODULES = (
    "legeplan.jobs.child",
    "legeplan.jobs.handlers",
    "legeplan.report.build",
    "legeplan.report.render.pdf",
    "legeplan.report.charts",
    "weasyprint",
    "matplotlib.figure",
)


#: Marks a failed warm-up in `preload`'s list.
WARM_UP = "legeplan.report.render.pdf.warm_up"


def preload() -> list[str]:
    """Imports `MODULES` and lays out one tiny PDF (`pdf.warm_up`: the stylesheets parsed, the fonts found once, not in
    every job: 0,12 s); returns the modules that could not be imported, and `WARM_UP` if the warm-up failed."""
    failed = []
    for name in MODULES:
        try:
            importlib.import_module(name)
        except Exception as error:  # any import failure: the job that needs the module reports it
            log.warning("jobbtjeneren kunne ikke laste %s: %s", name, error)
            failed.append(name)
    if "legeplan.report.render.pdf" not in failed and "weasyprint" not in failed:
        try:
            from legeplan.report.render.pdf import warm_up

            warm_up()
        except Exception as error:  # the first PDF of each job then does it, as before
            log.warning("jobbtjeneren kunne ikke varme opp PDF-motoren: %s", error)
            failed.append(WARM_UP)
    return failed


preload()
