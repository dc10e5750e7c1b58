"""Stability and turnover of fastlegeavtaler between two dates, as Helse Nord's report (seed 004, ch. 8) defines them.

A *stable* agreement has the same physician as the municipality's counterpart at the start and at the end of the
period: counted per hjemmel (the doctor holding it at the start against the doctor holding it at the end), so a
tenure split into several consecutive agreement rows is still one stable agreement. Stability share = stable /
agreements at the end (table 8.3: 464 / 552 = 84 %); turnover = agreements that ended during the period /
agreements at the start (83 / 547 = 15.2 %).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from pydantic import BaseModel, ConfigDict, model_validator

from legeplan.register.models import Agreement


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True)


def share(numerator: int, denominator: int) -> float | None:
    """A share in [0, 1], or None when there is nothing to divide by (never a silent 0 %)."""
    return numerator / denominator if denominator else None


class PeriodCounts(_Result):
    start: date
    end: date
    at_start: int
    at_end: int
    stable: int
    ended: int
    new: int

    @model_validator(mode="after")
    def _ordered(self) -> PeriodCounts:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self


class StabilityResult(_Result):
    counts: PeriodCounts
    stable: int
    agreements_at_end: int
    share: float | None


class TurnoverResult(_Result):
    counts: PeriodCounts
    ended: int
    agreements_at_start: int
    share: float | None


def holders_at(agreements: Iterable[Agreement], when: date) -> dict[str, str | None]:
    """Hjemmel (position_id) -> the physician holding it on `when`, None while vacant.

    Dates are end-inclusive: an agreement runs from `start_date` up to and including `end_date`, so a row ending
    2019-06-30 and the next starting 2019-07-01 hand over without a gap or a double count. Should several rows of one
    hjemmel still cover the same date (the import refuses that; other sources may not), the one that started last
    holds it: a hjemmel has at most one physician at a date and is never counted twice."""
    latest: dict[str, Agreement] = {}
    for agreement in agreements:
        if not agreement.active_at(when):
            continue
        current = latest.get(agreement.position_id)
        if current is None or agreement.start_date >= current.start_date:
            latest[agreement.position_id] = agreement
    return {position: agreement.physician_id for position, agreement in latest.items()}


def period_counts(agreements: Iterable[Agreement], start: date, end: date) -> PeriodCounts:
    """Count hjemler held by a physician at both dates, per hjemmel rather than per agreement row.

    Stable = the same physician holds the hjemmel at `start` and at `end` (Helse Nord's definition), however many
    rows the register splits that tenure into; ended = hjemler held at the start whose physician no longer holds them
    at the end (moved, left, or the hjemmel is vacant); new = hjemler held at the end by someone else than at the
    start. Vacant periods (no physician) are not agreements."""
    if end <= start:
        raise ValueError(f"end ({end}) must be after start ({start})")
    records = list(agreements)
    first = {position: doctor for position, doctor in holders_at(records, start).items() if doctor is not None}
    last = {position: doctor for position, doctor in holders_at(records, end).items() if doctor is not None}
    stable = sum(1 for position, doctor in first.items() if last.get(position) == doctor)
    return PeriodCounts(
        start=start,
        end=end,
        at_start=len(first),
        at_end=len(last),
        stable=stable,
        ended=len(first) - stable,
        new=len(last) - stable,
    )


def stability_from_counts(counts: PeriodCounts) -> StabilityResult:
    return StabilityResult(
        counts=counts, stable=counts.stable, agreements_at_end=counts.at_end, share=share(counts.stable, counts.at_end)
    )


def turnover_from_counts(counts: PeriodCounts) -> TurnoverResult:
    return TurnoverResult(
        counts=counts,
        ended=counts.ended,
        agreements_at_start=counts.at_start,
        share=share(counts.ended, counts.at_start),
    )


def stability(agreements: Iterable[Agreement], start: date, end: date) -> StabilityResult:
    return stability_from_counts(period_counts(agreements, start, end))


def turnover(agreements: Iterable[Agreement], start: date, end: date) -> TurnoverResult:
    return turnover_from_counts(period_counts(agreements, start, end))
