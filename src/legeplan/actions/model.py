"""The action plan: styringsmål (goals) and tiltak (measures) with responsible, deadline, cost, status, follow-up.

Costs in the plans are a mix of amounts ("275 000"), ranges ("5-6 mill. kr.") and words ("Må beregnes",
"Selvfinansierende"); `Cost` keeps the kind so sums only add what is actually a number.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class CostKind(StrEnum):
    AMOUNT = "amount"  # a single figure
    RANGE = "range"  # from-to
    TO_BE_CALCULATED = "to_be_calculated"  # «Må beregnes» / «Ikke beregnet»
    TO_BE_ASSESSED = "to_be_assessed"  # «Utredes»
    SELF_FINANCING = "self_financing"  # «Selvfinansierende»
    STATE_FUNDED = "state_funded"  # «Statlig finansiering» / «dekkes av staten»
    WITHIN_BUDGET = "within_budget"  # «Innarbeidet i rammen»
    NONE = "none"  # no cost given
    OTHER = "other"  # only a note, e.g. «Rentekostnader»


COST_WORDS: dict[CostKind, str] = {
    CostKind.TO_BE_CALCULATED: "Må beregnes",
    CostKind.TO_BE_ASSESSED: "Utredes",
    CostKind.SELF_FINANCING: "Selvfinansierende",
    CostKind.STATE_FUNDED: "Statlig finansiering",
    CostKind.WITHIN_BUDGET: "Innarbeidet i budsjettrammen",
    CostKind.NONE: "",
}


def _kr(value: float) -> str:
    return f"{value:,.0f}".replace(",", " ") + " kr"


class Cost(_Model):
    """What a measure costs: an amount, a range, or a word saying why there is no figure yet."""

    kind: CostKind = CostKind.NONE
    amount: float | None = Field(default=None, ge=0)
    low: float | None = Field(default=None, ge=0)
    high: float | None = Field(default=None, ge=0)
    per_year: bool = False
    note: str | None = None

    @model_validator(mode="after")
    def _figures_match_kind(self) -> Cost:
        if self.kind == CostKind.AMOUNT and self.amount is None:
            raise ValueError("kostnad av typen «amount» trenger «amount»")
        if self.kind == CostKind.RANGE:
            if self.low is None or self.high is None:
                raise ValueError("kostnad av typen «range» trenger «low» og «high»")
            if self.low > self.high:
                raise ValueError(f"kostnaden «low» ({self.low}) er større enn «high» ({self.high})")
        if self.kind == CostKind.OTHER and not self.note:
            raise ValueError("kostnad av typen «other» trenger en merknad («note»)")
        return self

    @property
    def expected(self) -> float | None:
        """Best single figure: the amount, or the middle of a range; None when not a number."""
        if self.kind == CostKind.AMOUNT:
            return self.amount
        if self.kind == CostKind.RANGE and self.low is not None and self.high is not None:
            return (self.low + self.high) / 2
        return None

    def __str__(self) -> str:
        if self.kind == CostKind.AMOUNT and self.amount is not None:
            text = _kr(self.amount)
        elif self.kind == CostKind.RANGE and self.low is not None and self.high is not None:
            text = f"{_kr(self.low).removesuffix(' kr')}–{_kr(self.high)}"
        else:
            text = COST_WORDS.get(self.kind, "")
        if self.per_year and text:
            text += " per år"
        if self.note:
            text = f"{text} ({self.note})" if text else self.note
        return text


class Status(StrEnum):
    PLANNED = "planlagt"
    IN_PROGRESS = "pågår"
    CONTINUOUS = "fortløpende"
    CONTINUED = "videreføres"
    DONE = "gjennomført"
    POSTPONED = "utsatt"
    CANCELLED = "avlyst"


class Goal(_Model):
    """A styringsmål, numbered as in the plan."""

    id: int = Field(ge=1)
    text: str = Field(min_length=1)
    area: str | None = Field(default=None, description="Chapter or theme, e.g. «Fastlegeordningen»")

    def __str__(self) -> str:
        return self.text


class FollowUp(_Model):
    """A dated note on how a measure is going (the plan's «oppfølging»)."""

    date: date
    note: str = Field(min_length=1)
    status: Status | None = None


class Measure(_Model):
    """A tiltak under a goal."""

    number: str = Field(min_length=1, description="e.g. «3.2»: goal 3, second measure")
    goal: int = Field(ge=1, description="Goal id")
    title: str = Field(min_length=1)
    responsible: str | None = None
    deadline: str | None = Field(default=None, description="As the plan writes it: «2022», «Aug. 2021», «Pågående»")
    cost: Cost = Cost()
    status: Status = Status.PLANNED
    follow_up: tuple[FollowUp, ...] = ()


class CostTotal(_Model):
    """Sum of the measures' costs; `uncosted` counts those without a figure.

    One-off costs and yearly costs are summed apart: adding 40 000 kr a year to a 275 000 kr purchase means nothing.
    """

    known: float
    low: float
    high: float
    uncosted: int
    per_year_known: float = 0.0
    per_year_low: float = 0.0
    per_year_high: float = 0.0


class ActionPlan(_Model):
    title: str = "Tiltaksplan"
    municipality: str | None = None
    period: str | None = None
    source: str = "Kommunens tiltaksplan"
    as_of: date | None = None
    goals: tuple[Goal, ...] = ()
    measures: tuple[Measure, ...] = ()

    @model_validator(mode="after")
    def _references(self) -> ActionPlan:
        ids = [goal.id for goal in self.goals]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"styringsmål med samme nummer: {', '.join(map(str, duplicates))}")
        numbers = [m.number for m in self.measures]
        repeated = sorted({n for n in numbers if numbers.count(n) > 1})
        if repeated:
            raise ValueError(f"tiltak med samme nummer: {', '.join(repeated)}")
        known = set(ids)
        for measure in self.measures:
            if measure.goal not in known:
                raise ValueError(f"tiltak {measure.number} viser til styringsmål {measure.goal}, som ikke finnes")
        return self

    def measures_for(self, goal_id: int) -> tuple[Measure, ...]:
        return tuple(m for m in self.measures if m.goal == goal_id)

    def cost_total(self) -> CostTotal:
        """Known amounts, the low-high span with ranges (one-off and yearly apart), and measures lacking a figure."""
        sums = {False: [0.0, 0.0, 0.0], True: [0.0, 0.0, 0.0]}  # per_year -> known, low, high
        uncosted = 0
        for measure in self.measures:
            cost = measure.cost
            known_low_high = sums[cost.per_year]
            if cost.kind == CostKind.AMOUNT and cost.amount is not None:
                for index in range(3):
                    known_low_high[index] += cost.amount
            elif cost.kind == CostKind.RANGE and cost.low is not None and cost.high is not None:
                known_low_high[1] += cost.low
                known_low_high[2] += cost.high
            elif cost.kind in (CostKind.TO_BE_CALCULATED, CostKind.TO_BE_ASSESSED):
                uncosted += 1
        (known, low, high), (yearly, yearly_low, yearly_high) = sums[False], sums[True]
        return CostTotal(
            known=known,
            low=low,
            high=high,
            uncosted=uncosted,
            per_year_known=yearly,
            per_year_low=yearly_low,
            per_year_high=yearly_high,
        )
