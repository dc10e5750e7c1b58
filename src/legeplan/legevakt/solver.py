"""Legevakt rota engine on OR-Tools CP-SAT with lexicographic soft goals and explained infeasibility.

Hard rules are those of :mod:`legeplan.legevakt.rules`. Soft goals are solved in priority tiers: each tier is
minimised, its value is then fixed as a constraint and the next tier is solved from the previous solution (hint):

1. ``rettferdighet_sum`` — the total deviation from the pro-rata share (employment fraction × share of the category's
   shifts the doctor may take) of all duties, nights, weekends and holidays, over all doctors; a bakvakt counts
   ``bakvakt_weight`` (default 1) of a vakt. Solved first because a sum gives large-neighbourhood
   search a gradient; with the maximum first, the one-year benchmark ended with a 7× larger largest deviation.
2. ``rettferdighet`` — the largest deviation per category (summed over the four categories), within that total.
3. ``spredning`` — duties beyond one in any window of ``spread_days`` days (no clustering).
4. ``ønsker`` — unmet wishes.

Search (issue #15): the greedy pro-rata rota is checked before the model is built (the first valid rota), improved by
local search (:mod:`legeplan.legevakt.local_search`) and given to CP-SAT as a complete hint; the fairness tiers are
bounded by an aggregate relaxation solved in a thread (:mod:`legeplan.legevakt.bounds`) and stop at a target gap
(``TARGET_GAP``) and by one load total per category (``bounds.rounding_bounds``, also a redundant constraint); the
spread tier by the least clustering each doctor's share forces (``bounds.spread_floor``). The relaxation's best counts
per doctor and class of shifts are made a rota (:mod:`legeplan.legevakt.quota`, then local search); when it passes the
checker with a smaller tier 1 it replaces the start, and a tier whose start is within its target gap of the proven
bound is fixed without loading the model into CP-SAT. The spread and wish variables
join the model when their tiers start; a tier CP-SAT cannot improve in time keeps the valid rota it started from. On
year-size models (``LARGE_MODEL_VARIABLES``) the spread and wish tiers are searched by doctor neighbourhoods
(:mod:`legeplan.legevakt.lns`) instead of CP-SAT on the whole model, and above ``HUGE_MODEL_VARIABLES`` tier 1 starts
with them.

When the hard rules cannot all hold, the rule families are added as assumption literals to a diagnostic model and
CP-SAT's ``sufficient_assumptions_for_infeasibility`` (minimised by deletion) names the rules that together make the
demand impossible.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as futures_wait
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Literal

from ortools.sat.python import cp_model

from legeplan.legevakt.baseline import pro_rata_rota, round_robin_rota
from legeplan.legevakt.bounds import (
    AggregateBounds,
    AggregateResult,
    ShiftClass,
    add_fairness_terms,
    aggregate_relaxation,
    class_counts,
    largest_bounds,
    rounding_bounds,
)
from legeplan.legevakt.calendar import days_in, expand_shifts
from legeplan.legevakt.model import (
    Assignment,
    Role,
    RotaProblem,
    RotaSolution,
    ShiftInstance,
    SolveProgress,
    TierResult,
)
from legeplan.legevakt.patterns import pattern_forbidden, pattern_pins
from legeplan.legevakt.rules import (
    FAIRNESS_CATEGORIES,
    RULE_TEXT,
    blocking_rules,
    check_rota,
    conflict_cliques,
    fairness_figures,
    fairness_targets,
    gives_cover,
    in_category,
)

ProgressCallback = Callable[[SolveProgress], None]

#: Share of the time limit given to each tier, in tier order; a tier that proves its target gap early passes the
#: rest of its share on.
TIER_TIME_SHARE = (0.4, 0.2, 0.2, 0.2)
#: Relative gap at which a tier stops and is fixed (CP-SAT's bound or the aggregate relaxation's, bounds.py).
TARGET_GAP = (0.01, 0.02, 0.0, 0.0)
#: Seconds at most for the local search that improves the greedy start (local_search.py; 5 % of the time limit).
IMPROVE_S = 4.0
#: Seconds at most for each aggregate lower bound (bounds.py), run beside the CP-SAT search.
AGGREGATE_TIME_S = 10.0
FAIRNESS_SCALE = 100
#: Above this many assignment variables the solver trims presolve (measured in benchmarks/rota_year.py).
LARGE_MODEL_VARIABLES = 20_000
#: On models that large, the spread and wish tiers are searched by the doctor neighbourhoods of lns.py only.
#: Above HUGE_MODEL_VARIABLES tier 1 spends this share of its time on them before CP-SAT.
LNS_SHARE = 0.6
#: Above this many assignment variables (200 doctors × a year: 280 000) tiers 3 and 4 use the doctor neighbourhoods
#: only, and tier 1 starts with them.
HUGE_MODEL_VARIABLES = 150_000
#: On models above HUGE_MODEL_VARIABLES, the share of the time limit the relaxation of tier 1 may take (in a thread,
#: beside the model build and the warm start, with two settings in turn: :func:`_tier1_relaxation`); it stops earlier
#: at tier 1's target gap (200 doctors × a year: after ≈ 30 s). Its counts give the rota tier 1 starts from (quota.py).
HUGE_AGGREGATE_SHARE = 0.5
#: Time kept free at the end of the limit for the final check and figures: this share of the limit, at most the
#: seconds after it.
END_RESERVE_SHARE = 0.015
END_RESERVE_MAX_S = 2.0
#: Seconds a large model needs at least before a CP-SAT call is worth starting (loading it takes seconds).
MIN_LARGE_SOLVE_S = 8.0

TIER_DESCRIPTIONS = {
    "rettferdighet_sum": "samlet avvik fra forholdsmessig andel over alle leger og kategorier, i vakter (bakvakt med "
    "bakvakt_weight)",
    "rettferdighet": "største avvik fra forholdsmessig andel (alle vakter, natt, helg, helligdag), i vakter",
    "spredning": "vakter utover én per vindu på spread_days dager (opphoping)",
    "ønsker": "ønsker som ikke er oppfylt",
}


def unreached_tiers(solution: RotaSolution) -> list[str]:
    """Soft-goal tiers the solver did not reach within the time limit (in tier order); empty for a complete run."""
    if not solution.assignments:
        return []
    done = {t.name for t in solution.tiers}
    return [name for name in TIER_DESCRIPTIONS if name not in done]


def unreached_tiers_text(solution: RotaSolution) -> str | None:
    """E.g. «Nivå 2–4 (rettferdighet, spredning, ønsker) ble ikke nådd innen tidsgrensen», or None."""
    missing = unreached_tiers(solution)
    if not missing:
        return None
    names = list(TIER_DESCRIPTIONS)
    first, last = names.index(missing[0]) + 1, names.index(missing[-1]) + 1
    span = f"Nivå {first}" if first == last else f"Nivå {first}–{last}"
    return f"{span} ({', '.join(missing)}) ble ikke nådd innen tidsgrensen; øk tidsgrensen for å optimere dem"


class RotaInfeasibleError(ValueError):
    """The hard rules cannot all hold; ``reasons`` says which rules cause it."""

    def __init__(self, reasons: Sequence[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = tuple(reasons)


@dataclass
class _Variables:
    vakt: dict[tuple[str, int], cp_model.IntVar] = field(default_factory=dict)
    bakvakt: dict[tuple[str, int], cp_model.IntVar] = field(default_factory=dict)

    def of_doctor(self, doctor: str, index: int) -> list[cp_model.IntVar]:
        found = []
        for table in (self.vakt, self.bakvakt):
            var = table.get((doctor, index))
            if var is not None:
                found.append(var)
        return found


def _build_hard_model(
    problem: RotaProblem,
    instances: Sequence[ShiftInstance],
    *,
    assumptions: dict[str, cp_model.IntVar] | None = None,
) -> tuple[cp_model.CpModel, _Variables]:
    """The hard rules. Without ``assumptions`` only allowed pairs get variables (lean model); with them every pair
    does, and each rule family is enforced only if its literal is true (diagnostic model)."""
    model = cp_model.CpModel()
    variables = _Variables()
    diagnostic = assumptions is not None
    lits: dict[str, cp_model.IntVar] = {}
    if diagnostic:
        for rule in ("overlapp", "hviletid", "alder_60", "natt_55", "fravær", "kompetanse_bakvakt"):
            lits[rule] = model.new_bool_var(f"assume_{rule}")
            model.add_assumption(lits[rule])
    if assumptions is not None:
        assumptions.update(lits)

    competent = {d.id for d in problem.doctors if gives_cover(d)}
    blocked_of: dict[tuple[str, int], list[str]] = {}  # computed once per doctor and shift
    # Each doctor's absence once per day (a shift may end the day after the period): ≈ 3 s less for 200 doctors.
    days = [*days_in(problem.start, problem.end), problem.end + timedelta(days=1)]
    absent_on = {d.id: {day for day in days if d.is_unavailable(day)}.__contains__ for d in problem.doctors}
    for inst in instances:
        for doctor in problem.doctors:
            blocked = blocked_of[(doctor.id, inst.index)] = blocking_rules(doctor, inst, absent_on[doctor.id])
            if blocked and not diagnostic:
                continue
            var = model.new_bool_var(f"v_{doctor.id}_{inst.index}")
            variables.vakt[(doctor.id, inst.index)] = var
            for rule in blocked:
                model.add(var == 0).only_enforce_if(lits[rule])

    # Cover (rules.uncovered): whenever a doctor who does not meet § 7 is on vakt, a competent doctor is on the same
    # shift, as bakvakt or as a co-worker on vakt. A bakvakt is set only when no competent co-worker is on vakt.
    for inst in instances:
        needs = [
            variables.vakt[(d.id, inst.index)]
            for d in problem.doctors
            if d.id not in competent and (d.id, inst.index) in variables.vakt
        ]
        if not needs:
            continue
        co_workers = (
            [
                variables.vakt[(d.id, inst.index)]
                for d in problem.doctors
                if d.id in competent and (d.id, inst.index) in variables.vakt
            ]
            if inst.doctors > 1
            else []
        )
        backups = []
        for doctor in problem.doctors:
            if doctor.id not in competent:
                continue
            blocked = blocked_of[(doctor.id, inst.index)]
            if blocked and not diagnostic:
                continue
            var = model.new_bool_var(f"b_{doctor.id}_{inst.index}")
            variables.bakvakt[(doctor.id, inst.index)] = var
            backups.append(var)
            for rule in blocked:
                model.add(var == 0).only_enforce_if(lits[rule])
        backup_count = cp_model.LinearExpr.sum(backups)
        model.add(backup_count <= 1)
        model.add(backup_count <= cp_model.LinearExpr.sum(needs))
        for co_worker in co_workers:
            model.add(backup_count + co_worker <= 1)
        cover = backup_count + cp_model.LinearExpr.sum(co_workers)
        for need in needs:
            if diagnostic:
                model.add(cover >= need).only_enforce_if(lits["kompetanse_bakvakt"])
            else:
                model.add(cover >= need)

    for inst in instances:
        on_duty = [variables.vakt[(d.id, inst.index)] for d in problem.doctors if (d.id, inst.index) in variables.vakt]
        model.add(cp_model.LinearExpr.sum(on_duty) == inst.doctors)

    # One duty per doctor and shift, and no overlap / too little rest.
    clique_sets: list[tuple[str | None, list[list[int]]]] = []
    if diagnostic:
        no_rest = problem.model_copy(update={"min_rest_hours": 0.0, "rest_after_night_hours": 0.0})
        clique_sets.append(("overlapp", conflict_cliques(no_rest, instances)))
        clique_sets.append(("hviletid", conflict_cliques(problem, instances)))
    else:
        clique_sets.append((None, conflict_cliques(problem, instances)))
    # A shift inside a clique of the lean model already has "at most one" over all of a doctor's variables on it.
    in_clique = {idx for clique in clique_sets[-1][1] for idx in clique} if not diagnostic else set()
    for doctor in problem.doctors:
        for inst in instances:
            if inst.index in in_clique:
                continue
            own = variables.of_doctor(doctor.id, inst.index)
            if len(own) > 1:
                model.add_at_most_one(own)
    per_doctor: dict[str, dict[int, list[cp_model.IntVar]]] = defaultdict(lambda: defaultdict(list))
    for table in (variables.vakt, variables.bakvakt):
        for (doc, idx), var in table.items():
            per_doctor[doc][idx].append(var)
    for clique_rule, cliques in clique_sets:
        for doctor in problem.doctors:
            held = per_doctor[doctor.id]
            for clique in cliques:
                members = [v for idx in clique if idx in held for v in held[idx]]
                if len(members) < 2:
                    continue
                if clique_rule is None:
                    model.add_at_most_one(members)
                else:
                    model.add(sum(members) <= 1).only_enforce_if(lits[clique_rule])
    return model, variables


def _capacity_reasons(problem: RotaProblem, instances: Sequence[ShiftInstance]) -> list[str]:
    """Shifts that cannot be covered even in isolation, with the rules that exclude the doctors."""
    reasons: list[str] = []
    for inst in instances:
        excluded: dict[str, int] = defaultdict(int)
        free = 0
        for doctor in problem.doctors:
            blocked = blocking_rules(doctor, inst)
            if blocked:
                excluded[blocked[0]] += 1
            else:
                free += 1
        if free < inst.doctors:
            detail = ", ".join(f"{n} utelukket av {rule}" for rule, n in sorted(excluded.items()))
            reasons.append(
                f"Vakt {inst.shift_type} {inst.date} trenger {inst.doctors} leger, men bare {free} kan ta den"
                + (f" ({detail})" if detail else "")
            )
    if len(reasons) > 10:
        reasons = [*reasons[:10], f"… og {len(reasons) - 10} vakter til med samme problem"]
    return reasons


def explain_infeasibility(problem: RotaProblem, *, time_limit_s: float = 30.0) -> list[str]:
    """Why the problem has no rota: shifts nobody may take, and the minimal set of rule families in conflict."""
    instances = expand_shifts(problem)
    reasons = _capacity_reasons(problem, instances)
    lits: dict[str, cp_model.IntVar] = {}
    model, _ = _build_hard_model(problem, instances, assumptions=lits)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = time_limit_s
    status = solver.solve(model)
    if status == cp_model.INFEASIBLE:
        names = {lit.index: rule for rule, lit in lits.items()}
        core = [names[i] for i in solver.sufficient_assumptions_for_infeasibility() if i in names]
        # Deletion filter: drop every rule the conflict does not need.
        for rule in list(core):
            trial = [r for r in core if r != rule]
            model.clear_assumptions()
            model.add_assumptions([lits[r] for r in trial])
            if solver.solve(model) == cp_model.INFEASIBLE:
                core = trial
        if core:
            rules = ", ".join(f"{r} ({RULE_TEXT[r]})" for r in core)
            reasons.append(f"Dekningskravet kan ikke oppfylles sammen med reglene: {rules}")
        else:
            reasons.append(
                "Dekningskravet kan ikke oppfylles selv uten de andre reglene: for få leger til antall vakter "
                "(dekning: " + RULE_TEXT["dekning"] + ")"
            )
    elif status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        reasons.append("Diagnosemodellen fant en løsning; prøv igjen med lengre tidsgrense")
    else:
        reasons.append("Kunne ikke avgjøre årsaken innen tidsgrensen")
    return reasons


class _Callback(cp_model.CpSolverSolutionCallback):
    def __init__(
        self,
        tier: int,
        tier_name: str,
        scale: int,
        t0: float,
        progress: ProgressCallback | None,
        first: list[float],
        lower_bound: Callable[[], int] = lambda: 0,
    ) -> None:
        super().__init__()
        self.tier = tier
        self.tier_name = tier_name
        self.scale = scale
        self.t0 = t0
        self.progress = progress
        self.first = first
        self.lower_bound = lower_bound
        self.count = 0

    def on_solution_callback(self) -> None:
        self.count += 1
        elapsed = time.perf_counter() - self.t0
        if not self.first:
            self.first.append(elapsed)
        bound = max(self.best_objective_bound, self.lower_bound())
        if self.objective_value - bound <= TARGET_GAP[self.tier - 1] * max(1.0, abs(self.objective_value)):
            self.stop_search()  # the tier's target gap is proven: its remaining time goes to the next tiers
        if self.progress is not None:
            self.progress(
                SolveProgress(
                    tier=self.tier,
                    tier_name=self.tier_name,
                    elapsed_s=round(elapsed, 3),
                    objective=self.objective_value / self.scale,
                    bound=bound / self.scale,
                    solutions=self.count,
                )
            )


def _soft_objectives(
    problem: RotaProblem,
    instances: Sequence[ShiftInstance],
    model: cp_model.CpModel,
    variables: _Variables,
    start: dict[int, int] | None = None,
    targets: dict[str, dict[str, float]] | None = None,
    helpers: list[_Helper] | None = None,
    only: Collection[str] = tuple(TIER_DESCRIPTIONS),
    terms_of: dict[str, tuple[list[tuple[int, int]], int]] | None = None,
) -> list[tuple[str, cp_model.LinearExpr, int]]:
    """The tiers' objectives. With ``start`` (a valid rota: 0/1 per assignment variable, by proto index) every helper
    variable is hinted with the smallest value the rota allows, so the hint is complete without a completing solve.
    ``helpers`` receives how each helper variable follows from the assignment variables (:func:`_helper_hints`), so
    each later tier can be hinted the same way from the previous tier's rota. ``only``: build just these tiers (the
    solver adds the spread and wish variables when it reaches their tiers, so the first tiers search a smaller
    model). ``terms_of`` receives each tier's objective as (coefficient, variable index) terms and a constant, so
    its value for a hinted rota can be told without CP-SAT (:func:`_tier_value`)."""
    objective_terms = {} if terms_of is None else terms_of

    spec: list[_Helper] = [] if helpers is None else helpers

    found: list[tuple[str, cp_model.LinearExpr, int]] = []
    total_of = cp_model.LinearExpr.sum
    if "rettferdighet_sum" in only or "rettferdighet" in only:
        # Targets share the vakt slots plus the bakvakter expected in a fair rota (rules.expected_bakvakter); a bakvakt
        # counts bakvakt_weight of a vakt, in steps of 1 / FAIRNESS_SCALE.
        if targets is None:
            targets = fairness_targets(problem, instances)
        bakvakt_scale = round(FAIRNESS_SCALE * problem.bakvakt_weight)
        categories_of = [[c for c in FAIRNESS_CATEGORIES if in_category(i, c)] for i in instances]
        by_doctor: dict[tuple[str, str], list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
        for table, weight in ((variables.vakt, FAIRNESS_SCALE), (variables.bakvakt, bakvakt_scale)):
            if not weight:
                continue
            for (doc, idx), var in table.items():
                for category in categories_of[idx]:
                    by_doctor[(doc, category)].append((weight, var))
        # Redundant: each category's summed deviations are at least what one common load total allows (bounds.py).
        backup_shifts = {idx for _, idx in variables.bakvakt}
        least_total = rounding_bounds(instances, targets, backup_shifts, FAIRNESS_SCALE, bakvakt_scale)
        least_worst = largest_bounds(instances, targets, backup_shifts, FAIRNESS_SCALE, bakvakt_scale)
        fairness = add_fairness_terms(
            model,
            instances,
            targets,
            lambda doctor_id, category: by_doctor[(doctor_id, category)],
            FAIRNESS_SCALE,
            least_total,
            least_worst,
        )
        devs_of: dict[str, list[int]] = defaultdict(list)
        for category, _, dev, terms, scaled_target, floor in fairness.deviations:
            spec.append(("dev", dev.index, [(c, v.index) for c, v in terms], scaled_target, floor))
            devs_of[category].append(dev.index)
        for category, worst in fairness.worst.items():
            spec.append(("max", worst.index, [(1, i) for i in devs_of[category]], 0, 0))
        found.append(("rettferdighet_sum", total_of(fairness.sum_terms), FAIRNESS_SCALE))
        found.append(("rettferdighet", total_of(fairness.max_terms), FAIRNESS_SCALE))
        objective_terms["rettferdighet_sum"] = ([(1, v.index) for v in fairness.sum_terms], 0)
        objective_terms["rettferdighet"] = ([(1, v.index) for v in fairness.max_terms], 0)

    if "spredning" in only:
        spread_terms = []
        days = days_in(problem.start, problem.end)
        # (variable, proto index) per doctor and day: reading ``IntVar.index`` per window cost ≈ 1,6 s for a year.
        duty_vars: dict[str, dict[int, list[tuple[cp_model.IntVar, int]]]] = defaultdict(lambda: defaultdict(list))
        offset_of = [(i.date - problem.start).days for i in instances]
        for (doc, idx), var in [*variables.vakt.items(), *variables.bakvakt.items()]:
            duty_vars[doc][offset_of[idx]].append((var, var.index))
        for doctor in problem.doctors:
            per_day = duty_vars.get(doctor.id)
            if not per_day:
                continue
            for offset in range(len(days) - problem.spread_days + 1):
                window = [v for day in range(offset, offset + problem.spread_days) for v in per_day.get(day, ())]
                if len(window) < 2:
                    continue
                excess = model.new_int_var(0, len(window), f"spread_{doctor.id}_{offset}")
                model.add(cp_model.LinearExpr.sum([v for v, _ in window]) <= 1 + excess)
                spread_terms.append(excess)
                spec.append(("excess", excess.index, [(1, i) for _, i in window], 1, 0))
        found.append(("spredning", total_of(spread_terms), 1))
        objective_terms["spredning"] = ([(1, v.index) for v in spread_terms], 0)

    if "ønsker" in only:
        wish_terms: list[cp_model.LinearExprT] = []
        wish_index: list[tuple[int, int]] = []
        unmet_always = ungrantable = 0
        for wish in problem.wishes:
            matching = [
                variables.vakt[(wish.doctor, inst.index)]
                for inst in instances
                if inst.date == wish.date
                and (wish.shift_type is None or inst.shift_type == wish.shift_type)
                and (wish.doctor, inst.index) in variables.vakt
            ]
            if wish.kind == "avoid":
                wish_terms.extend(matching)
                wish_index.extend((1, v.index) for v in matching)
            elif matching:
                granted = model.new_bool_var(f"wish_{wish.doctor}_{wish.date}")
                model.add(cp_model.LinearExpr.sum(matching) >= granted)
                wish_terms.append(1 - granted)
                wish_index.append((-1, granted.index))
                unmet_always += 1
                spec.append(("any", granted.index, [(1, v.index) for v in matching], 0, 0))
            else:
                wish_terms.append(1)  # a 'want' nobody can grant stays unmet
                unmet_always += 1
                ungrantable += 1
        found.append(("ønsker", total_of(wish_terms), 1))
        objective_terms["ønsker"] = (wish_index, unmet_always)
        objective_terms["ønsker_min"] = ([], ungrantable)  # a lower bound: wishes no rota can meet

    if start is not None:
        _add_hints(model, _helper_hints(spec, start))
    return [tier for tier in found if tier[0] in only]


def _tier_value(terms: tuple[list[tuple[int, int]], int], values: dict[int, int]) -> int:
    """A tier's objective for complete variable ``values`` (by proto index)."""
    return sum(coef * values[index] for coef, index in terms[0]) + terms[1]


