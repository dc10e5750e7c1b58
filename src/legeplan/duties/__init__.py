"""Municipal physician duties: institutions and units, hours <-> årsverk at 37.5 h, hours per place, norms."""

from legeplan.duties.io import DEMO_SOURCE, DutiesInputError, demo_institutions, load_institutions, parse_institutions
from legeplan.duties.model import (
    HOURS_PER_FTE,
    KIND_NAMES,
    NFAS_NORM,
    NURSING_HOME_KINDS,
    DutiesSummary,
    NormNeed,
    NursingHomeNorm,
    UnitSummary,
    fte_to_hours,
    hours_per_place,
    hours_to_fte,
    nursing_home_need,
    summarise_units,
)

__all__ = [
    "DEMO_SOURCE",
    "HOURS_PER_FTE",
    "KIND_NAMES",
    "NFAS_NORM",
    "NURSING_HOME_KINDS",
    "DutiesInputError",
    "DutiesSummary",
    "NormNeed",
    "NursingHomeNorm",
    "UnitSummary",
    "demo_institutions",
    "fte_to_hours",
    "hours_per_place",
    "hours_to_fte",
    "load_institutions",
    "nursing_home_need",
    "parse_institutions",
    "summarise_units",
]
