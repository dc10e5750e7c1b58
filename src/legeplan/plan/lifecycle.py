"""The plan's lifecycle: utkast → høring → vedtatt, with date and case number; every saved text is a version (who,
when), and adoption freezes the register date the plan's figures are taken from."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class PlanState(StrEnum):
    DRAFT = "utkast"
    CONSULTATION = "høring"
    ADOPTED = "vedtatt"


#: Allowed moves: a draft goes on høring, a høring is adopted or taken back to draft. An adopted plan is not changed;
#: new text after adoption starts the next draft.
TRANSITIONS: dict[PlanState, frozenset[PlanState]] = {
    PlanState.DRAFT: frozenset({PlanState.CONSULTATION}),
    PlanState.CONSULTATION: frozenset({PlanState.ADOPTED, PlanState.DRAFT}),
    PlanState.ADOPTED: frozenset(),
}


class PlanLifecycleError(ValueError):
    """A state change that is not allowed; the message says which moves are."""


def check_transition(current: PlanState, new: PlanState) -> None:
    allowed = TRANSITIONS[current]
    if new not in allowed:
        options = (
            ", ".join(sorted(state.value for state in allowed)) or "ingen (lagre ny tekst for å starte et nytt utkast)"
        )
        raise PlanLifecycleError(f"planen er «{current.value}» og kan ikke gå til «{new.value}»; mulig: {options}")


class PlanVersion(BaseModel):
    """One saved version of a municipality's plan text, with its state."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    municipality_code: str
    version: int = Field(ge=1)
    author: str = Field(min_length=1)
    saved_at: datetime
    state: PlanState = PlanState.DRAFT
    #: The date of the høring or the adoption.
    state_date: date | None = None
    #: The case number of the høring or of the kommunestyre's decision («24/1234»).
    case_number: str | None = None
    #: Adopted plans keep the register date their figures came from, so regenerating shows the same numbers.
    register_as_of: date | None = None
    #: Chapter id -> Markdown, as written in the text folder.
    files: dict[str, str] = Field(default_factory=dict)
    #: The plan period in years («2025–2028»); kept from version to version until changed.
    period_start: int | None = Field(default=None, ge=2000, le=2100)
    period_end: int | None = Field(default=None, ge=2000, le=2100)

    def period(self) -> str:
        """«2025–2028», or "" when no period is set."""
        if self.period_start is None or self.period_end is None:
            return ""
        return f"{self.period_start}–{self.period_end}"

    def describe(self) -> str:
        """«Vedtatt 12.06.2024, sak 24/1234» for the cover; «Utkast, versjon 3» for a draft."""
        if self.state is PlanState.DRAFT:
            return f"Utkast, versjon {self.version}"
        text = self.state.value.capitalize()
        if self.state_date is not None:
            text += f" {self.state_date.strftime('%d.%m.%Y')}"
        if self.case_number:
            text += f", sak {self.case_number}"
        return text