#: How a helper variable follows from others: (kind, variable index, (coefficient, variable index) terms, a, b).
_Helper = tuple[str, int, list[tuple[int, int]], int, int]


def _helper_hints(helpers: Sequence[_Helper], values: dict[int, int]) -> list[tuple[int, int]]:
    """The smallest value each helper variable may take given the assignment ``values`` (by proto index): a
    deviation ``max(|load − a|, b)`` (``a`` the target, ``b`` the floor), a maximum of deviations, a spread excess
    ``max(0, Σ − a)``, a granted wish ``Σ > 0``."""
    values = dict(values)  # with the helpers' own values as they are found (deviations before their maxima)
    found: list[tuple[int, int]] = []
    for kind, index, terms, a, b in helpers:
        total = sum(coef * values[i] for coef, i in terms)
        if kind == "dev":
            value = max(abs(total - a), b)
        elif kind == "max":
            value = max((values[i] for _, i in terms), default=0)
        elif kind == "excess":
            value = max(0, total - a)
        else:
            value = int(total > 0)
        values[index] = value
        found.append((index, value))
    return found


def _add_hints(model: cp_model.CpModel, hints: Iterable[tuple[int, int]]) -> None:
    """Hint (proto index, value) pairs in bulk: ``add_hint`` per variable costs ≈ 1 s for a one-year model."""
    pairs = list(hints)
    model.proto.solution_hint.vars.extend(index for index, _ in pairs)
    model.proto.solution_hint.values.extend(value for _, value in pairs)


