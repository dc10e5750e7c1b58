"""The action plan: styringsmål, tiltak, responsible, deadline, cost, status and follow-up; TOML/JSON/XLSX."""

from legeplan.actions.io import (
    ActionPlanError,
    example_action_plan,
    load_action_plan,
    parse_action_plan,
    save_action_plan,
)
from legeplan.actions.model import (
    ActionPlan,
    Cost,
    CostKind,
    CostTotal,
    FollowUp,
    Goal,
    Measure,
    Status,
)

__all__ = [
    "ActionPlan",
    "ActionPlanError",
    "Cost",
    "CostKind",
    "CostTotal",
    "FollowUp",
    "Goal",
    "Measure",
    "Status",
    "example_action_plan",
    "load_action_plan",
    "parse_action_plan",
    "save_action_plan",
]
