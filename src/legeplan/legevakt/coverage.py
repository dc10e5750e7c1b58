"""Coverage: every stretch of the period with no doctor on duty — from the shift times alone (the problem), or from a
rota (shifts nobody is on vakt for count as uncovered too).

Ordinary weekday hours 08:00–15:30 on days that are not holidays are left out by default: then the GP offices are
open and legevakt is not expected to cover (``include_daytime`` shows them as well). Times are aware Europe/Oslo.
Vefsn's shift times (seed 000: weekdays 15:30–08:00, weekends and holidays 09:00–09:00) leave every Saturday
08:00–09:00 open, and 08:00–09:00 on a holiday that follows an ordinary weekday.

The days just before and after the period are expanded too, so a night that starts the evening before the period
covers its first morning; outside the period a rota is assumed to be staffed.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from pydantic import Field

from legeplan.legevakt.calendar import expand_shifts, holidays_between
from legeplan.legevakt.hours import OSLO, aware_interval, split_interval
from legeplan.legevakt.model import Assignment, Role, RotaModel, RotaProblem

WEEKDAYS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")


class Gap(RotaModel):
    start: datetime = Field(description="Aware Europe/Oslo")
    end: datetime
    hours: float
    reason: str = Field(description="'ingen vakt' (no shift covers it) or 'ubesatt' (a shift nobody is on vakt for)")

    @property
    def label(self) -> str:
        """E.g. «lørdag 2026-01-03 08:00–09:00»."""
        end = self.end.strftime("%H:%M") if self.end.date() == self.start.date() else self.end.strftime("%d.%m %H:%M")
        return f"{WEEKDAYS[self.start.weekday()]} {self.start.date().isoformat()} {self.start.strftime('%H:%M')}–{end}"


class RecurringGap(RotaModel):
    """Gaps with the same weekday and clock times, e.g. «lørdag 08:00–09:00», and how often they occur."""

    weekday: str
    start: str
    end: str
    holiday: bool
    count: int
    first: date
    last: date


class CoverageReport(RotaModel):
    period_start: date
    period_end: date
    include_daytime: bool
    hours_uncovered: float
    gaps: tuple[Gap, ...]
    recurring: tuple[RecurringGap, ...]


def _covered_intervals(
    problem: RotaProblem, assignments: Iterable[Assignment] | None
) -> tuple[list[tuple[datetime, datetime]], list[tuple[datetime, datetime]]]:
    """(covered, defined-but-unstaffed) intervals in UTC."""
    wider = problem.model_copy(
        update={"start": problem.start - timedelta(days=1), "end": problem.end + timedelta(days=1)}
    )
    on_vakt: dict[tuple[date, str], int] = defaultdict(int)
    if assignments is not None:
        for a in assignments:
            if a.role is Role.VAKT:
                on_vakt[(a.date, a.shift_type)] += 1
    covered: list[tuple[datetime, datetime]] = []
    unstaffed: list[tuple[datetime, datetime]] = []
    for inst in expand_shifts(wider):
        start, end = aware_interval(inst)
        span = (start.astimezone(UTC), end.astimezone(UTC))
        inside = problem.start <= inst.date <= problem.end
        if assignments is None or not inside or on_vakt.get(inst.key, 0) > 0:
            covered.append(span)
        else:
            unstaffed.append(span)
    return covered, unstaffed


def _complement(
    covered: list[tuple[datetime, datetime]], begin: datetime, finish: datetime
) -> list[tuple[datetime, datetime]]:
    gaps = []
    cursor = begin
    for start, end in sorted(covered):
        if start > cursor:
            gaps.append((cursor, min(start, finish)))
        cursor = max(cursor, end)
        if cursor >= finish:
            break
    if cursor < finish:
        gaps.append((cursor, finish))
    return [(s, e) for s, e in gaps if e > s]


def coverage_report(
    problem: RotaProblem, assignments: Iterable[Assignment] | None = None, *, include_daytime: bool = False
) -> CoverageReport:
    """Every stretch of the period without a doctor on duty, and the recurring ones by weekday and clock time."""
    covered, unstaffed = _covered_intervals(problem, assignments)
    begin = datetime.combine(problem.start, time(0), tzinfo=OSLO).astimezone(UTC)
    finish = datetime.combine(problem.end + timedelta(days=1), time(0), tzinfo=OSLO).astimezone(UTC)
    holidays = holidays_between(problem.start, problem.end + timedelta(days=1), problem.extra_holidays)
    # A rota's last night runs past the period's last midnight: follow it to its end.
    finish = max([finish, *(end for _, end in unstaffed)])
    gaps: list[Gap] = []
    for start, end in _complement(covered, begin, finish):
        # Cut at the class boundaries to drop ordinary weekday hours, then join what is left back together.
        pieces: list[tuple[datetime, datetime]] = []
        t = start
        for _, cls, hours in split_interval(start, end, holidays):
            stop = t + timedelta(hours=hours)
            if include_daytime or cls != "dag":
                if pieces and pieces[-1][1] == t:
                    pieces[-1] = (pieces[-1][0], stop)
                else:
                    pieces.append((t, stop))
            t = stop
        for s, e in pieces:
            reason = "ubesatt" if any(a < e and s < b for a, b in unstaffed) else "ingen vakt"
            gaps.append(
                Gap(
                    start=s.astimezone(OSLO),
                    end=e.astimezone(OSLO),
                    hours=round((e - s).total_seconds() / 3600, 3),
                    reason=reason,
                )
            )
    groups: dict[tuple[str, str, str, bool], list[date]] = defaultdict(list)
    for gap in gaps:
        key = (
            WEEKDAYS[gap.start.weekday()],
            gap.start.strftime("%H:%M"),
            gap.end.strftime("%H:%M"),
            gap.start.date() in holidays,
        )
        groups[key].append(gap.start.date())
    order = Counter({key: len(days) for key, days in groups.items()})
    recurring = tuple(
        RecurringGap(
            weekday=key[0],
            start=key[1],
            end=key[2],
            holiday=key[3],
            count=n,
            first=min(groups[key]),
            last=max(groups[key]),
        )
        for key, n in order.most_common()
    )
    return CoverageReport(
        period_start=problem.start,
        period_end=problem.end,
        include_daytime=include_daytime,
        hours_uncovered=round(sum(g.hours for g in gaps), 3),
        gaps=tuple(gaps),
        recurring=recurring,
    )
