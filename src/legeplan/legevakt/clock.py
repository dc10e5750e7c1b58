"""Time as lived in Europe/Oslo: the one place where shift times become instants, durations and nights.

Working-time rules (rest, overlap, hours per week) are about hours lived, not about the wall clock: the night of the
spring change (last Sunday of March, 02:00 → 03:00) is one hour shorter and the night of the autumn change (last
Sunday of October, 03:00 → 02:00) one hour longer. A shift type's wall-clock times are resolved with
``zoneinfo.ZoneInfo("Europe/Oslo")`` into *aware* datetimes that carry the fixed UTC offset Oslo has at that
instant (CET +01:00 or CEST +02:00).

Why a fixed offset and not the ``ZoneInfo`` object itself: Python subtracts and compares two datetimes that share
one ``tzinfo`` object on the wall clock, ignoring the offset (23:00 CET to 08:00 CEST would be 9 hours, not 8).
With the offset fixed per instant, ``end - start``, ``a < b`` and ``end + rest`` are real elapsed time everywhere,
while ``.date()`` and ``.time()`` still give Oslo's local date and time of day.

Night (``is_night``): a shift is a night when it covers time between 00:00 and 06:00 local time, i.e. its interval
overlaps ``[00:00, 06:00)`` of some day by more than zero. A shift that ends at exactly 00:00 (e.g. 18:00–00:00) is
not a night; a shift that starts at 05:00 or ends at 00:30 is.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")
#: Local hours that make a shift a night: it covers some time between 00:00 and 06:00 (docs/legevakt.md).
NIGHT_START = time(0, 0)
NIGHT_END = time(6, 0)

_OFFSETS: dict[timedelta, timezone] = {}
_FIXED: set[object] = set()


def _fixed(offset: timedelta) -> timezone:
    zone = _OFFSETS.get(offset)
    if zone is None:
        hours = offset.total_seconds() / 3600
        name = {1.0: "CET", 2.0: "CEST"}.get(hours)
        zone = timezone(offset, name) if name else timezone(offset)
        _OFFSETS[offset] = zone
        _FIXED.add(zone)
    return zone


def as_oslo(moment: datetime) -> datetime:
    """The same instant as an aware Oslo datetime with a fixed offset (naive input is read as Oslo wall time)."""
    if moment.tzinfo in _FIXED:  # already resolved here (the shift instants): nothing to do
        return moment
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=OSLO)
    local = moment.astimezone(UTC).astimezone(OSLO)
    offset = local.utcoffset()
    assert offset is not None
    return local.replace(tzinfo=_fixed(offset), fold=0)


@lru_cache(maxsize=65_536)
def local_time(day: date, clock: time) -> datetime:
    """Oslo wall time ``clock`` on ``day`` as an instant. A time that does not exist (02:30 on the spring change) is
    read with the offset before the change (02:30 CET = 03:30 CEST); an ambiguous one (02:30 on the autumn change)
    is its first occurrence (CEST)."""
    return as_oslo(datetime.combine(day, clock, tzinfo=OSLO))


def shift_times(day: date, start: time, end: time) -> tuple[datetime, datetime]:
    """Start and end instants of a shift running from ``start`` on ``day`` to ``end`` (``end <= start``: the next
    day), both read on Oslo's wall clock."""
    end_day = day + timedelta(days=1) if end <= start else day
    return local_time(day, start), local_time(end_day, end)


def hours_between(first: datetime, second: datetime) -> float:
    """Hours lived from ``first`` to ``second`` (negative when ``second`` is earlier); naive values are Oslo time."""
    return (as_oslo(second) - as_oslo(first)).total_seconds() / 3600


def overlap_hours(start: datetime, end: datetime, window_start: datetime, window_end: datetime) -> float:
    """Hours lived that ``[start, end)`` and ``[window_start, window_end)`` have in common (0 when disjoint)."""
    begin = max(as_oslo(start), as_oslo(window_start))
    finish = min(as_oslo(end), as_oslo(window_end))
    return max(0.0, (finish - begin).total_seconds() / 3600)


def is_night(start: datetime, end: datetime) -> bool:
    """The one definition of a night: ``[start, end)`` covers time between 00:00 and 06:00 Oslo time of some day.

    Used by the solver, the checker and the load analysis (through ``ShiftInstance.night``). Ending at exactly 00:00
    is not a night.
    """
    first, last = as_oslo(start), as_oslo(end)
    day = first.date() - timedelta(days=1)
    while day <= last.date():
        if overlap_hours(first, last, local_time(day, NIGHT_START), local_time(day, NIGHT_END)) > 0:
            return True
        day += timedelta(days=1)
    return False


#: An ordinary day (no clock change) on which shift types' nominal hours and night status are read.
REFERENCE_DAY = date(2001, 1, 15)
