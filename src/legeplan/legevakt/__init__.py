"""Legevakt: duty-rota engine on CP-SAT, rota checker and load analysis.

Rules come from the legevakt working-group report (seed 002), the Sandefjord plan (seed 001, akuttmedisinforskriften
§ 7), the Bodø plan (seed 003, SFS 2305 § 7.2) and the Vefsn plan (seed 000, "hvert 12. hverdag og hver sjette helg").
See docs/legevakt.md.
"""

from legeplan.legevakt.calendar import expand_shifts, norwegian_holidays
from legeplan.legevakt.io import (
    RotaFileError,
    example_problem,
    load_problem,
    read_rota,
    rota_csv,
    rota_ics,
    write_rota,
    write_xlsx,
)
from legeplan.legevakt.model import (
    Assignment,
    DateRange,
    Doctor,
    RotaProblem,
    RotaSolution,
    ShiftInstance,
    ShiftType,
    SolveProgress,
    TierResult,
    Violation,
    Wish,
)
from legeplan.legevakt.rules import check_rota, fairness_figures
from legeplan.legevakt.solver import RotaInfeasibleError, explain_infeasibility, solve_rota

__all__ = [
    "Assignment",
    "DateRange",
    "Doctor",
    "RotaFileError",
    "RotaInfeasibleError",
    "RotaProblem",
    "RotaSolution",
    "ShiftInstance",
    "ShiftType",
    "SolveProgress",
    "TierResult",
    "Violation",
    "Wish",
    "check_rota",
    "example_problem",
    "expand_shifts",
    "explain_infeasibility",
    "fairness_figures",
    "load_problem",
    "norwegian_holidays",
    "read_rota",
    "rota_csv",
    "rota_ics",
    "solve_rota",
    "write_rota",
    "write_xlsx",
]
