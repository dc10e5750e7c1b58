"""Stability and turnover of fastlegeavtaler between two dates, as Helse Nord's report (seed 004, ch. 8) defines them.

A *stable* agreement has the same physician as the municipality's counterpart at the start and at the end of the
period. Stability share = stable / agreements at the end (table 8.3: 464 / 552 = 84 %); turnover = agreements that
ended during the period / agreements at the start (83 / 547 = 15.2 %).
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


def period_counts(agreements: Iterable[Agreement], start: date, end: date) -> PeriodCounts:
    """Count physician-held agreements at both dates. Vacant periods (no physician) are not agreements."""
    if end <= start:
        raise ValueError(f"end ({end}) must be after start ({start})")
    held = [a for a in agreements if a.physician_id is not None]
    at_start = [a for a in held if a.active_at(start)]
    at_end = [a for a in held if a.active_at(end)]
    stable = sum(1 for a in at_start if a.active_at(end))
    return PeriodCounts(
        start=start,
        end=end,
        at_start=len(at_start),
        at_end=len(at_end),
        stable=stable,
        ended=len(at_start) - stable,
        new=len(at_end) - stable,
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
