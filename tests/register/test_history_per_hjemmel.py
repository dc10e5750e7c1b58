"""Stability and turnover are counted per hjemmel (same doctor at start and end), not per agreement row."""

from __future__ import annotations

from datetime import date

from legeplan.register.demo import DEMO_PERIOD, demo_register
from legeplan.register.history import holders_at, period_counts, stability, turnover
from legeplan.register.models import Agreement, Register


def split_first_agreement(register: Register) -> tuple[Agreement, ...]:
    """H001/L001's open agreement split into two consecutive rows, 2001-01-01..2019-06-30 and 2019-07-01.."""
    rows = list(register.agreements)
    index = next(i for i, a in enumerate(rows) if a.physician_id == "L001" and a.end_date is None)
    original = rows[index]
    rows[index : index + 1] = [
        original.model_copy(update={"end_date": date(2019, 6, 30)}),
        original.model_copy(update={"start_date": date(2019, 7, 1)}),
    ]
    return tuple(rows)


def test_demo_stability_is_45_of_54() -> None:
    result = stability(demo_register().agreements, *DEMO_PERIOD)
    assert (result.stable, result.agreements_at_end) == (45, 54)


def test_splitting_a_tenure_into_two_rows_keeps_it_stable() -> None:
    register = demo_register()
    split = split_first_agreement(register)
    assert len(split) == len(register.agreements) + 1
    before = period_counts(register.agreements, *DEMO_PERIOD)
    after = period_counts(split, *DEMO_PERIOD)
    assert after == before
    assert (stability(split, *DEMO_PERIOD).stable, turnover(split, *DEMO_PERIOD).ended) == (45, before.ended)


def test_a_handover_date_counts_the_hjemmel_once() -> None:
    rows = [
        Agreement(position_id="H1", physician_id="A", start_date=date(2010, 1, 1), end_date=date(2019, 7, 1)),
        Agreement(position_id="H1", physician_id="B", start_date=date(2019, 7, 1)),
    ]
    assert holders_at(rows, date(2019, 7, 1)) == {"H1": "B"}
    assert holders_at(rows, date(2019, 6, 30)) == {"H1": "A"}
    counts = period_counts(rows, date(2019, 1, 1), date(2019, 7, 1))
    assert (counts.at_start, counts.at_end, counts.stable, counts.ended, counts.new) == (1, 1, 0, 1, 1)


def test_same_doctor_on_another_hjemmel_is_not_stable() -> None:
    rows = [
        Agreement(position_id="H1", physician_id="A", start_date=date(2010, 1, 1), end_date=date(2018, 12, 31)),
        Agreement(position_id="H2", physician_id="A", start_date=date(2019, 1, 1)),
    ]
    counts = period_counts(rows, date(2018, 1, 1), date(2020, 1, 1))
    assert (counts.stable, counts.ended, counts.new) == (0, 1, 1)


def test_the_same_doctor_back_on_the_same_hjemmel_is_stable() -> None:
    rows = [
        Agreement(position_id="H1", physician_id="A", start_date=date(2010, 1, 1), end_date=date(2018, 5, 31)),
        Agreement(position_id="H1", start_date=date(2018, 6, 1), end_date=date(2018, 8, 31)),  # vacant
        Agreement(position_id="H1", physician_id="A", start_date=date(2018, 9, 1)),
    ]
    counts = period_counts(rows, date(2018, 1, 1), date(2019, 1, 1))
    assert (counts.at_start, counts.at_end, counts.stable) == (1, 1, 1)
