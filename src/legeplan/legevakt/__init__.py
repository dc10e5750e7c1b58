"""Legevakt: duty-rota engine on CP-SAT, rota checker and load analysis.

Rules come from the legevakt working-group report (seed 002), the Sandefjord plan (seed 001, akuttmedisinforskriften
§ 7), the Bodø plan (seed 003, SFS 2305 § 7.2) and the Vefsn plan (seed 000, "hvert 12. hverdag og hver sjette helg").
See docs/legevakt.md.
"""

from legeplan.legevakt.baseline import round_robin_rota
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
from legeplan.legevakt.load import analyse_load, doctors_needed
from legeplan.legevakt.model import (
    Assignment,
    DateRange,
    Doctor,
    LoadReport,
    RotaProblem,
    RotaSolution,
    ShiftInstance,
    ShiftType,
    SolveProgress,
    TierResult,
    Violation,
    Wish,
)
from legeplan.legevakt.presets import PRESETS, luster, nordsjoturnus, preset, vefsn
from legeplan.legevakt.rules import check_rota, fairness_figures
from legeplan.legevakt.solver import RotaInfeasibleError, explain_infeasibility, solve_rota

__all__ = [
    "PRESETS",
    "Assignment",
    "DateRange",
    "Doctor",
    "LoadReport",
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
    "analyse_load",
    "check_rota",
    "doctors_needed",
    "example_problem",
    "expand_shifts",
    "explain_infeasibility",
    "fairness_figures",
    "load_problem",
    "luster",
    "nordsjoturnus",
    "norwegian_holidays",
    "preset",
    "read_rota",
    "rota_csv",
    "rota_ics",
    "round_robin_rota",
    "solve_rota",
    "vefsn",
    "write_rota",
    "write_xlsx",
]
