"""What the plan is built from: the register, the engines' inputs and results, and the municipality's own text."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from legeplan.actions import ActionPlan
from legeplan.capacity import Scenario, SimulationResult
from legeplan.economics import EconomicsAssumptions
from legeplan.figures import Comparison
from legeplan.legevakt import LoadReport
from legeplan.plan.consultation import ConsultationComment
from legeplan.plan.text import PlanText, PlanTextSource
from legeplan.register.models import Register
from legeplan.report.consistency import Finding
from legeplan.report.norm import LegevaktNorm


@dataclass(frozen=True)
class PlanInputs:
    """Everything the plan is built from. Only the register is required; each optional input adds its part.

    `previous_register` is an earlier snapshot, for stability and turnover (without it they are measured over the
    register's own agreement history); `history` holds earlier snapshots (any order) for the development over time.
    `text` is the municipality's own text folder (`legeplan plan init`), rendered with the plan's figures when the plan
    is built. `internal` shows the physicians' names; the public plan names no doctor.
    """

    register: Register
    generated: date = field(default_factory=date.today)
    title: str = "Plan for legetjenesten"
    subtitle: str = ""
    #: The municipality's own introduction paragraphs (older API; the text folder's innledning replaces it).
    introduction: tuple[str, ...] = ()
    previous_register: Register | None = None
    history: tuple[Register, ...] = ()
    scenario: Scenario | None = None
    action_plan: ActionPlan | None = None
    consistency_findings: tuple[Finding, ...] = ()
    #: How many checks were run (a report with no findings still says what was checked).
    consistency_checked: int = 0
    #: What was checked, in a sentence: "forrige plan for legetjenesten (2021–2024)".
    consistency_subject: str = "kommunens forrige plan for legetjenesten"
    #: The municipality's own rates (basistilskudd, salaries, locum cost); the engine's documented defaults if None.
    economics: EconomicsAssumptions | None = None
    #: A workforce simulation (legeplan.capacity.simulate_workforce) for vacancies and locum cost ahead.
    simulation: SimulationResult | None = None
    #: A solved rota's load (legeplan.legevakt.analyse_load) to show per-doctor burden.
    legevakt_load: LoadReport | None = None
    legevakt_norm: LegevaktNorm = field(default_factory=LegevaktNorm)
    #: The municipality's text folder, unrendered (legeplan.plan.read_text_folder) or already rendered.
    text: PlanTextSource | PlanText | None = None
    #: Internal version: per-doctor tables name the doctors. The public plan uses «Lege 1», «Lege 2», …
    internal: bool = False
    #: Published figures for the municipality beside its county and the country, each with its SSB table and date
    #: (legeplan.statistics.figures.plan_comparisons over the statistics cache, read by the CLI or web layer). Empty:
    #: nothing fetched, and the plan says how to fetch it.
    statistics: tuple[Comparison, ...] = ()
    #: Høringsuttalelser with the municipality's answers; when there are any the plan ends with the appendix
    #: «Høringsuttalelser og kommunens svar» (legeplan.report.stored passes them while the plan is on høring or
    #: adopted).
    consultation: tuple[ConsultationComment, ...] = ()


def simulate_from_register(
    register: Register,
    scenario: Scenario | None = None,
    assumptions: EconomicsAssumptions | None = None,
    *,
    runs: int = 1000,
    years: int = 10,
    seed: int | None = None,
) -> SimulationResult | None:
    """The workforce simulation for the plan, with the locum cost per vacancy of the plan's economics assumptions;
    None when the register has no hjemler to simulate. A seeded one is kept per data version
    (`legeplan.report.simulation_cache`): the same inputs give the same result."""
    from legeplan.capacity import simulate_from_register as simulate
    from legeplan.report.simulation_cache import SIMULATIONS, simulation_key

    cost = (assumptions or EconomicsAssumptions()).locum_cost_per_vacancy
    if seed is None or not register.positions:
        return simulate(register, scenario, runs=runs, years=years, seed=seed, locum_cost_nok=cost)

    def run() -> SimulationResult:
        result = simulate(register, scenario, runs=runs, years=years, seed=seed, locum_cost_nok=cost)
        assert result is not None  # the register has hjemler
        return result

    key = simulation_key(register, scenario, runs=runs, years=years, seed=seed, locum_cost_nok=cost)
    return SIMULATIONS.get_or_make(key, run)
