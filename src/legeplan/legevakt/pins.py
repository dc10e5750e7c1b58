"""Pins and manual edits: assignments the solver must keep (låst) and assignments it must not make (forbudt).

Pins are checked by the same rules as every rota (:func:`legeplan.legevakt.rules.check_rota`) before the solver
sees them: a pinned duty that breaks a rule by itself (60+, night exemption, absence, § 7 bakvakt) or together with
another pin (overlap, rest) is reported with the rule's id and Norwegian text. Coverage and cover (bakvakt for a LIS1)
are not asked of the pins alone — the solver completes them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from legeplan.legevakt.calendar import expand_shifts
from legeplan.legevakt.model import Assignment, Role, RotaProblem, RotaSolution, ShiftInstance, Violation
from legeplan.legevakt.rules import RULE_TEXT, check_rota

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

    from legeplan.legevakt.solver import _Variables

#: Rules a partial rota (the pins) cannot be held to: the solver fills the rest of the shift.
_COMPLETED_BY_SOLVER = frozenset({"dekning", "kompetanse_bakvakt", "lis1_alene"})

PIN_TEXT = {
    "låst_forbudt": "samme vakt kan ikke være både låst og forbudt",
    "låst_for_mange": "flere låste leger enn vakten trenger",
    "låst_bakvakt": "en bakvakt settes bare når en lege uten § 7-kompetanse (eller LIS1) har vakt uten kompetent "
    "kollega",
}


def _violation(rule: str, a: Assignment, detail: str) -> Violation:
    text = PIN_TEXT.get(rule) or RULE_TEXT.get(rule, rule)
    return Violation(rule=rule, date=a.date, doctor=a.doctor, shift_type=a.shift_type, message=f"{detail} ({text})")


def pin_violations(
    problem: RotaProblem, fixed: Sequence[Assignment], forbidden: Sequence[Assignment] = ()
) -> list[Violation]:
    """What is wrong with the pins themselves, by the rota rules (empty: the solver can take them)."""
    found = [v for v in check_rota(problem, fixed) if v.rule not in _COMPLETED_BY_SOLVER]
    banned = {(a.date, a.shift_type, a.doctor, a.role) for a in forbidden}
    for a in fixed:
        if (a.date, a.shift_type, a.doctor, a.role) in banned:
            found.append(_violation("låst_forbudt", a, f"{a.doctor} {a.shift_type} {a.date} er både låst og forbudt"))
    by_key = {i.key: i for i in expand_shifts(problem)}
    per_shift = Counter((a.date, a.shift_type) for a in fixed if a.role is Role.VAKT)
    for key, count in per_shift.items():
        inst = by_key.get(key)
        if inst is not None and count > inst.doctors:
            first = next(a for a in fixed if (a.date, a.shift_type) == key)
            found.append(_violation("låst_for_mange", first, f"{count} låste leger, vakten trenger {inst.doctors}"))
    return found


def apply_pins(
    model: cp_model.CpModel,
    variables: _Variables,
    instances: Sequence[ShiftInstance],
    fixed: Sequence[Assignment],
    forbidden: Sequence[Assignment],
) -> list[Violation]:
    """Fix pinned variables to 1 and forbidden ones to 0; returns the pins the model has no variable for (a rule
    forbids them), which the caller reports instead of solving."""
    index = {i.key: i.index for i in instances}
    missing: list[Violation] = []
    for a, value in [*((a, 1) for a in fixed), *((a, 0) for a in forbidden)]:
        idx = index.get((a.date, a.shift_type))
        table = variables.vakt if a.role is Role.VAKT else variables.bakvakt
        var = table.get((a.doctor, idx)) if idx is not None else None
        if var is None:
            if value:
                rule = "låst_bakvakt" if a.role is Role.BAKVAKT else "ukjent_vakt"
                missing.append(_violation(rule, a, f"{a.doctor} kan ikke låses til {a.shift_type} {a.date}"))
            continue
        model.add(var == value)
    return missing


def solve_pinned(
    problem: RotaProblem,
    fixed: Sequence[Assignment],
    forbidden: Sequence[Assignment] = (),
    *,
    time_limit_s: float = 30.0,
    num_workers: int = 2,
) -> RotaSolution:
    """:func:`legeplan.legevakt.solver.solve_rota` with pins; if no rota exists, the reasons say the pins take part."""
    from legeplan.legevakt.solver import RotaInfeasibleError, solve_rota

    try:
        return solve_rota(problem, time_limit_s=time_limit_s, num_workers=num_workers, fixed=fixed, forbidden=forbidden)
    except RotaInfeasibleError as exc:
        if any(r.startswith("Låst vakt") for r in exc.reasons):
            raise
        lead = (
            f"Ingen turnus oppfyller reglene med {len(fixed)} låste og {len(forbidden)} forbudte vakter; "
            "prøv med færre låste vakter"
        )
        raise RotaInfeasibleError([lead, *exc.reasons]) from exc
