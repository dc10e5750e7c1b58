"""A legevakt with a published period, built on the demo register (Sandefjord 3804), for the doctor's pages.

The rota is made by hand so each test knows exactly which duty sits where (the rules decide, not the test):

* Monday M: kveld A, natt B; Tuesday M+1: kveld C, natt D; Monday M+7: kveld B, natt A.

B's natt on M ends 08.00 on M+1, and C's kveld starts 15.30 the same day: 7,5 hours, less than the 8 hours rest
(SFS 2305 in seed 002, «som hovedregel minst 8 timer»). So B taking C's kveld breaks `hviletid`. E is made 62 years
old without opting in (SFS 2305 § 7.2 → `alder_60`), and L is a LIS1 (seeds 001/002 → `lis1_alene` on a one-doctor
shift without bakvakt).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from legeplan.legevakt.living import Legevakt, RotaPeriod
from legeplan.legevakt.model import Assignment, Doctor, RotaProblem
from legeplan.living_rota import period_problem
from legeplan.storage import Storage
from legeplan.storage.rota_store import RotaStore
from legeplan.storage.web_tables import WebStore
from legeplan.web.auth import hash_password

CODE = "3804"
PASSWORD = "riktig-passord-1"


@dataclass(frozen=True)
class Living:
    legevakt: Legevakt
    period: RotaPeriod
    draft: RotaPeriod
    monday: date
    a: Doctor
    b: Doctor
    c: Doctor
    d: Doctor
    e: Doctor
    lis1: Doctor


def _competent(problem: RotaProblem) -> list[Doctor]:
    return [
        d
        for d in problem.doctors
        if d.meets_section7 and not d.lis1 and d.age < 55 and not d.night_exempt and not d.age_exempt
    ]


def start_monday(days_ahead: int = 28) -> date:
    day = date.today() + timedelta(days=days_ahead)
    return day - timedelta(days=day.weekday())


def hand_rota(m: date, a: str, b: str, c: str, d: str) -> list[Assignment]:
    def duty(day: date, shift: str, doctor: str) -> Assignment:
        return Assignment(date=day, shift_type=shift, doctor=doctor)

    one, seven = m + timedelta(days=1), m + timedelta(days=7)
    return [
        duty(m, "kveld", a),
        duty(m, "natt", b),
        duty(one, "kveld", c),
        duty(one, "natt", d),
        duty(seven, "kveld", b),
        duty(seven, "natt", a),
    ]


def build(
    storage: Storage, *, auto_approve: bool = False, who: str = "redaktor", name: str = "Sandefjord legevakt"
) -> Living:
    """The legevakt «Sandefjord legevakt» (member 3804) with a published two-week period (starting four weeks from
    today) and a draft period after it whose wish deadline is still open."""
    store = RotaStore(storage)
    legevakt = store.create_legevakt(name, [CODE], who, auto_approve=auto_approve)
    monday = start_monday()
    base = period_problem(storage, legevakt, monday, monday + timedelta(days=13), name="Vårperiode")
    chosen = _competent(base)
    a, b, c, d, e = chosen[:5]
    lis1 = next(doc for doc in base.doctors if doc.lis1)
    old = e.model_copy(update={"age": 62, "opt_in_60": False})
    problem = base.model_copy(update={"doctors": tuple(old if doc.id == e.id else doc for doc in base.doctors)})
    period = store.create_period(legevakt.id, problem, who, name="Vårperiode")
    store.add_version(
        period.id,
        hand_rota(monday, a.id, b.id, c.id, d.id),
        who,
        expected_version=period.version,
        source="solve",
        status="manuell",
    )
    current = store.period(period.id)
    assert current is not None
    published = store.publish(period.id, who, expected_version=current.version)
    later = monday + timedelta(days=28)
    draft_problem = period_problem(storage, legevakt, later, later + timedelta(days=13), name="Sommerperiode")
    draft = store.create_period(legevakt.id, draft_problem, who, name="Sommerperiode")
    return Living(legevakt, published, draft, monday, a, b, c, d, old, lis1)


def add_lege(store: WebStore, username: str, physician_id: str, *, email: str | None = None) -> None:
    """A login with the role lege tied to a physician of the demo register."""
    user = store.add_user(username, hash_password(PASSWORD), "lege", CODE)
    store.link_physician(user.id, CODE, physician_id, email)
