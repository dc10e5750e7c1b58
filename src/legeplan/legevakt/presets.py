"""Rota models from the legevakt report (seed 002, Vedlegg 1) and the Vefsn plan (seed 000) as ready rotas.

* Nordsjøturnus (Lyngen): three doctors share the duty, "to uker på, fire uker av, som utgjør i gjennomsnitt
  56 timer i uka gjennom året" — each on-period is round-the-clock (14 × 24 h), so 3 × 56 h = 168 h = the whole week.
* Luster: two GPs and a turnuslege take "tredelt vakt" (1-in-3); a locum covers "ti dager hver måned, fredag til
  neste mandag" and has all duties then.
* Vefsn: 12 GPs, weekday vakt 15:30-08:00 (16.5 h) and 24-hour weekend/holiday vakt 09-09, which gives "hvert 12.
  hverdag og hver sjette helg".

The compressed models are exempt from the ordinary rest rule (arbeidsmiljøloven exemption for legevakt, seed 003),
so their problems set ``min_rest_hours = 0``.
"""

from __future__ import annotations

from datetime import date, time, timedelta

from legeplan.legevakt.baseline import round_robin_rota
from legeplan.legevakt.calendar import days_in
from legeplan.legevakt.model import Assignment, DaySelector, Doctor, Role, RotaProblem, ShiftType

PRESETS = ("nordsjo", "luster", "vefsn")

_DOGN = ShiftType(
    id="dogn", name="Døgnvakt", start=time(8), end=time(8), days=DaySelector.ALL, on_site=False, night=True
)


def _specialist(doctor_id: str, name: str, age: int = 45) -> Doctor:
    return Doctor(id=doctor_id, name=name, age=age, specialist=True, clinical_months=120, legevakter=300)


def nordsjoturnus(start: date, cycles: int = 1) -> tuple[RotaProblem, list[Assignment]]:
    """Three doctors, two weeks on and four off, for ``cycles`` six-week cycles from ``start``."""
    doctors = tuple(_specialist(f"nt{i}", f"NT-lege {i}") for i in (1, 2, 3))
    end = start + timedelta(weeks=6 * cycles) - timedelta(days=1)
    problem = RotaProblem(
        name="Nordsjøturnus (Lyngen, seed 002 Vedlegg 1)",
        start=start,
        end=end,
        shift_types=(_DOGN,),
        doctors=doctors,
        min_rest_hours=0,
        rest_after_night_hours=0,
    )
    assignments = [
        Assignment(date=day, shift_type="dogn", doctor=doctors[((day - start).days // 14) % 3].id)
        for day in days_in(start, end)
    ]
    return problem, assignments


def _locum_days(year: int, month: int) -> set[date]:
    """Ten days from the first Friday of the month (Friday to the Monday ten days later)."""
    first = date(year, month, 1)
    friday = first + timedelta(days=(4 - first.weekday()) % 7)
    return {friday + timedelta(days=i) for i in range(10)}


def luster(year: int, month: int) -> tuple[RotaProblem, list[Assignment]]:
    """One month of the Luster model: locum block of ten days, otherwise 1-in-3 among two GPs and a turnuslege."""
    start = date(year, month, 1)
    end = (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    lis1 = Doctor(id="lis1", name="Turnuslege", age=28, lis1=True, clinical_months=6)
    gps = (_specialist("lege1", "Fastlege 1"), _specialist("lege2", "Fastlege 2"))
    locum = _specialist("vikar", "Vikar (byrå)", age=50)
    problem = RotaProblem(
        name="Luster (seed 002 Vedlegg 1)",
        start=start,
        end=end,
        shift_types=(_DOGN,),
        doctors=(*gps, lis1, locum),
        min_rest_hours=0,
        rest_after_night_hours=0,
    )
    locum_days = _locum_days(year, month)
    rotation = (gps[0], gps[1], lis1)
    assignments: list[Assignment] = []
    turn = 0
    lis1_turns = 0
    for day in days_in(start, end):
        if day in locum_days:
            assignments.append(Assignment(date=day, shift_type="dogn", doctor=locum.id))
            continue
        doctor = rotation[turn % 3]
        turn += 1
        assignments.append(Assignment(date=day, shift_type="dogn", doctor=doctor.id))
        if doctor is lis1:
            backup = gps[lis1_turns % 2]
            lis1_turns += 1
            assignments.append(Assignment(date=day, shift_type="dogn", doctor=backup.id, role=Role.BAKVAKT))
    return problem, assignments


def vefsn(year: int) -> tuple[RotaProblem, list[Assignment]]:
    """Vefsn's rota (seed 000): 12 GPs in turn, weekday 15:30-08:00 and weekend/holiday 09:00-09:00."""
    doctors = tuple(_specialist(f"fl{i:02d}", f"Fastlege {i}") for i in range(1, 13))
    problem = RotaProblem(
        name="Vefsn legevakt (seed 000)",
        start=date(year, 1, 1),
        end=date(year, 12, 31),
        shift_types=(
            ShiftType(id="hverdag", name="Hverdagsvakt", start=time(15, 30), end=time(8), days=DaySelector.WEEKDAYS),
            ShiftType(id="helg", name="Helg/helligdag", start=time(9), end=time(9), days=DaySelector.WEEKENDS_HOLIDAYS),
        ),
        doctors=doctors,
    )
    return problem, round_robin_rota(problem)


def preset(name: str, year: int, month: int = 1) -> tuple[RotaProblem, list[Assignment]]:
    if name == "nordsjo":
        return nordsjoturnus(date(year, 1, 5), cycles=8)
    if name == "luster":
        return luster(year, month)
    if name == "vefsn":
        return vefsn(year)
    raise KeyError(f"ukjent modell {name!r}; finnes: {', '.join(PRESETS)}")
