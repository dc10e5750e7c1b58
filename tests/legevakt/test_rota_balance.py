"""Fairness over time (issue #12): balances carried over published periods correct the next period's targets."""

from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from legeplan.cli import app
from legeplan.legevakt import Assignment, RotaProblem, load_problem, solve_rota, write_rota
from legeplan.legevakt.calendar import expand_shifts
from legeplan.legevakt.fairness_history import carry_balance, cumulative_balance, with_balance
from legeplan.legevakt.model import FairnessBalance
from legeplan.legevakt.rules import fairness_targets

from .helpers import NATT, problem, specialist

runner = CliRunner()
MONDAY = date(2026, 1, 5)


def _three(**balances: FairnessBalance) -> RotaProblem:
    return problem(
        *(specialist(d, balance=balances.get(d, FairnessBalance())) for d in ("a", "b", "c")),
        shift_types=(NATT,),
        days=12,
    )


def test_a_positive_balance_lowers_the_target_and_keeps_the_total() -> None:
    plain = _three()
    carried = _three(a=FairnessBalance(natt=3, alle=3))
    before = fairness_targets(plain, expand_shifts(plain))
    after = fairness_targets(carried, expand_shifts(carried))
    assert before["natt"] == pytest.approx({"a": 4, "b": 4, "c": 4})
    # target = share · (1 + B / T) − b: a 4 · 1.25 − 3 = 2, the others 5.
    assert after["natt"] == pytest.approx({"a": 2, "b": 5, "c": 5})
    assert sum(after["natt"].values()) == pytest.approx(12)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(min_value=-30, max_value=30), min_size=3, max_size=3))
def test_carried_targets_are_never_negative_and_sum_to_the_load(values: list[float]) -> None:
    p = _three(**{d: FairnessBalance(natt=v) for d, v in zip("abc", values, strict=True)})
    targets = carry_balance(p, {"natt": {"a": 4.0, "b": 4.0, "c": 4.0}})["natt"]
    assert all(t >= 0 for t in targets.values())
    assert sum(targets.values()) == pytest.approx(12)


def test_next_period_corrects_last_periods_imbalance() -> None:
    first = _three()
    # Period 1 by hand: a had 6 of the 12 nights, b 3, c 3.
    order = "aabcabcaabca"
    rota1 = [Assignment(date=MONDAY + timedelta(days=i), shift_type="natt", doctor=d) for i, d in enumerate(order)]
    report = cumulative_balance(first, [rota1])
    balance = {r.doctor: r.balance["natt"] for r in report.doctors}
    assert balance == pytest.approx({"a": 2, "b": -1, "c": -1})
    second = with_balance(first, report).model_copy(
        update={"start": MONDAY + timedelta(days=12), "end": MONDAY + timedelta(days=23)}
    )
    rota2 = list(solve_rota(second, time_limit_s=4).assignments)
    nights = {d: sum(1 for a in rota2 if a.doctor == d) for d in "abc"}
    assert nights == {"a": 2, "b": 5, "c": 5}
    both = cumulative_balance(first, [rota1, rota2])
    assert all(abs(r.balance["natt"]) < 1e-6 for r in both.doctors)


def test_balance_cli_writes_the_next_problem(tmp_path: Path) -> None:
    first = _three()
    (tmp_path / "p.json").write_text(first.model_dump_json(), encoding="utf-8")
    order = "aabcabcaabca"
    rota = [Assignment(date=MONDAY + timedelta(days=i), shift_type="natt", doctor=d) for i, d in enumerate(order)]
    write_rota(first, rota, tmp_path / "r1.csv")
    out = tmp_path / "next.json"
    result = runner.invoke(
        app, ["rota", "balance", str(tmp_path / "r1.csv"), "-p", str(tmp_path / "p.json"), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "+2,0" in result.output
    assert load_problem(out).doctor("a").balance.natt == pytest.approx(2)
