"""The child process's resource limits bite, and a database from before the jobs revision upgrades with its data."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, text

from legeplan.storage.repository import Storage, alembic_config
from legeplan.storage.web_tables import WebStore

CPU_HOG = (
    "from legeplan.jobs.child import apply_limits; from legeplan.jobs.model import JobLimits; "
    "apply_limits(JobLimits(wall_s=60, cpu_s=1)); x = 0\nwhile True: x += 1"
)
MEMORY_HOG = (
    "from legeplan.jobs.child import apply_limits; from legeplan.jobs.model import JobLimits; "
    "apply_limits(JobLimits(wall_s=60, memory_bytes=512 * 1024 * 1024))\ntry:\n    b = bytearray(2 * 1024 ** 3)\n"
    "except MemoryError:\n    raise SystemExit(7)"
)


def test_the_cpu_limit_stops_a_runaway_job_process() -> None:
    done = subprocess.run([sys.executable, "-c", CPU_HOG], timeout=60, check=False)
    assert done.returncode == -signal.SIGXCPU


def test_the_memory_limit_turns_a_huge_allocation_into_memory_error() -> None:
    done = subprocess.run([sys.executable, "-c", MEMORY_HOG], timeout=60, check=False)
    assert done.returncode == 7


def test_a_database_from_revision_0002_upgrades_and_keeps_its_data(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    engine = create_engine(url)
    cfg = alembic_config(url)
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "0002_web")
        connection.execute(
            text(
                "INSERT INTO web_scenario (municipality_code, name, body_json, updated_at) "
                "VALUES ('3804', 'Gammel', '{\"name\": \"Gammel\"}', '2026-01-01 00:00:00')"
            )
        )
        connection.execute(text("INSERT INTO municipality (code, name) VALUES ('3804', 'Sandefjord')"))
    engine.dispose()
    storage = Storage(url)  # migrates to the newest revision
    [scenario] = WebStore(storage).scenarios("3804")
    assert scenario.name == "Gammel" and scenario.version == 1 and scenario.deleted_at is None
    assert storage.register_version("3804") == 1
    storage.dispose()