def _start_rota(problem: RotaProblem) -> list[Assignment] | None:
    """The greedy pro-rata rota, else the round-robin rota, whichever first passes the checker (None if neither)."""
    for rota in (pro_rata_rota(problem), round_robin_rota(problem)):
        if not check_rota(problem, rota):
            return rota
    return None


def _warm_start(
    problem: RotaProblem,
    instances: Sequence[ShiftInstance],
    variables: _Variables,
    *,
    targets: dict[str, dict[str, float]] | None = None,
    improve_s: float = 0.0,
    fixed: Sequence[Assignment] = (),
    forbidden: Sequence[Assignment] = (),
    start_rota: list[Assignment] | None = None,
) -> tuple[dict[int, int], list[Assignment]] | None:
    """A valid rota as 0/1 per assignment variable (by proto index): the greedy pro-rata rota, else the round-robin
    rota, whichever first passes the checker; None if neither does. With ``improve_s`` the rota is then improved
    toward the pro-rata ``targets`` by local search (:mod:`legeplan.legevakt.local_search`) for about that long and
    kept only if it still passes the checker, then its clustering and unmet wishes are cut by swaps that keep every
    load (as long again). ``start_rota``: the result of :func:`_start_rota`, if already made.

    CP-SAT only uses a hint directly when it is complete, so :func:`_soft_objectives` hints the helper variables
    (deviations, maxima, spread, wishes) computed from these values; solving a copy of the model to complete the hint
    instead cost 5.5 s on the one-year benchmark.
    """
    rota = start_rota if start_rota is not None else _start_rota(problem)
    if rota is None:
        return None
    index_of = {i.key: i.index for i in instances}

    def fits(rota: list[Assignment]) -> bool:
        duties = [(a.doctor, index_of[(a.date, a.shift_type)], a.role) for a in rota]
        return all((d, i) in (variables.vakt if r is Role.VAKT else variables.bakvakt) for d, i, r in duties)

    if not fits(rota):
        return None
    if improve_s > 0:
        from legeplan.legevakt.local_search import improve_fairness, improve_spread_and_wishes

        def keys(duties: Sequence[Assignment]) -> list[tuple[str, int, Role]]:
            return [
                (a.doctor, index_of[(a.date, a.shift_type)], a.role)
                for a in duties
                if (a.date, a.shift_type) in index_of
            ]

        allowed = {Role.VAKT: variables.vakt.keys(), Role.BAKVAKT: variables.bakvakt.keys()}
        pins = {"fixed": keys(fixed), "forbidden": keys(forbidden)}
        better = improve_fairness(
            problem,
            instances,
            rota,
            targets if targets is not None else fairness_targets(problem, instances),
            allowed,
            scale=FAIRNESS_SCALE,
            seconds=improve_s,
            **pins,
        )
        better = improve_spread_and_wishes(problem, instances, better, allowed, seconds=improve_s, **pins)
        if fits(better) and not check_rota(problem, better):
            rota = better
    chosen = {(a.doctor, index_of[(a.date, a.shift_type)], a.role) for a in rota}
    values = {var.index: int((doc, idx, Role.VAKT) in chosen) for (doc, idx), var in variables.vakt.items()}
    values.update({var.index: int((doc, idx, Role.BAKVAKT) in chosen) for (doc, idx), var in variables.bakvakt.items()})
    return values, rota


