"""Benchmark: what a user waits for a job (issue #15), the plan's «Lag plan» as PDF in particular.

A demo municipality in a temporary SQLite database; its report job (PDF, public, 1 000 simulation runs, as the web app
enqueues it) is run to its end, alternately

* the previous way, the same-run baseline: a fresh `python -m legeplan.jobs.child JOB ATTEMPT` that imports the job
  code, the report engine, WeasyPrint and matplotlib for this job;
* as the worker runs it now: forked from the job server that imported them once (`legeplan.jobs.runner.JobProcess`);

once with nothing kept (the first round: simulation run, charts drawn, chapters laid out; the server's own start-up
is not counted, it happens when the worker starts), then with the simulation, the charts and the layout kept (the
next «Lag plan» of the same plan). Prints the median wall time of each and the ratio to the baseline. Not a test:

    python benchmarks/job_start.py            # 5 rounds
    python benchmarks/job_start.py --rounds 9
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from legeplan.jobs.runner import JobProcess
from legeplan.register.demo import demo_register
from legeplan.storage.job_tables import JobStore
from legeplan.storage.repository import Storage

PAYLOAD = {"format": "pdf", "internal": False, "simulation_runs": 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="legeplan-bench-jobs-"))
    os.environ["LEGEPLAN_CACHE_DIR"] = str(scratch / "cache")  # never the user's cache
    storage = Storage(f"sqlite:///{scratch / 'jobs.db'}")
    register = demo_register()
    storage.save_register(register)
    store = JobStore(storage)
    environment = dict(os.environ, LEGEPLAN_DATABASE_URL=storage.url)

    def claimed() -> tuple[str, int]:
        store.enqueue("report", "redaktor", register.municipality.code, dict(PAYLOAD), max_attempts=1)
        job = store.claim("benchmark")
        assert job is not None
        return job.id, job.attempts

    def previous() -> int:
        job_id, attempt = claimed()
        command = [sys.executable, "-m", "legeplan.jobs.child", job_id, str(attempt)]
        return subprocess.run(command, env=environment, check=False).returncode

    def forked() -> int:
        job_id, attempt = claimed()
        return JobProcess(job_id, attempt, environment).wait()

    def timed(run: Callable[[], int]) -> float:
        start = time.perf_counter()
        code = run()
        elapsed = time.perf_counter() - start
        if code != 0:
            raise SystemExit(f"the job process ended with {code}")
        failed = [job for job in store.recent(kind="report", limit=1) if job.state != "done"]
        if failed:
            raise SystemExit(f"the report job did not finish: {failed[0].error}")
        return elapsed

    JobProcess("finnes-ikke", 1, environment).wait()  # the job server starts with the worker, not with a job
    first_previous = timed(previous)
    for path in (scratch / "cache").rglob("*"):
        if path.is_file():
            path.unlink()
    first_forked = timed(forked)
    kept: dict[str, list[float]] = {"previous": [], "forked": []}
    for _ in range(args.rounds):
        kept["previous"].append(timed(previous))
        kept["forked"].append(timed(forked))

    print("«Lag plan» as PDF for the demo municipality (report job, 1 000 simulation runs), wall seconds")
    print(f"{'job':66s} {'wall s':>8s} {'ratio':>8s}")
    rows = [
        ("first (nothing kept): python -m legeplan.jobs.child (baseline)", first_previous, first_previous),
        ("first (nothing kept): forked from the job server", first_forked, first_previous),
    ]
    base = statistics.median(kept["previous"])
    rows += [
        ("charts, simulation and layout kept: python -m legeplan.jobs.child (baseline)", base, base),
        ("charts, simulation and layout kept: forked from the job server", statistics.median(kept["forked"]), base),
    ]
    for name, wall, baseline in rows:
        print(f"{name:66s} {wall:8.2f} {wall / baseline:7.2f}x")


if __name__ == "__main__":
    main()
