"""The hard rota rules, shared by the solver and the checker, and the fairness measure of the soft goals.

Rule ids (used in violations and infeasibility explanations) and their sources:

* ``dekning`` — every shift has exactly the number of doctors on vakt it needs: too few and too many (overstaffing)
  are both violations (forsvarlig legevakt, seed 002).
* ``overlapp`` / ``hviletid`` — no overlapping duties; at least ``min_rest_hours`` (SFS 2305: as a rule 8 hours) off
  between duties and ``rest_after_night_hours`` after a night (seed 002). Measured in hours lived in Europe/Oslo
  (:mod:`legeplan.legevakt.clock`): 23:00 on the Saturday to 08:00 on the Sunday of the spring change is 8 hours.
* ``alder_60`` — aged 60+ are exempt unless they opt in (SFS 2305 § 7.2, seeds 001 and 003).
* ``natt_55`` — 55+ may be exempted from nights (SFS 2305, seeds 000 and 003).
* ``fravær`` — no duty on a doctor's unavailable dates.
* ``kompetanse_bakvakt`` / ``lis1_alene`` — a doctor who does not meet akuttmedisinforskriften § 7 (and every LIS1)
  works only with a competent doctor available on the same shift: a bakvakt, or a colleague on vakt on the same
  shift who meets § 7 (seeds 001 and 002; see :func:`uncovered`).
* ``bakvakt_ukvalifisert`` — the bakvakt must itself meet § 7 ("Bakvaktlegen skal være vaktkompetent", seed 001).

This module is the one rule set: the solver, the checker, the baselines and the load analysis call these functions
(and nothing else decides what a night is or how long a rest was):

* time: :func:`is_night`, :func:`shift_times`, :func:`local_time`, :func:`hours_between` (from ``clock``);
* per doctor and shift: :func:`blocking_rules`; cover: :func:`gives_cover`, :func:`uncovered`;
* between two duties of one doctor: :func:`rest_after`, :func:`free_from`, :func:`rest_hours`,
  :func:`duty_conflict`; for a whole period at once: :func:`conflict_pairs`, :func:`conflict_cliques`;
* per shift: :func:`staffing_violation`; a whole rota: :func:`check_rota`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, time, timedelta

from legeplan.i18n import number
from legeplan.legevakt.calendar import days_in, expand_shifts
from legeplan.legevakt.clock import OSLO, hours_between, is_night, local_time, shift_times
from legeplan.legevakt.fairness_history import carry_balance
from legeplan.legevakt.model import (
    Assignment,
    Doctor,
    FairnessFigure,
    Role,
    RotaProblem,
    ShiftInstance,
    Violation,
)
from legeplan.legevakt.patterns import PATTERN_RULE_TEXT, fixed_duty_violations

__all__ = [
    "FAIRNESS_CATEGORIES",
    "OSLO",
    "RULE_TEXT",
    "blocking_rules",
    "check_rota",
    "conflict_cliques",
    "conflict_pairs",
    "duty_conflict",
    "expected_bakvakter",
    "fairness_figures",
    "fairness_targets",
    "fairness_weights",
    "free_from",
    "gives_cover",
    "hours_between",
    "in_category",
    "is_night",
    "local_time",
    "rest_after",
    "rest_hours",
    "shift_times",
    "staffing_violation",
    "uncovered",
]

RULE_TEXT: dict[str, str] = {
    "dekning": "alle vakter skal ha det antall leger vakten krever, verken færre eller flere",
    "overlapp": "en lege kan ikke ha overlappende vakter",
    "hviletid": "hviletid mellom vakter (SFS 2305: som hovedregel minst 8 timer, og etter natt som konfigurert)",
    "alder_60": "leger over 60 år er fritatt fra legevakt med mindre de selv ønsker vakt (SFS 2305 § 7.2)",
    "natt_55": "leger over 55 år med nattfritak skal ikke ha nattevakt (SFS 2305)",
    "fravær": "leger har ikke vakt på dager de er utilgjengelige",
    "kompetanse_bakvakt": "leger som ikke oppfyller akuttmedisinforskriften § 7 må ha kompetent bakvakt på samme vakt",
    "lis1_alene": "LIS1 har aldri vakt alene: det må være kompetent bakvakt på samme vakt",
    "bakvakt_ukvalifisert": "bakvakten må selv oppfylle kompetansekravet i akuttmedisinforskriften § 7",
    "ukjent_lege": "legen finnes ikke i problemet",
    "ukjent_vakt": "vakttypen finnes ikke, eller går ikke på denne datoen",
    "dobbel": "samme lege er satt opp to ganger på samme vakt",
    **PATTERN_RULE_TEXT,
}

FAIRNESS_CATEGORIES: tuple[str, ...] = ("alle", "natt", "helg", "helligdag")


def gives_cover(doctor: Doctor) -> bool:
    """May cover a colleague who does not meet § 7, as bakvakt or as co-worker on the same shift."""
    return doctor.meets_section7


def uncovered(on_duty: Sequence[Doctor], backups: Sequence[Doctor]) -> list[Doctor]:
    """Doctors on vakt on one shift who lack a competent doctor available (akuttmedisinforskriften § 7).

    A doctor who does not meet § 7 (every LIS1 among them) is covered by a competent bakvakt on the shift or by a
    competent colleague on vakt on the same shift. The solver states the same predicate linearly: for every such
    doctor's vakt variable ``x``, ``x <= Σ competent vakt + Σ bakvakt`` on that shift.
    """
    if any(gives_cover(d) for d in (*on_duty, *backups)):
        return []
    return [d for d in on_duty if not gives_cover(d)]


def rest_after(problem: RotaProblem, inst: ShiftInstance) -> timedelta:
    """Rest (hours lived) a doctor needs after ``inst`` before the next duty: ``min_rest_hours``, or
    ``rest_after_night_hours`` when that is longer and ``inst`` is a night (:func:`is_night`)."""
    hours = max(problem.min_rest_hours, problem.rest_after_night_hours if inst.night else 0.0)
    return timedelta(hours=hours)


def free_from(problem: RotaProblem, inst: ShiftInstance) -> datetime:
    """The earliest instant the doctor on ``inst`` may start another duty (end plus the rest it requires)."""
    return inst.end + rest_after(problem, inst)


def rest_hours(first: ShiftInstance, second: ShiftInstance) -> float:
    """Hours lived between the end of ``first`` and the start of ``second`` (negative when they overlap)."""
    return hours_between(first.end, second.start)


def duty_conflict(problem: RotaProblem, first: ShiftInstance, second: ShiftInstance) -> str | None:
    """``"overlapp"``, ``"hviletid"`` or None for one doctor taking both shifts, in either order.

    The shifts are put in order of start; the later one conflicts when it starts before the earlier one ends
    (``overlapp``) or before the rest after it is over (``hviletid``, :func:`rest_after`). All in hours lived.
    """
    if (second.start, second.index) < (first.start, first.index):
        first, second = second, first
    if first.index == second.index or second.start < first.end:
        return "overlapp"
    if second.start < free_from(problem, first):
        return "hviletid"
    return None


def blocking_rules(doctor: Doctor, inst: ShiftInstance, absent: Callable[[date], bool] | None = None) -> list[str]:
    """Rules that forbid this doctor on this shift regardless of the rest of the rota (``alder_60``, ``natt_55``,
    ``fravær``: absent on the shift's date or on the date a shift running past midnight ends). ``absent``: the
    doctor's ``is_unavailable`` answered from a table made once (the solver asks for every shift of a year)."""
    unavailable = doctor.is_unavailable if absent is None else absent
    blocked: list[str] = []
    if doctor.age_exempt:
        blocked.append("alder_60")
    if doctor.night_exempt and inst.night:
        blocked.append("natt_55")
    if unavailable(inst.date) or (
        inst.end.date() != inst.date and inst.end.time() != time(0) and unavailable(inst.end.date())
    ):
        blocked.append("fravær")
    return blocked


def conflict_pairs(problem: RotaProblem, instances: Sequence[ShiftInstance]) -> dict[int, frozenset[int]]:
    """For each shift index, the shifts one doctor cannot also take (overlap or too little rest), computed once
    for the whole period: conflicts depend on the shifts and the rest rules, not on the doctor."""
    ordered = sorted(instances, key=lambda s: (s.start, s.index))
    found: dict[int, set[int]] = {i.index: set() for i in instances}
    active: list[ShiftInstance] = []
    for inst in ordered:
        active = [a for a in active if free_from(problem, a) > inst.start]
        for other in active:
            found[inst.index].add(other.index)
            found[other.index].add(inst.index)
        active.append(inst)
    return {index: frozenset(others) for index, others in found.items()}


def conflict_cliques(problem: RotaProblem, instances: Sequence[ShiftInstance]) -> list[list[int]]:
    """Groups of shifts of which one doctor can take at most one (overlap or too little rest).

    Each shift is extended by the rest it requires afterwards (:func:`free_from`); two shifts conflict exactly when
    the extended intervals overlap (:func:`duty_conflict`), so the maximal cliques of this interval graph are the
    sets alive at each start time.
    """
    ordered = sorted(instances, key=lambda s: (s.start, s.index))
    cliques: list[list[int]] = []
    active: list[tuple[datetime, int]] = []
    previous: set[int] = set()
    for inst in ordered:
        active = [(ext_end, idx) for ext_end, idx in active if ext_end > inst.start]
        active.append((free_from(problem, inst), inst.index))
        members = {idx for _, idx in active}
        if len(members) > 1 and not members <= previous:
            cliques.append(sorted(members))
        previous = members
    return cliques


def in_category(inst: ShiftInstance, category: str) -> bool:
    if category == "natt":
        return inst.night
    if category == "helg":
        return inst.weekend
    if category == "helligdag":
        return inst.holiday
    return True


def fairness_weights(problem: RotaProblem, instances: Sequence[ShiftInstance]) -> dict[str, dict[str, float]]:
    """Each doctor's weight per category: employment fraction times the share of the period they are available.

    Only doctors who may take at least one of the category's shifts (age, night exemption, absence) share it: a
    night-exempt doctor has no share of the nights, nor a doctor away over every holiday of the holidays.
    """
    period_days = days_in(problem.start, problem.end)
    weights: dict[str, dict[str, float]] = {c: {} for c in FAIRNESS_CATEGORIES}
    for doctor in problem.doctors:
        if doctor.age_exempt:
            continue
        available = sum(1 for d in period_days if not doctor.is_unavailable(d)) / len(period_days)
        weight = doctor.employment_fraction * available
        eligible: set[str] = set()
        for i in instances:  # stop once every category is found: ≈ 50 000 blocking_rules calls fewer on a year
            if len(eligible) == len(FAIRNESS_CATEGORIES):
                break
            if not blocking_rules(doctor, i):
                eligible.update(c for c in FAIRNESS_CATEGORIES if in_category(i, c))
        for category in FAIRNESS_CATEGORIES:
            if category in eligible and weight > 0:
                weights[category][doctor.id] = weight
    return weights


def expected_bakvakter(
    problem: RotaProblem, instances: Sequence[ShiftInstance], weights: dict[str, dict[str, float]]
) -> dict[str, float]:
    """Bakvakter per category in a rota where everyone has exactly the pro-rata share (used as the solver's total).

    Doctors who do not meet § 7 (weight ``w_n`` of ``w``) take ``w_n / w`` of the load ``V + k·B`` (``V`` vakt slots,
    ``B`` bakvakter, ``k`` = ``bakvakt_weight``) and each of their vakter on a one-doctor shift (share ``V1 / V``)
    needs a bakvakt; on larger shifts a competent co-worker covers them. So ``B = a·(V + k·B)`` with
    ``a = (V1 / V)·(w_n / w)``, i.e. ``B = a·V / (1 − a·k)``.
    """
    competent = {d.id for d in problem.doctors if gives_cover(d)}
    expected: dict[str, float] = {}
    for category, per_doctor in weights.items():
        slots = sum(i.doctors for i in instances if in_category(i, category))
        single = sum(1 for i in instances if in_category(i, category) and i.doctors == 1)
        total_weight = sum(per_doctor.values())
        needing = sum(w for d, w in per_doctor.items() if d not in competent)
        if not slots or not total_weight or needing >= total_weight:
            expected[category] = 0.0
            continue
        share = single / slots * needing / total_weight
        expected[category] = share * slots / (1 - share * problem.bakvakt_weight)
    return expected


def fairness_targets(
    problem: RotaProblem, instances: Sequence[ShiftInstance], bakvakter: dict[str, float] | None = None
) -> dict[str, dict[str, float]]:
    """Pro-rata target load per doctor and category, in vakter: a bakvakt counts ``bakvakt_weight`` of a vakt.

    The load to share is the vakt slots plus the weighted bakvakter: ``bakvakter`` (per category) as counted in a
    rota, or by default the number expected when everyone has their share (:func:`expected_bakvakter`).
    """
    weights = fairness_weights(problem, instances)
    if bakvakter is None:
        bakvakter = expected_bakvakter(problem, instances, weights)
    targets: dict[str, dict[str, float]] = {}
    for category, per_doctor in weights.items():
        total: float = sum(i.doctors for i in instances if in_category(i, category))
        total += problem.bakvakt_weight * bakvakter.get(category, 0.0)
        weight_sum = sum(per_doctor.values())
        targets[category] = {d: (total * w / weight_sum if weight_sum else 0.0) for d, w in per_doctor.items()}
    return carry_balance(problem, targets)  # earlier periods' deviations (fairness_history.py)


def count_loads(
    problem: RotaProblem, rota: Iterable[Assignment], instances: Sequence[ShiftInstance]
) -> tuple[dict[str, dict[str, float]], dict[str, float]]:
    """Each doctor's load per fairness category (a bakvakt weighted by ``bakvakt_weight``) and the number of
    bakvakter per category: what the fairness figures, the candidates ranking and the balances all count."""
    by_key = {i.key: i for i in instances}
    counts: dict[str, dict[str, float]] = {c: defaultdict(float) for c in FAIRNESS_CATEGORIES}
    bakvakter: dict[str, float] = defaultdict(float)
    for a in rota:
        inst = by_key.get((a.date, a.shift_type))
        if inst is None:
            continue
        weight = 1.0 if a.role is Role.VAKT else problem.bakvakt_weight
        for category in FAIRNESS_CATEGORIES:
            if in_category(inst, category):
                counts[category][a.doctor] += weight
                if a.role is Role.BAKVAKT:
                    bakvakter[category] += 1
    return counts, bakvakter


def fairness_figures(
    problem: RotaProblem, assignments: Iterable[Assignment], instances: Sequence[ShiftInstance] | None = None
) -> tuple[FairnessFigure, ...]:
    """Deviation of each doctor's load (vakter, plus bakvakter weighted by ``bakvakt_weight``) from the pro-rata
    share of the rota's load, per category (largest and mean, in vakter), over the doctors who may take that
    category's shifts."""
    instances = list(instances) if instances is not None else expand_shifts(problem)
    counts, bakvakter = count_loads(problem, assignments, instances)
    targets = fairness_targets(problem, instances, bakvakter)
    figures = []
    for category in FAIRNESS_CATEGORIES:
        deviations = [abs(counts[category][d] - t) for d, t in targets[category].items()]
        if not deviations:
            continue
        figures.append(
            FairnessFigure(
                category=category,
                max_deviation=round(max(deviations), 3),
                mean_deviation=round(sum(deviations) / len(deviations), 3),
            )
        )
    return tuple(figures)


def _violation(rule: str, day: date | None, doctor: str | None, shift: str | None, detail: str) -> Violation:
    return Violation(rule=rule, date=day, doctor=doctor, shift_type=shift, message=f"{detail} ({RULE_TEXT[rule]})")


def _doctors_text(count: int) -> str:
    return "1 lege" if count == 1 else f"{count} leger"


def staffing_violation(inst: ShiftInstance, on_duty: int) -> str | None:
    """The ``dekning`` detail when a shift has fewer or more doctors on vakt than it needs, else None."""
    if on_duty < inst.doctors:
        return f"{on_duty} av {_doctors_text(inst.doctors)} satt opp"
    if on_duty > inst.doctors:
        return f"{_doctors_text(on_duty)} satt opp, vakten krever {inst.doctors}"
    return None


def check_rota(problem: RotaProblem, assignments: Iterable[Assignment]) -> list[Violation]:
    """Every violation of the hard rules in a rota (solver output or hand-made), sorted by date.

    Every duty is checked against every rule: the doctor's own rules (:func:`blocking_rules`), the bakvakt's
    competence, cover (:func:`uncovered`), staffing in both directions (too few and too many on vakt,
    :func:`staffing_violation`), and overlap and rest against every other duty of the same doctor
    (:func:`duty_conflict`, no fixed look-back), all in hours lived in Europe/Oslo.
    """
    instances = expand_shifts(problem)
    by_key = {i.key: i for i in instances}
    doctors = {d.id: d for d in problem.doctors}
    shift_ids = {s.id for s in problem.shift_types}
    violations: list[Violation] = []
    vakt: dict[int, list[str]] = defaultdict(list)
    bakvakt: dict[int, list[str]] = defaultdict(list)
    duties: dict[str, list[ShiftInstance]] = defaultdict(list)
    seen: set[tuple[int, str]] = set()

    for a in assignments:
        inst = by_key.get((a.date, a.shift_type))
        if a.doctor not in doctors:
            violations.append(_violation("ukjent_lege", a.date, a.doctor, a.shift_type, f"Ukjent lege {a.doctor!r}"))
            continue
        if inst is None:
            outside = f"går ikke {a.date:%d.%m.%Y} eller er utenfor perioden"
            reason = "finnes ikke" if a.shift_type not in shift_ids else outside
            violations.append(
                _violation("ukjent_vakt", a.date, a.doctor, a.shift_type, f"Vakt {a.shift_type!r} {reason}")
            )
            continue
        if (inst.index, a.doctor) in seen:
            violations.append(_violation("dobbel", a.date, a.doctor, a.shift_type, "Satt opp to ganger"))
            continue
        seen.add((inst.index, a.doctor))
        doctor = doctors[a.doctor]
        (vakt if a.role is Role.VAKT else bakvakt)[inst.index].append(a.doctor)
        duties[a.doctor].append(inst)
        for rule in blocking_rules(doctor, inst):
            detail = {
                "alder_60": f"{doctor.name} er {doctor.age} år og har ikke valgt å ta vakt",
                "natt_55": f"{doctor.name} har nattfritak",
                "fravær": f"{doctor.name} er utilgjengelig",
            }[rule]
            violations.append(_violation(rule, a.date, a.doctor, a.shift_type, detail))
        if a.role is Role.BAKVAKT and not doctor.meets_section7:
            violations.append(
                _violation("bakvakt_ukvalifisert", a.date, a.doctor, a.shift_type, f"{doctor.name} er bakvakt")
            )

    for inst in instances:
        on_duty = vakt.get(inst.index, [])
        staffing = staffing_violation(inst, len(on_duty))
        if staffing is not None:
            violations.append(_violation("dekning", inst.date, None, inst.shift_type, staffing))
        backups = [doctors[d] for d in bakvakt.get(inst.index, [])]
        for doctor in uncovered([doctors[d] for d in on_duty], backups):
            rule = "lis1_alene" if doctor.lis1 else "kompetanse_bakvakt"
            violations.append(_violation(rule, inst.date, doctor.id, inst.shift_type, f"{doctor.name} uten bakvakt"))

    for doctor_id, items in duties.items():
        items.sort(key=lambda s: (s.start, s.index))
        active: list[ShiftInstance] = []
        for second in items:
            active = [first for first in active if free_from(problem, first) > second.start]
            for first in active:
                conflict = duty_conflict(problem, first, second)
                if conflict == "overlapp":
                    detail = f"overlapper {first.shift_type} {first.date}"
                elif conflict == "hviletid":
                    rest = rest_hours(first, second)
                    required = rest_after(problem, first).total_seconds() / 3600
                    detail = (
                        f"bare {number(round(rest, 2))} timer fri etter {first.shift_type} {first.date}, "
                        f"krever {number(required)}"
                    )
                else:
                    continue
                violations.append(_violation(conflict, second.date, doctor_id, second.shift_type, detail))
            active.append(second)

    held = {
        (a.doctor, by_key[(a.date, a.shift_type)].index, a.role.value)
        for a in assignments
        if a.doctor in doctors and (a.date, a.shift_type) in by_key
    }
    violations.extend(fixed_duty_violations(problem, instances, held))  # a pattern's fixed duties (patterns.py)
    violations.sort(key=lambda v: (v.date or date.min, v.rule, v.doctor or ""))
    return violations