def _rota_of(variables: _Variables, values: dict[int, int]) -> dict[tuple[str, int, Role], int]:
    """A rota as (doctor, shift, role) -> 0/1 from complete variable ``values`` (by proto index)."""
    found = {(doc, idx, Role.VAKT): values[v.index] for (doc, idx), v in variables.vakt.items()}
    found.update({(doc, idx, Role.BAKVAKT): values[v.index] for (doc, idx), v in variables.bakvakt.items()})
    return found


def _quota_start(
    problem: RotaProblem,
    instances: Sequence[ShiftInstance],
    variables: _Variables,
    counts: dict[tuple[str, ShiftClass], tuple[int, int]],
    targets: dict[str, dict[str, float]],
    improve_s: float,
) -> dict[int, int] | None:
    """0/1 per assignment variable (by proto index) of the rota :func:`legeplan.legevakt.quota.quota_rota` makes
    from the relaxation's ``counts``, then improved toward the ``targets`` by local search for about ``improve_s``
    (it closes the few quotas the greedy misses: the 60-doctor year from 74,9 to the relaxation's optimum 66,7); None
    when no rota is made or it fails :func:`check_rota`. Not for pinned problems (quota.py does not know pins)."""
    from legeplan.legevakt.local_search import improve_fairness, improve_spread_and_wishes
    from legeplan.legevakt.quota import quota_rota

    allowed = {Role.VAKT: variables.vakt.keys(), Role.BAKVAKT: variables.bakvakt.keys()}
    rota = quota_rota(problem, instances, allowed, counts)
    if rota is None:
        return None
    if improve_s > 0:
        rota = improve_fairness(problem, instances, rota, targets, allowed, scale=FAIRNESS_SCALE, seconds=improve_s)
        # The quotas know no wishes nor clustering: swaps that keep every load cut them, as from the greedy start.
        rota = improve_spread_and_wishes(problem, instances, rota, allowed, seconds=improve_s)
    if check_rota(problem, rota):
        return None
    index_of = {i.key: i.index for i in instances}
    chosen = {(a.doctor, index_of[(a.date, a.shift_type)], a.role) for a in rota}
    if any((doc, idx) not in (variables.vakt if role is Role.VAKT else variables.bakvakt) for doc, idx, role in chosen):
        return None
    values = {var.index: int((doc, idx, Role.VAKT) in chosen) for (doc, idx), var in variables.vakt.items()}
    values.update({var.index: int((doc, idx, Role.BAKVAKT) in chosen) for (doc, idx), var in variables.bakvakt.items()})
    return values


