"""Benchmark: start-up time of the `legeplan` command (issue #15).

Runs each command line several times in fresh interpreters, alternating with a bare `python -c pass` start
measured in the same run as the baseline, and prints the median wall time of each and the ratio to the baseline.
The machine's load changes the absolute figures; the ratio is the number to compare between runs. Not a test:

    python benchmarks/cli_startup.py             # 9 rounds
    python benchmarks/cli_startup.py --rounds 21
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

SOURCE = str(Path(__file__).resolve().parents[1] / "src")
COMMANDS: dict[str, list[str]] = {
    "python -c pass (baseline)": ["-c", "pass"],
    "python -c 'import typer' (Typer alone)": ["-c", "import typer"],
    "legeplan --help": ["-m", "legeplan", "--help"],
    "legeplan version": ["-m", "legeplan", "version"],
    "legeplan keyfigures --help": ["-m", "legeplan", "keyfigures", "--help"],
    "legeplan check-plan --help": ["-m", "legeplan", "check-plan", "--help"],
    "legeplan dimension --help": ["-m", "legeplan", "dimension", "--help"],
}


def once(args: list[str]) -> float:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [SOURCE, os.environ.get("PYTHONPATH")]))}
    start = time.perf_counter()
    subprocess.run([sys.executable, *args], check=True, capture_output=True, env=env)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=9)
    rounds = parser.parse_args().rounds
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(rounds):
        for name, args in COMMANDS.items():  # interleaved, so load changes hit every command alike
            times[name].append(once(args))
    baseline = statistics.median(times["python -c pass (baseline)"])
    print(f"{'command':<42} {'median s':>9} {'min s':>7} {'× baseline':>11}")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:<42} {median:9.3f} {min(values):7.3f} {median / baseline:11.1f}")
    help_median = statistics.median(times["legeplan --help"])
    print(f"\nlegeplan --help: {help_median:.3f} s median, {help_median / baseline:.1f} × a bare Python start")


if __name__ == "__main__":
    main()
