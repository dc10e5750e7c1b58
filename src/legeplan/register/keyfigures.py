"""Nøkkeltall for a municipality's fastlegeordning, computed from the register as the seed plans quote them.

Free capacity follows the Sandefjord plan (seed 001): free places / (listed + free), i.e. 1013 / (61 722 + 1013) =
1.6 %. Average list length is listed patients per hjemmel (61 722 / 54 = 1143).
"""

from __future__ import annotations

from datetime import date
from statistics import fmean

from pydantic import BaseModel, ConfigDict

from legeplan.register.history import StabilityResult, TurnoverResult, share, stability, turnover
from legeplan.register.models import PhysicianRole, PositionStatus, Register, Sex, SpecialistStatus

#: Physicians that hold a list and count as fastleger in the key figures.
LIST_HOLDING_ROLES = frozenset({PhysicianRole.GP, PhysicianRole.ALIS})

#: Norwegian labels, in the order the plans present the figures; shared by CLI, report and web.
LABELS: dict[str, str] = {
    "positions": "Fastlegehjemler",
    "gp_count": "Fastleger (personer)",
    "vacant_positions": "Ledige hjemler",
    "locum_positions": "Hjemler betjent av vikar",
    "list_places": "Listeplasser totalt (listetak)",
    "listed_patients": "Listeinnbyggere",
    "free_places": "Ledige listeplasser",
    "free_capacity_share": "Ledig kapasitet",
    "average_list_length": "Gjennomsnittlig listelengde",
    "open_lists": "Åpne lister",
    "specialist_share": "Andel spesialister i allmennmedisin",
    "mean_age": "Gjennomsnittsalder",
    "share_aged_55_plus": "Andel 55 år og eldre",
    "share_aged_60_plus": "Andel 60 år og eldre",
    "women_share": "Andel kvinner",
    "inhabitants_per_gp": "Innbyggere per fastlege",
    "gp_fte_per_10000": "Fastlegeårsverk per 10 000 innbyggere",
}

PERCENT_FIELDS = frozenset(
    {"free_capacity_share", "specialist_share", "share_aged_55_plus", "share_aged_60_plus", "women_share"}
)


class KeyFigures(BaseModel):
    model_config = ConfigDict(frozen=True)

    municipality_code: str
    municipality_name: str
    as_of: date
    population: int
    positions: int
    gp_count: int
    vacant_positions: int
    locum_positions: int
    list_places: int
    listed_patients: int
    free_places: int
    free_capacity_share: float | None
    average_list_length: float | None
    open_lists: int
    specialist_share: float | None
    mean_age: float | None
    share_aged_55_plus: float | None
    share_aged_60_plus: float | None
    women_share: float | None
    inhabitants_per_gp: float | None
    gp_fte_per_10000: float | None
    stability: StabilityResult | None = None
    turnover: TurnoverResult | None = None

    def labelled(self) -> list[tuple[str, str, float | int | None]]:
        """(field, Norwegian label, value) in presentation order."""
        return [(name, label, getattr(self, name)) for name, label in LABELS.items()]


def format_value(field: str, value: float | int | None) -> str:
    """Norwegian number formatting: decimal comma, thin grouping, percent with one decimal."""
    if value is None:
        return "–"
    if field in PERCENT_FIELDS:
        return f"{value * 100:.1f} %".replace(".", ",")
    if isinstance(value, int):
        return f"{value:,}".replace(",", "\u00a0")
    return f"{value:,.1f}".replace(",", "\u00a0").replace(".", ",")


def compute_key_figures(register: Register, *, period: tuple[date, date] | None = None) -> KeyFigures:
    """Key figures at `register.as_of`; with `period`, also stability and turnover over it."""
    when = register.as_of
    positions = register.positions
    gps = [p for p in register.physicians if p.role in LIST_HOLDING_ROLES and p.active_at(when)]
    listed = sum(p.listed_patients for p in positions)
    places = sum(p.list_ceiling for p in positions)
    free = places - listed
    ages = [p.age_at(when) for p in gps]
    fte = sum(p.employment_fraction for p in gps)
    population = register.municipality.population
    stab = turn = None
    if period is not None:
        stab = stability(register.agreements, *period)
        turn = turnover(register.agreements, *period)
    return KeyFigures(
        municipality_code=register.municipality.code,
        municipality_name=register.municipality.name,
        as_of=when,
        population=population,
        positions=len(positions),
        gp_count=len(gps),
        vacant_positions=sum(1 for p in positions if p.status is PositionStatus.VACANT),
        locum_positions=sum(1 for p in positions if p.status is PositionStatus.LOCUM),
        list_places=places,
        listed_patients=listed,
        free_places=free,
        free_capacity_share=share(free, listed + free),
        average_list_length=listed / len(positions) if positions else None,
        open_lists=sum(1 for p in positions if p.is_open),
        specialist_share=share(sum(1 for p in gps if p.specialist_status is SpecialistStatus.SPECIALIST), len(gps)),
        mean_age=fmean(ages) if ages else None,
        share_aged_55_plus=share(sum(1 for a in ages if a >= 55), len(ages)),
        share_aged_60_plus=share(sum(1 for a in ages if a >= 60), len(ages)),
        women_share=share(sum(1 for p in gps if p.sex is Sex.FEMALE), len(gps)),
        inhabitants_per_gp=population / len(positions) if positions else None,
        gp_fte_per_10000=fte / population * 10_000 if population else None,
        stability=stab,
        turnover=turn,
    )