def _tier1_relaxation(relaxation: AggregateBounds, seconds: float, halt: threading.Event) -> AggregateResult:
    """The relaxation of tier 1 on a huge model, stopped at tier 1's target gap: first for 60 % of ``seconds`` with
    one CP-SAT worker, no presolve and ``linearization_level`` 2 (200 doctors × a year: 238,9 found and 236,8 proved
    in 25 s, where the other settings found nothing near); if that is not within the gap, for the rest with two
    workers and presolve (the main thread only waits by then; 120 doctors × a year: solved to optimality in 9 s, where
    the first settings found nothing in 45 s). The bound is the larger proven, the counts those of the better
    solution. ``halt`` stops it (the rota search was cancelled or has ended)."""
    started = time.perf_counter()
    first = relaxation.solve(1, 0.6 * seconds, linearization=2, stop_gap=TARGET_GAP[0], halt=halt)

    def close(result: AggregateResult) -> bool:
        return result.value is not None and result.value - result.bound <= TARGET_GAP[0] * max(1, result.value)

    left = seconds - (time.perf_counter() - started)
    if close(first) or left < 1.0 or halt.is_set():
        return first
    second = relaxation.solve(1, left, stop_gap=TARGET_GAP[0], workers=2, presolve=True, halt=halt)
    better = min((r for r in (first, second) if r.value is not None), key=lambda r: r.value or 0, default=None)
    return AggregateResult(
        bound=max(first.bound, second.bound),
        counts=better.counts if better is not None else None,
        value=better.value if better is not None else None,
    )


def _counts_of(
    instances: Sequence[ShiftInstance], rota: dict[tuple[str, int, Role], int]
) -> dict[tuple[str, ShiftClass], tuple[int, int]]:
    return class_counts(instances, ((doc, idx, role is Role.BAKVAKT) for (doc, idx, role), v in rota.items() if v))


def _tier2_bound(
    relaxation: Future[AggregateBounds],
    seconds: float,
    tier1_value: int,
    counts: dict[tuple[str, ShiftClass], tuple[int, int]],
) -> int:
    return relaxation.result().lower_bound(2, seconds, cap_sum=tier1_value, hint=counts)


def _tier3_bound(
    relaxation: Future[AggregateBounds],
    seconds: float,
    tier1_value: int,
    tier2_value: int,
    counts: dict[tuple[str, ShiftClass], tuple[int, int]],
) -> int:
    return relaxation.result().lower_bound(3, seconds, cap_sum=tier1_value, cap_max=tier2_value, hint=counts)


def _spread_and_wishes(
    problem: RotaProblem, instances: Sequence[ShiftInstance], rota: dict[tuple[str, int, Role], int]
) -> tuple[int, int]:
    """Tiers 3 and 4 of a rota, counted as the model counts them (:func:`legeplan.legevakt.lns.doctor_costs`)."""
    from legeplan.legevakt.lns import doctor_costs

    duties: dict[str, dict[int, Role]] = defaultdict(dict)
    for (doc, idx, role), value in rota.items():
        if value:
            duties[doc][idx] = role
    costs = doctor_costs(problem, instances, duties).values()
    return sum(s for s, _ in costs), sum(w for _, w in costs)


def _ungrantable_wishes(problem: RotaProblem, instances: Sequence[ShiftInstance], variables: _Variables) -> int:
    """'want' wishes no rota can grant (no vakt the doctor may take on that date and shift type): a bound of tier 4."""
    return sum(
        1
        for wish in problem.wishes
        if wish.kind == "want"
        and not any(
            (wish.doctor, inst.index) in variables.vakt
            for inst in instances
            if inst.date == wish.date and (wish.shift_type is None or inst.shift_type == wish.shift_type)
        )
    )


def _improve_fairness_by_doctors(
    problem: RotaProblem,
    instances: Sequence[ShiftInstance],
    variables: _Variables,
    rota: dict[tuple[str, int, Role], int],
    targets: dict[str, dict[str, float]],
    *,
    fixed: Sequence[Assignment],
    forbidden: Sequence[Assignment],
    seconds: float,
) -> dict[tuple[str, int, Role], int] | None:
    """``rota`` with a smaller total deviation by :func:`legeplan.legevakt.lns.improve_fairness_by_doctors`, or None
    when nothing better was found or the result fails :func:`check_rota`."""
    from legeplan.legevakt.lns import improve_fairness_by_doctors

    return _by_doctors(
        problem,
        instances,
        variables,
        rota,
        fixed,
        forbidden,
        lambda current, allowed, pins, banned: improve_fairness_by_doctors(
            problem,
            instances,
            current,
            targets,
            allowed,
            scale=FAIRNESS_SCALE,
            seconds=seconds,
            fixed=pins,
            forbidden=banned,
        ),
    )


def _assignment_values(variables: _Variables, rota: dict[tuple[str, int, Role], int]) -> list[tuple[int, int]]:
    """(proto index, 0/1) of every assignment variable for a rota given as (doctor, shift, role) -> 0/1."""
    found = [(var.index, rota.get((doc, idx, Role.VAKT), 0)) for (doc, idx), var in variables.vakt.items()]
    found += [(var.index, rota.get((doc, idx, Role.BAKVAKT), 0)) for (doc, idx), var in variables.bakvakt.items()]
    return found


def _improve_by_doctors(
    problem: RotaProblem,
    instances: Sequence[ShiftInstance],
    variables: _Variables,
    rota: dict[tuple[str, int, Role], int],
    *,
    fixed: Sequence[Assignment],
    forbidden: Sequence[Assignment],
    seconds: float,
    spread_only: bool,
) -> dict[tuple[str, int, Role], int] | None:
    """``rota`` improved by the doctor neighbourhoods of :mod:`legeplan.legevakt.lns` (spread, then wishes; every
    fairness load kept), or None when nothing better was found or the result fails :func:`check_rota`."""
    from legeplan.legevakt.lns import improve_by_doctors

    return _by_doctors(
        problem,
        instances,
        variables,
        rota,
        fixed,
        forbidden,
        lambda current, allowed, pins, banned: improve_by_doctors(
            problem, instances, current, allowed, seconds=seconds, fixed=pins, forbidden=banned, spread_only=spread_only
        ),
    )


