"""Fairness over time: each doctor's balance (deviation from the pro-rata share) carried over published periods.

A doctor's ``balance`` in the problem (per category: ``alle``, ``natt``, ``helg``, ``helligdag``; in vakter, a bakvakt
weighted by ``bakvakt_weight``; positive = did more than the share) corrects this period's target:

    target_d = share_d · (1 + B / T) − b_d

with ``share_d`` the plain pro-rata share, ``b_d`` the doctor's balance, ``B`` the sum of the balances of the doctors
sharing the category and ``T`` the category's load this period. Over time everyone converges to their share; the
total to share stays ``T``. A target that would go below zero is set to zero and the rest scaled to keep ``T``.

:func:`cumulative_balance` sums a doctor's deviation over several published rotas (each measured against the plain
share of its own period) on top of the balance the problem already carries; the result is the next period's
``balance``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from pydantic import Field

from legeplan.legevakt.model import Assignment, FairnessBalance, RotaModel, RotaProblem


class BalanceRow(RotaModel):
    doctor: str
    name: str
    load: dict[str, float] = Field(description="Vakter per category over the rotas (bakvakt weighted)")
    share: dict[str, float] = Field(description="Plain pro-rata share per category over the rotas")
    balance: dict[str, float] = Field(description="Carried-in balance + load − share: the next period's balance")
    bakvakter: int


class BalanceReport(RotaModel):
    periods: tuple[tuple[date, date], ...]
    doctors: tuple[BalanceRow, ...]


def carry_balance(problem: RotaProblem, targets: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    """The pro-rata targets corrected by the doctors' previous-period balances (unchanged when none has one)."""
    balances = {d.id: d.balance for d in problem.doctors if d.balance}
    if not balances:
        return targets
    corrected: dict[str, dict[str, float]] = {}
    for category, shares in targets.items():
        owed = {d: balances[d].get(category) if d in balances else 0.0 for d in shares}
        total = sum(shares.values())
        if not total or not any(owed.values()):
            corrected[category] = shares
            continue
        carried = sum(owed.values())
        raw = {d: max(0.0, s * (1 + carried / total) - owed[d]) for d, s in shares.items()}
        scale = total / sum(raw.values()) if sum(raw.values()) else 0.0
        corrected[category] = {d: v * scale for d, v in raw.items()}
    return corrected


def _rota_period(problem: RotaProblem, rota: Sequence[Assignment]) -> RotaProblem:
    if not rota:
        return problem
    return problem.model_copy(update={"start": min(a.date for a in rota), "end": max(a.date for a in rota)})


def _plain(problem: RotaProblem) -> RotaProblem:
    doctors = tuple(d.model_copy(update={"balance": FairnessBalance()}) for d in problem.doctors)
    return problem.model_copy(update={"doctors": doctors})


def cumulative_balance(problem: RotaProblem, rotas: Sequence[Sequence[Assignment]]) -> BalanceReport:
    """Each doctor's load, share and balance per category over the rotas (periods read from their dates), starting
    from the balance the problem carries."""
    from legeplan.legevakt.calendar import expand_shifts
    from legeplan.legevakt.model import Role
    from legeplan.legevakt.rules import FAIRNESS_CATEGORIES, count_loads, fairness_targets

    load: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    share: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    bakvakter: dict[str, int] = defaultdict(int)
    periods: list[tuple[date, date]] = []
    plain = _plain(problem)
    for rota in rotas:
        period = _rota_period(plain, rota)
        periods.append((period.start, period.end))
        instances = expand_shifts(period)
        counts, backups = count_loads(period, rota, instances)
        targets = fairness_targets(period, instances, backups)
        for category in FAIRNESS_CATEGORIES:
            for doctor_id, value in counts[category].items():
                load[doctor_id][category] += value
            for doctor_id, value in targets[category].items():
                share[doctor_id][category] += value
        for a in rota:
            if a.role is Role.BAKVAKT:
                bakvakter[a.doctor] += 1
    rows = []
    for doctor in problem.doctors:
        start = {c: doctor.balance.get(c) for c in FAIRNESS_CATEGORIES}
        rows.append(
            BalanceRow(
                doctor=doctor.id,
                name=doctor.name,
                load={c: round(load[doctor.id][c], 3) for c in FAIRNESS_CATEGORIES},
                share={c: round(share[doctor.id][c], 3) for c in FAIRNESS_CATEGORIES},
                balance={c: round(start[c] + load[doctor.id][c] - share[doctor.id][c], 3) for c in FAIRNESS_CATEGORIES},
                bakvakter=bakvakter[doctor.id],
            )
        )
    return BalanceReport(periods=tuple(periods), doctors=tuple(rows))


def with_balance(problem: RotaProblem, report: BalanceReport) -> RotaProblem:
    """The problem with each doctor's balance set from the report: the next period's problem."""
    by_id = {r.doctor: FairnessBalance.model_validate(r.balance) for r in report.doctors}
    doctors = tuple(d.model_copy(update={"balance": by_id.get(d.id, FairnessBalance())}) for d in problem.doctors)
    return problem.model_copy(update={"doctors": doctors})
