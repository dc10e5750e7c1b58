"""Job kinds and their resource limits. A kind is a name the web app enqueues and a handler the worker runs."""

from __future__ import annotations

from dataclasses import dataclass


class JobFailure(Exception):
    """A job that cannot succeed (bad input, a limit): its Norwegian message becomes the job's error; no retry."""


class JobCancelled(Exception):
    """The user cancelled the job while it ran."""


@dataclass(frozen=True)
class JobLimits:
    """Limits enforced on one run of a job (in the child process: `resource.setrlimit`, and by the worker's clock).

    `wall_s` is the worker's clock; `cpu_s` and `memory_bytes` are RLIMIT_CPU and RLIMIT_AS of the child (None: no
    limit)."""

    wall_s: float
    cpu_s: int | None = None
    memory_bytes: int | None = None


@dataclass(frozen=True)
class JobKind:
    name: str
    limits: JobLimits
    max_attempts: int = 2


MB = 1024 * 1024

#: Register import: files are at most 10 MB (legeplan.register.io.MAX_IMPORT_BYTES); these bound the work inside.
MAX_IMPORT_ROWS = 10_000
MAX_IMPORT_CELLS = 200_000
MAX_UNCOMPRESSED_BYTES = 40 * MB
MAX_COMPRESSION_RATIO = 200

#: Rota solves get their own time limit plus this much for model building and storing.
ROTA_OVERHEAD_S = 120.0

JOB_KINDS: dict[str, JobKind] = {
    "register_import": JobKind("register_import", JobLimits(wall_s=60.0, cpu_s=60, memory_bytes=1536 * MB)),
    "rota_solve": JobKind("rota_solve", JobLimits(wall_s=600.0 + ROTA_OVERHEAD_S, cpu_s=None, memory_bytes=None)),
    #: Repair of a stored legevakt period after an absence (legeplan.living_rota.repair); not retried (the period's
    #: version check would refuse a second run anyway).
    "rota_repair": JobKind(
        "rota_repair", JobLimits(wall_s=600.0 + ROTA_OVERHEAD_S, cpu_s=None, memory_bytes=None), max_attempts=1
    ),
    #: Sends the e-mail outbox (legeplan.notices.drain_outbox); a failed mail stays in the outbox for the next one.
    "mail_send": JobKind("mail_send", JobLimits(wall_s=300.0, cpu_s=120, memory_bytes=1024 * MB), max_attempts=1),
    #: The plan document (simulation, charts, WeasyPrint or python-docx): about a minute on a busy 2-core machine.
    "report": JobKind("report", JobLimits(wall_s=600.0, cpu_s=600, memory_bytes=3072 * MB)),
    # Monte Carlo simulation of a scenario (legeplan.jobs.compute): at most 10 000 runs x 30 years.
    "scenario_simulation": JobKind("scenario_simulation", JobLimits(wall_s=300.0, cpu_s=240, memory_bytes=None)),
    # SSB/KUHR fetch: network waits, little CPU; a retry after a crash fetches again (the cache keeps what it had).
    "statistics_fetch": JobKind("statistics_fetch", JobLimits(wall_s=300.0, cpu_s=60, memory_bytes=1536 * MB)),
}


def limits_for(kind: str, payload: dict[str, object]) -> JobLimits:
    """The limits of one job: a rota solve's clock follows its own time limit."""
    base = JOB_KINDS[kind].limits
    if kind in ("rota_solve", "rota_repair"):
        time_limit = payload.get("time_limit_s")
        solve_s = float(time_limit) if isinstance(time_limit, int | float) else 600.0
        return JobLimits(wall_s=solve_s + ROTA_OVERHEAD_S, cpu_s=base.cpu_s, memory_bytes=base.memory_bytes)
    return base