_Search = Callable[
    [
        list[Assignment],
        dict[Role, Collection[tuple[str, int]]],
        list[tuple[str, int, Role]],
        list[tuple[str, int, Role]],
    ],
    list[Assignment],
]


def _by_doctors(
    problem: RotaProblem,
    instances: Sequence[ShiftInstance],
    variables: _Variables,
    rota: dict[tuple[str, int, Role], int],
    fixed: Sequence[Assignment],
    forbidden: Sequence[Assignment],
    search: _Search,
) -> dict[tuple[str, int, Role], int] | None:
    """Run a doctor-neighbourhood ``search`` on ``rota``; its result only if it differs and passes the checker."""
    index_of = {i.key: i.index for i in instances}

    def keys(duties: Sequence[Assignment]) -> list[tuple[str, int, Role]]:
        return [
            (a.doctor, index_of[(a.date, a.shift_type)], a.role) for a in duties if (a.date, a.shift_type) in index_of
        ]

    current = [
        Assignment(date=instances[idx].date, shift_type=instances[idx].shift_type, doctor=doc, role=role)
        for (doc, idx, role), value in rota.items()
        if value
    ]
    allowed: dict[Role, Collection[tuple[str, int]]] = {
        Role.VAKT: variables.vakt.keys(),
        Role.BAKVAKT: variables.bakvakt.keys(),
    }
    better = search(current, allowed, keys(fixed), keys(forbidden))
    chosen = set(keys(better))
    if chosen == set(keys(current)) or check_rota(problem, better):
        return None
    return {key: int(key in chosen) for key in rota}


