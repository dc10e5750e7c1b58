"""The legevakt staffing norm the plan compares the municipality against (default: the Vefsn model)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from legeplan.report.format import number


class LegevaktNorm(BaseModel):
    """The rota burden the municipality accepts, and how many doctors are on duty per weekday and weekend.

    The default is the Vefsn model (Plan for legetjenesten i Vefsn kommune): one doctor a weekday and two 24-hour
    shifts a weekend, no doctor more often than every 12th weekday and every 6th weekend. It describes a small
    town's legevakt (Vefsn: about 13 000 inhabitants); above `max_population` one doctor on duty is not the
    municipality's real staffing, so the plan does not compare against it (a municipality sets its own norm, e.g.
    `legeplan report --legevakt-norm norm.toml`, and `max_population = 0` for no limit)."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    name: str = Field(default="Vefsn-modellen", min_length=1)
    weekday_slots: float = Field(default=1.0, gt=0, le=50)
    weekend_slots: float = Field(default=2.0, gt=0, le=50)
    every_nth_weekday: float = Field(default=12.0, ge=1, le=365)
    every_mth_weekend: float = Field(default=6.0, ge=1, le=52)
    #: Largest population the norm is meant for; 0 for any size.
    max_population: int = Field(default=20_000, ge=0)
    source: str = "Plan for legetjenesten i Vefsn kommune: «hvert 12. hverdag og hver sjette helg»"

    def fits(self, population: int) -> bool:
        return self.max_population == 0 or population <= self.max_population

    def describe(self) -> str:
        weekday = number(self.weekday_slots, 1).removesuffix(",0")
        doctors = f"{weekday} {'lege' if self.weekday_slots == 1 else 'leger'} hverdag, "
        doctors += f"{number(self.weekend_slots, 1).removesuffix(',0')} helg"
        return (
            f"{self.name} ({doctors}): hvor mange leger som trengs for at ingen går vakt oftere enn hver "
            f"{number(self.every_nth_weekday)}. hverdag og hver {number(self.every_mth_weekend)}. helg"
        )


class LegevaktNormError(ValueError):
    """A legevakt norm file that cannot be read; the message names the file and field."""


def load_legevakt_norm(path: Path) -> LegevaktNorm:
    """A municipality's own norm from .toml or .json (the fields of LegevaktNorm)."""
    from legeplan.documents import read_document
    from legeplan.i18n import validation_message

    data = read_document(path, LegevaktNormError)
    try:
        return LegevaktNorm.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(
            f"felt «{'.'.join(str(part) for part in item['loc']) or '(hele filen)'}»: {validation_message(item)}"
            for item in error.errors()
        )
        raise LegevaktNormError(f"{path}: {problems}") from error