def solve_rota(
    problem: RotaProblem,
    *,
    time_limit_s: float = 30.0,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    num_workers: int = 2,
    warm_start: bool = True,
    fixed: Sequence[Assignment] = (),
    forbidden: Sequence[Assignment] = (),
) -> RotaSolution:
    """A rota meeting all hard rules, optimised tier by tier; infeasible problems come back explained.

    ``progress`` is called from CP-SAT's solution callback; setting ``cancel`` stops the search and returns the best
    rota found so far (status ``cancelled``). With ``warm_start`` the greedy pro-rata rota (else the round-robin rota)
    that passes the checker is given to CP-SAT as a complete first hint; after each tier the complete solution is the
    hint for the next. ``fixed`` assignments are kept and ``forbidden`` ones never made (pins, manual edits); pins that
    break a rule by themselves raise :class:`RotaInfeasibleError` naming the rule.
    """
    t0 = time.perf_counter()
    instances = expand_shifts(problem)
    # The greedy rota first: when it passes the checker it is a valid rota within about a second, before the model.
    start_rota = _start_rota(problem) if warm_start else None
    warm_found_s = time.perf_counter() - t0
    model, variables = _build_hard_model(problem, instances)
    pinned = bool(fixed or forbidden)  # the greedy start knows the patterns' duties (check_rota), not these pins
    fixed = [*fixed, *pattern_pins(problem, instances)]  # fixed weekday duties of the doctors' patterns
    forbidden = [*forbidden, *pattern_forbidden(problem, instances)]  # and their cycles' handover days
    if fixed or forbidden:  # pins and manual edits (legeplan.legevakt.pins), checked by the rules first
        from legeplan.legevakt.pins import apply_pins, pin_violations

        wrong = pin_violations(problem, fixed, forbidden) or apply_pins(model, variables, instances, fixed, forbidden)
        if wrong:
            raise RotaInfeasibleError(
                [f"Låst vakt {v.date} {v.shift_type} {v.doctor} ({v.rule}): {v.message}" for v in wrong]
            )
    targets = fairness_targets(problem, instances)
    large = len(variables.vakt) + len(variables.bakvakt) > LARGE_MODEL_VARIABLES
    huge = len(variables.vakt) + len(variables.bakvakt) > HUGE_MODEL_VARIABLES
    # Proven lower bounds of the fairness tiers from the aggregate relaxation (bounds.py), computed in a thread beside
    # the warm start and the CP-SAT search (OR-Tools releases the GIL while solving).
    bound_pool = ThreadPoolExecutor(max_workers=1)
    relaxation = bound_pool.submit(
        aggregate_relaxation,
        problem,
        instances,
        list(variables.vakt),
        list(variables.bakvakt),
        targets,
        FAIRNESS_SCALE,
        round(FAIRNESS_SCALE * problem.bakvakt_weight),
    )
    aggregate_s = min(AGGREGATE_TIME_S, max(0.5, time_limit_s / 10))
    tier1_s = max(aggregate_s, HUGE_AGGREGATE_SHARE * time_limit_s) if huge else aggregate_s
    tier1_submitted = time.perf_counter()
    halt = threading.Event()  # stops the relaxation of tier 1 on a cancel and when the search ends
    # On a huge model the relaxation of tier 1 starts at once, without the warm start's counts as hint: hinted, CP-SAT
    # stayed at the hint's 250,6 for 30 s on the 200-doctor year; unhinted it found 238,9 and proved 236,8.
    tier1: Future[AggregateResult] | None = (
        bound_pool.submit(lambda: _tier1_relaxation(relaxation.result(), tier1_s, halt)) if huge else None
    )
    warm = (
        _warm_start(
            problem,
            instances,
            variables,
            targets=targets,
            improve_s=min(IMPROVE_S, time_limit_s / 20),
            fixed=fixed,
            forbidden=forbidden,
            start_rota=start_rota,
        )
        if start_rota is not None
        else None
    )
    start = warm[0] if warm is not None else None
    valid_start = warm is not None and not pinned
    helpers: list[_Helper] = []
    fairness_tiers = ("rettferdighet_sum", "rettferdighet")
    terms_of: dict[str, tuple[list[tuple[int, int]], int]] = {}
    objectives = _soft_objectives(
        problem, instances, model, variables, start, targets, helpers, fairness_tiers, terms_of
    )
    # The complete values of the rota each tier starts from (a valid rota: the checked start, then each tier's).
    kept: dict[int, int] | None = None
    if start is not None and valid_start:
        kept = dict(start)
        kept.update(_helper_hints(helpers, kept))
    if start is not None:
        _add_hints(model, start.items())
    index_of = {i.key: i.index for i in instances}
    warm_counts = (
        class_counts(
            instances,
            ((a.doctor, index_of[(a.date, a.shift_type)], a.role is Role.BAKVAKT) for a in warm[1]),
        )
        if warm is not None
        else None
    )
    if tier1 is None:
        tier1_submitted = time.perf_counter()
        tier1 = bound_pool.submit(lambda: relaxation.result().solve(1, tier1_s, hint=warm_counts))
    tier1_result = tier1
    lower_bounds: dict[int, Future[int]] = {1: bound_pool.submit(lambda: tier1_result.result().bound)}
    tier1_start = time.perf_counter()  # tier 1's time includes waiting for the relaxation and the quota rota
    if kept is not None and not fixed and not forbidden:
        # The relaxation's counts made a rota (quota.py), polished by the local search: kept when it passes the
        # checker with a smaller tier 1 (200 doctors × a year: 238 where the searches on the rota stopped at 250).
        now = time.perf_counter()
        wait = min(0.5 * (time_limit_s - (now - t0)), tier1_s + 5 - (now - tier1_submitted))
        until = time.perf_counter() + max(0.0, wait)
        while not tier1.done() and time.perf_counter() < until and not (cancel is not None and cancel.is_set()):
            futures_wait([tier1], timeout=0.1)
        if tier1.done():
            relaxed = tier1.result()
            if relaxed.counts is not None:
                better = _quota_start(
                    problem, instances, variables, relaxed.counts, targets, min(IMPROVE_S, time_limit_s / 20)
                )
                if better is not None:
                    candidate = dict(better)
                    candidate.update(_helper_hints(helpers, candidate))
                    sum_terms = terms_of["rettferdighet_sum"]
                    if _tier_value(sum_terms, candidate) < _tier_value(sum_terms, kept):
                        kept = candidate
                        model.clear_hints()  # type: ignore[no-untyped-call]
                        _add_hints(model, kept.items())

    def proven(tier: int) -> Callable[[], int]:
        future = lower_bounds.get(tier)
        return lambda: future.result() if future is not None and future.done() else 0

    solver = cp_model.CpSolver()
    solver.parameters.num_workers = max(1, num_workers)
    if large:
        # Presolve (probing, symmetry) dominates on year-long rotas; search from the hint pays off more.
        solver.parameters.cp_model_probing_level = 0
        solver.parameters.symmetry_level = 0
        solver.parameters.max_presolve_iterations = 1
    first: list[float] = []
    tiers: list[TierResult] = []
    notes: list[str] = []
    best: dict[tuple[str, int, Role], int] | None = None
    final_status: Literal["optimal", "feasible", "cancelled"] = "optimal"

    fixed_values: dict[int, int] = {}

    def _fix_tier(number: int, value: int) -> None:
        """Tier ``number`` is fixed at ``value``: the relaxation's bound of the next tier holds for rotas within it."""
        fixed_values[number] = value
        if best is None:
            return
        if number == 1:
            lower_bounds[2] = bound_pool.submit(
                _tier2_bound, relaxation, aggregate_s, value, _counts_of(instances, best)
            )
        elif number == 2 and 1 in fixed_values:
            lower_bounds[3] = bound_pool.submit(
                _tier3_bound, relaxation, aggregate_s, fixed_values[1], value, _counts_of(instances, best)
            )

    done = threading.Event()
    if cancel is not None:

        def watch() -> None:
            while not done.wait(0.05):
                if cancel.is_set():
                    solver.stop_search()
                    halt.set()

        threading.Thread(target=watch, daemon=True).start()

    # The tiers stop this much before the limit: checking the last rota and counting its figures take ≈ 1 s for 200
    # doctors × a year (the run ended 1,3 s over a 120 s limit without it).
    search_limit_s = time_limit_s - min(END_RESERVE_MAX_S, END_RESERVE_SHARE * time_limit_s)
    try:
        for number, tier_name in enumerate(TIER_DESCRIPTIONS, start=1):
            if cancel is not None and cancel.is_set():
                final_status = "cancelled"
                break
            remaining = search_limit_s - (time.perf_counter() - t0)
            share = TIER_TIME_SHARE[number - 1] / sum(TIER_TIME_SHARE[number - 1 :])
            tier_start = tier1_start if number == 1 else time.perf_counter()
            if number >= 3 and large and best is not None and kept is not None:
                # A year: the spread and wish tiers are searched by doctor neighbourhoods alone (lns.py). Building
                # their window variables (≈ 20 000 at 60 doctors, 70 000 at 200) and loading the whole model into
                # CP-SAT took 16 s of a 60 s limit on a busy machine, without a better rota; the neighbourhoods
                # took the year's clustering from 13 to 0 in 15 s (benchmarks/rota_year.py).
                if remaining >= 1.0:
                    improved = _improve_by_doctors(
                        problem,
                        instances,
                        variables,
                        best,
                        fixed=fixed,
                        forbidden=forbidden,
                        seconds=remaining * share,
                        spread_only=tier_name == "spredning",
                    )
                    if improved is not None:
                        best = improved
                        kept.update(_assignment_values(variables, best))
                spread_value, wish_value = _spread_and_wishes(problem, instances, best)
                if tier_name == "spredning":
                    value = spread_value
                    known = lower_bounds[3].result() if 3 in lower_bounds else 0
                else:
                    value, known = wish_value, _ungrantable_wishes(problem, instances, variables)
                    if tiers and tiers[-1].name == "spredning" and spread_value < tiers[-1].objective:
                        # The wish search may also cut clustering (never raise it): report the rota's own value.
                        spread = tiers[-1]
                        tiers[-1] = spread.model_copy(
                            update={
                                "objective": spread_value,
                                "status": "optimal" if spread_value <= spread.bound else spread.status,
                                "gap": round(abs(spread_value - spread.bound) / max(1.0, spread_value), 4),
                            }
                        )
                tiers.append(
                    TierResult(
                        name=tier_name,
                        description=TIER_DESCRIPTIONS[tier_name],
                        status="optimal" if value <= known else "feasible",
                        objective=value,
                        bound=min(known, value),
                        gap=round(abs(value - min(known, value)) / max(1.0, value), 4),
                        seconds=round(time.perf_counter() - tier_start, 3),
                    )
                )
                if value > known:
                    final_status = "feasible"
                continue
            if number > len(objectives):  # spread and wishes: their variables join the model when their tier starts
                objectives += _soft_objectives(
                    problem, instances, model, variables, None, targets, helpers, (tier_name,), terms_of
                )
            name, expr, scale = objectives[number - 1]
            remaining = search_limit_s - (time.perf_counter() - t0)
            solver.parameters.max_time_in_seconds = max(0.5, remaining * share)
            model.minimize(expr)
            if best is not None and kept is not None:
                # The previous tier's rota, with every helper at the smallest value it allows: a helper outside the
                # previous objective (e.g. a maximum during tier 1) may have ended far above it.
                kept.update(_helper_hints(helpers, kept))
                model.clear_hints()  # type: ignore[no-untyped-call]
                _add_hints(model, kept.items())
            if kept is not None:
                # Proven optimal already (e.g. no clustering left, or the relaxation's bound reached), or within the
                # tier's target gap (TARGET_GAP, where the CP-SAT callback stops too): CP-SAT would only load the
                # whole model to prove it again (≈ 40 s on the 200-doctor year).
                value = _tier_value(terms_of[name], kept)
                known = terms_of.get(f"{name}_min", ([], 0))[1]
                if number in lower_bounds and lower_bounds[number].done():
                    known = max(known, lower_bounds[number].result())
                if number == 1 and tier1.done():
                    known = max(known, tier1.result().bound)
                if value - known <= TARGET_GAP[number - 1] * max(1.0, abs(value)):
                    tiers.append(
                        TierResult(
                            name=name,
                            description=TIER_DESCRIPTIONS[name],
                            status="optimal" if value <= known else "feasible",
                            objective=value / scale,
                            bound=round(min(known, value) / scale, 3),
                            gap=round((value - min(known, value)) / max(1.0, abs(value)), 4),
                            seconds=round(time.perf_counter() - tier_start, 3),
                        )
                    )
                    if progress is not None:  # reported as a CP-SAT solution would be: the tier is done
                        progress(
                            SolveProgress(
                                tier=number,
                                tier_name=name,
                                elapsed_s=round(time.perf_counter() - t0, 3),
                                objective=value / scale,
                                bound=min(known, value) / scale,
                                solutions=1,
                            )
                        )
                    if value > known:
                        final_status = "feasible"
                    if best is None:  # tier 1: the rota it started from (checked) is the answer so far
                        best = _rota_of(variables, kept)
                    model.add(expr <= value)
                    _fix_tier(number, value)
                    continue
            if number == 1 and huge and kept is not None and remaining >= 2.0:
                # Doctor neighbourhoods re-solved exactly (lns.py) before CP-SAT loads the whole model: the loads
                # move between the freed doctors and the total deviation falls.
                improved = _improve_fairness_by_doctors(
                    problem,
                    instances,
                    variables,
                    best if best is not None else _rota_of(variables, kept),
                    targets,
                    fixed=fixed,
                    forbidden=forbidden,
                    seconds=LNS_SHARE * remaining * share,
                )
                if improved is not None:
                    best = improved
                    kept.update(_assignment_values(variables, best))
                    kept.update(_helper_hints(helpers, kept))
                    model.clear_hints()  # type: ignore[no-untyped-call]
                    _add_hints(model, kept.items())
                remaining = search_limit_s - (time.perf_counter() - t0)
                solver.parameters.max_time_in_seconds = max(0.5, remaining * share)
            # Past the time limit with a valid rota in hand (the build of a large year on a loaded machine can use
            # it all): the tier keeps that rota rather than overrun the limit further.
            # Loading a year into CP-SAT takes seconds before its time limit applies: too little time left, and the
            # call would overrun the limit (16 s for a 0,5 s share in one measured run).
            solved = kept is None or remaining >= (MIN_LARGE_SOLVE_S if large else 1.0)
            status = (
                solver.solve(model, _Callback(number, name, scale, t0, progress, first, proven(number)))
                if solved
                else cp_model.UNKNOWN
            )
            remaining = search_limit_s - (time.perf_counter() - t0)
            if (
                status == cp_model.UNKNOWN
                and best is None
                and kept is None
                and remaining > 1
                and not (cancel and cancel.is_set())
            ):
                # No rota yet: spend the rest of the budget on finding one rather than give up.
                solver.parameters.max_time_in_seconds = remaining
                status = solver.solve(model, _Callback(number, name, scale, t0, progress, first, proven(number)))
            seconds = time.perf_counter() - tier_start
            if status == cp_model.INFEASIBLE:
                raise RotaInfeasibleError(explain_infeasibility(problem, time_limit_s=max(5.0, time_limit_s / 2)))
            stopped = cancel is not None and cancel.is_set()
            if status == cp_model.UNKNOWN and kept is not None and not stopped:
                # No solution within the tier's time (CP-SAT's presolve of a year can take that long on a loaded
                # machine), but the tier started from a complete valid rota: keep it, with its own value and the
                # best proven bound, and go on to the next tier.
                if best is None:
                    best = {(doc, idx, Role.VAKT): kept[v.index] for (doc, idx), v in variables.vakt.items()}
                    best.update(
                        {(doc, idx, Role.BAKVAKT): kept[v.index] for (doc, idx), v in variables.bakvakt.items()}
                    )
                value = _tier_value(terms_of[name], kept)
                bound = 0.0
                if solved:
                    with contextlib.suppress(RuntimeError):  # RuntimeError: no response at all
                        bound = solver.best_objective_bound  # valid without a solution too
                if number in lower_bounds:  # the relaxation stops at its own time limit
                    bound = max(bound, lower_bounds[number].result())
                bound = min(max(bound, terms_of.get(f"{name}_min", ([], 0))[1]), value)
                tiers.append(
                    TierResult(
                        name=name,
                        description=TIER_DESCRIPTIONS[name],
                        status="optimal" if bound >= value else "feasible",  # e.g. no clustering at all
                        objective=value / scale,
                        bound=round(bound / scale, 3),
                        gap=round(abs(value - bound) / max(1.0, abs(value)), 4),
                        seconds=round(seconds, 3),
                    )
                )
                final_status = "feasible"
                notes.append(
                    f"Nivå {number} ({name}): ingen bedre turnus funnet innen tidsgrensen; verdien er den beholdte "
                    "turnusens"
                )
                model.add(expr <= value)
                _fix_tier(number, value)
                continue
            if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                if best is None:
                    reason = "avbrutt" if cancel is not None and cancel.is_set() else "tidsgrensen nådd"
                    return RotaSolution(
                        problem_name=problem.name,
                        status="cancelled" if cancel is not None and cancel.is_set() else "unknown",
                        seconds=round(time.perf_counter() - t0, 3),
                        explanation=(f"Fant ingen gyldig turnus før {reason}",),
                    )
                final_status = "cancelled" if cancel is not None and cancel.is_set() else "feasible"
                break
            value = round(solver.objective_value)
            bound = solver.best_objective_bound
            if number in lower_bounds and status != cp_model.OPTIMAL:
                # The relaxation has its own time limit; waiting for it costs at most that.
                bound = max(bound, lower_bounds[number].result())
            gap = abs(value - bound) / max(1.0, abs(value))
            tiers.append(
                TierResult(
                    name=name,
                    description=TIER_DESCRIPTIONS[name],
                    status="optimal" if status == cp_model.OPTIMAL else "feasible",
                    objective=value / scale,
                    bound=round(bound / scale, 3),
                    gap=round(gap, 4),
                    seconds=round(seconds, 3),
                )
            )
            if status != cp_model.OPTIMAL:
                final_status = "feasible"
            if kept is not None and _tier_value(terms_of[name], kept) <= value:
                # CP-SAT found nothing better than the rota it started from: keep that rota, whose clustering and
                # wishes the local search already improved (CP-SAT's equal-valued rota had ≈ 100 clustering, not 13).
                if best is None:
                    best = {(doc, idx, Role.VAKT): kept[v.index] for (doc, idx), v in variables.vakt.items()}
                    best.update(
                        {(doc, idx, Role.BAKVAKT): kept[v.index] for (doc, idx), v in variables.bakvakt.items()}
                    )
            else:
                best = {(doc, idx, Role.VAKT): solver.value(v) for (doc, idx), v in variables.vakt.items()}
                best.update({(doc, idx, Role.BAKVAKT): solver.value(v) for (doc, idx), v in variables.bakvakt.items()})
                kept = dict(enumerate(solver.response_proto.solution))
            model.add(expr <= value)
            _fix_tier(number, value)
            if cancel is not None and cancel.is_set():
                final_status = "cancelled"
                break
    finally:
        done.set()
        halt.set()
        bound_pool.shutdown(wait=False, cancel_futures=True)

    if best is None:
        return RotaSolution(
            problem_name=problem.name,
            status="cancelled",
            seconds=round(time.perf_counter() - t0, 3),
            explanation=("Avbrutt før første gyldige turnus",),
        )
    start_of = {i.key: i.start for i in instances}
    assignments = tuple(
        sorted(
            (
                Assignment(date=instances[idx].date, shift_type=instances[idx].shift_type, doctor=doc, role=role)
                for (doc, idx, role), value in best.items()
                if value
            ),
            key=lambda a: (start_of[(a.date, a.shift_type)], a.role, a.doctor),
        )
    )
    return RotaSolution(
        problem_name=problem.name,
        status=final_status,
        assignments=assignments,
        tiers=tuple(tiers),
        seconds=round(time.perf_counter() - t0, 3),
        first_feasible_s=round(min(found), 3)
        if (found := [*first, *([warm_found_s] if valid_start else [])])
        else None,
        first_solver_s=round(first[0], 3) if first else None,
        explanation=tuple(notes),
        fairness=fairness_figures(problem, assignments, instances),
    )
