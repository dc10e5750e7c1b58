"""Regional analyses as Helse Nord's report (seed 004) presents them: stability and turnover by centrality and size
(table 8.3), vacancies over survey dates and chronic shortage (10.1), mobility of departing GPs (9.2, 9.3),
operating models (10.6) and competence (10.11). Stability and turnover reuse `legeplan.register.history`."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from legeplan.region.models import (
    LEFT_SERVICE_LABELS,
    MOBILITY_BANDS,
    POPULATION_BANDS,
    Departure,
    Place,
    RegionalDataset,
    band_of,
)
from legeplan.register.history import period_counts, share
from legeplan.register.models import Agreement, Municipality, OperatingModel


class GroupBy(StrEnum):
    CENTRALITY = "centrality"
    POPULATION = "population"


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True)


def _centrality_label(level: int) -> str:
    return f"Nivå {level}"


def _grouper(by: GroupBy | None) -> tuple[Callable[[Municipality], str], list[str]]:
    """Label function and the display order of groups."""
    if by is GroupBy.CENTRALITY:
        return (lambda m: _centrality_label(m.centrality)), [_centrality_label(level) for level in range(1, 7)]
    if by is GroupBy.POPULATION:
        return (lambda m: band_of(m.population).label), [band.label for band in POPULATION_BANDS]
    return (lambda _m: "Alle kommuner"), ["Alle kommuner"]


# --- stability and turnover (table 8.3) ------------------------------------------------------------------------------


class StabilityRow(_Result):
    group: str
    agreements_at_start: int
    agreements_at_end: int
    stable: int
    ended: int
    new: int
    stability_share: float | None
    turnover_share: float | None


class PublishedFigure(_Result):
    """A row as a published source prints it: agreements at the end and stable ones."""

    agreements_at_end: int
    stable: int
    #: The share as printed (whole per cent), which need not be stable / agreements rounded (70/88: printed 79 %).
    printed_percent: int | None = None

    @property
    def stability_share(self) -> float | None:
        if self.printed_percent is not None:
            return self.printed_percent / 100
        return share(self.stable, self.agreements_at_end)


class StabilityTable(_Result):
    start: date
    end: date
    by: GroupBy | None
    rows: list[StabilityRow]
    total: StabilityRow
    #: The published figures per group (and "Alle kommuner") when the dataset reproduces a published table, with a
    #: note on where and why the computed rows differ from them.
    published: dict[str, PublishedFigure] = {}
    published_source: str | None = None
    note: str | None = None

    def differs(self, row: StabilityRow) -> bool:
        figure = self.published.get(row.group)
        return figure is not None and (figure.agreements_at_end, figure.stable) != (row.agreements_at_end, row.stable)


def _stability_row(group: str, agreements: Iterable[Agreement], start: date, end: date) -> StabilityRow:
    counts = period_counts(agreements, start, end)
    return StabilityRow(
        group=group,
        agreements_at_start=counts.at_start,
        agreements_at_end=counts.at_end,
        stable=counts.stable,
        ended=counts.ended,
        new=counts.new,
        stability_share=share(counts.stable, counts.at_end),
        turnover_share=share(counts.ended, counts.at_start),
    )


def stability_table(dataset: RegionalDataset, start: date, end: date, by: GroupBy | None = None) -> StabilityTable:
    """Stable = same physician holds the agreement at start and end; share = stable / agreements at end."""
    label, order = _grouper(by)
    grouped: dict[str, list[Agreement]] = defaultdict(list)
    everything: list[Agreement] = []
    for record in dataset.agreements:
        agreement = Agreement(
            position_id=f"{record.municipality_code}:{record.position_id}",
            physician_id=record.physician_id,
            start_date=record.start_date,
            end_date=record.end_date,
        )
        grouped[label(dataset.municipality(record.municipality_code))].append(agreement)
        everything.append(agreement)
    rows = [_stability_row(group, grouped[group], start, end) for group in order if group in grouped]
    return StabilityTable(
        start=start, end=end, by=by, rows=rows, total=_stability_row("Alle kommuner", everything, start, end)
    )


# --- vacancies and chronic shortage (table 10.1) ---------------------------------------------------------------------


class VacancyRow(_Result):
    survey_date: date
    positions: int
    vacant: int
    vacant_share: float | None
    least_central_share: float | None  # share of the vacant hjemler that are in centrality class 6


class ChronicShortage(_Result):
    survey_dates: list[date]
    #: Municipality codes with vacancies at every / exactly k of the survey dates.
    at_every_date: list[str]
    by_number_of_dates: dict[int, int]


def vacancy_table(dataset: RegionalDataset) -> list[VacancyRow]:
    by_date: dict[date, list[tuple[int, int, int]]] = defaultdict(list)
    for survey in dataset.vacancy_surveys:
        centrality = dataset.municipality(survey.municipality_code).centrality
        by_date[survey.survey_date].append((survey.positions, survey.vacant, centrality))
    rows = []
    for when in sorted(by_date):
        positions = sum(p for p, _, _ in by_date[when])
        vacant = sum(v for _, v, _ in by_date[when])
        least = sum(v for _, v, c in by_date[when] if c == 6)
        rows.append(
            VacancyRow(
                survey_date=when,
                positions=positions,
                vacant=vacant,
                vacant_share=share(vacant, positions),
                least_central_share=share(least, vacant),
            )
        )
    return rows


def chronic_shortage(dataset: RegionalDataset) -> ChronicShortage:
    """Helse Nord: vacancies at all three survey dates suggest a chronic shortage."""
    dates = sorted({s.survey_date for s in dataset.vacancy_surveys})
    with_vacancy: Counter[str] = Counter(s.municipality_code for s in dataset.vacancy_surveys if s.vacant > 0)
    return ChronicShortage(
        survey_dates=dates,
        at_every_date=sorted(code for code, n in with_vacancy.items() if dates and n == len(dates)),
        by_number_of_dates={k: sum(1 for n in with_vacancy.values() if n == k) for k in range(1, len(dates) + 1)},
    )


# --- mobility (tables 9.2 and 9.3) -----------------------------------------------------------------------------------


class MobilityRow(_Result):
    group: str
    before: int
    before_share: float | None
    now: int
    now_share: float | None


class DestinationRow(_Result):
    group: str
    count: int
    share: float | None  # of all departures


class MobilityTable(_Result):
    by: GroupBy
    rows: list[MobilityRow]
    total: MobilityRow
    departures: int
    still_in_health_service: int
    #: Among those still working: moved to a more/equally/less populous (or central) municipality. `moved_same`
    #: includes those who stayed in the same municipality (`same_municipality`).
    moved_up: int
    moved_same: int
    moved_down: int
    same_municipality: int
    left_health_service: int
    #: Where they went, every departure once: same municipality, another larger/equal/smaller one, out of service.
    destinations: list[DestinationRow]


def _mobility_key(by: GroupBy) -> tuple[Callable[[Place], int], list[str]]:
    """Rank (higher = larger/more central) and labels in display order (largest/most central first)."""
    if by is GroupBy.POPULATION:
        labels = [band.label for band in MOBILITY_BANDS]
        return (lambda p: len(MOBILITY_BANDS) - 1 - MOBILITY_BANDS.index(band_of(p.population, MOBILITY_BANDS))), labels
    # Table 9.3 merges centrality 1-3 (Nord-Norge has no municipality in classes 1 and 2).
    labels = ["1-3", "4", "5", "6"]
    return (lambda p: 6 - max(p.centrality, 3)), labels


def mobility_table(departures: Iterable[Departure], by: GroupBy) -> MobilityTable:
    rank, labels = _mobility_key(by)
    records = list(departures)
    top = len(labels) - 1
    before = Counter(top - rank(d.before) for d in records)
    staying = [d for d in records if d.now is not None]
    now = Counter(top - rank(d.now) for d in staying if d.now is not None)
    up = sum(1 for d in staying if d.now is not None and rank(d.now) > rank(d.before))
    same = sum(1 for d in staying if d.now is not None and rank(d.now) == rank(d.before))
    rows = [
        MobilityRow(
            group=label,
            before=before[i],
            before_share=share(before[i], len(records)),
            now=now[i],
            now_share=share(now[i], len(staying)),
        )
        for i, label in enumerate(labels)
    ]
    total = MobilityRow(
        group="Alle",
        before=len(records),
        before_share=share(len(records), len(records)),
        now=len(staying),
        now_share=share(len(staying), len(staying)),
    )
    same_place = sum(1 for d in staying if d.same_municipality)
    down = len(staying) - up - same
    larger, smaller = ("mer sentral", "mindre sentral") if by is GroupBy.CENTRALITY else ("større", "mindre")
    equal = "like sentral" if by is GroupBy.CENTRALITY else "samme størrelse"
    reasons = Counter(d.left_reason for d in records if d.now is None)
    why = ", ".join(f"{reasons[r]} {label}" for r, label in LEFT_SERVICE_LABELS.items() if reasons[r])
    out = len(records) - len(staying)
    destinations = [
        ("Samme kommune", same_place),
        (f"Annen kommune, {larger}", up),
        (f"Annen kommune, {equal}", same - same_place),
        (f"Annen kommune, {smaller}", down),
        ("Ikke lenger i norsk helsetjeneste" + (f" ({why})" if why else ""), out),
        ("Alle", len(records)),
    ]
    return MobilityTable(
        by=by,
        rows=rows,
        total=total,
        departures=len(records),
        still_in_health_service=len(staying),
        moved_up=up,
        moved_same=same,
        moved_down=down,
        same_municipality=same_place,
        left_health_service=out,
        destinations=[DestinationRow(group=g, count=n, share=share(n, len(records))) for g, n in destinations],
    )


# --- operating models (table 10.6) and competence (table 10.11) ------------------------------------------------------

OPERATING_MODEL_LABELS = {
    OperatingModel.NAERINGSDRIFT: "Privat næringsdrift (hovedmodellen)",
    OperatingModel.SUBSIDISED_8_2: "Næringsdrift med kommunal leieavtale/tilskudd (8.2)",
    OperatingModel.FASTLONN_BONUS: "Fast lønn med bonus",
    OperatingModel.FASTLONN: "Fast lønn",
}


class OperatingModelColumn(_Result):
    count_date: date
    total: int
    positions: dict[OperatingModel, int]
    shares: dict[OperatingModel, float | None]


def operating_model_distribution(dataset: RegionalDataset) -> list[OperatingModelColumn]:
    by_date: dict[date, Counter[OperatingModel]] = defaultdict(Counter)
    for record in dataset.operating_models:
        by_date[record.count_date][record.model] += record.positions
    columns = []
    for when in sorted(by_date):
        counts = by_date[when]
        total = sum(counts.values())
        columns.append(
            OperatingModelColumn(
                count_date=when,
                total=total,
                positions={m: counts[m] for m in OPERATING_MODEL_LABELS},
                shares={m: share(counts[m], total) for m in OPERATING_MODEL_LABELS},
            )
        )
    return columns


class CompetenceRow(_Result):
    group: str
    positions: int
    specialists: int
    in_training: int
    without_lis1: int
    specialist_share: float | None
    in_training_share: float | None
    without_lis1_share: float | None


def _competence_row(group: str, records: list[tuple[int, int, int, int]]) -> CompetenceRow:
    positions, specialists, training, without = (sum(r[i] for r in records) for i in range(4))
    return CompetenceRow(
        group=group,
        positions=positions,
        specialists=specialists,
        in_training=training,
        without_lis1=without,
        specialist_share=share(specialists, positions),
        in_training_share=share(training, positions),
        without_lis1_share=share(without, positions),
    )


def competence_table(dataset: RegionalDataset, by: GroupBy | None = None) -> tuple[list[CompetenceRow], CompetenceRow]:
    label, order = _grouper(by)
    grouped: dict[str, list[tuple[int, int, int, int]]] = defaultdict(list)
    every = []
    for c in dataset.competence:
        record = (c.positions, c.specialists, c.in_training, c.without_lis1)
        grouped[label(dataset.municipality(c.municipality_code))].append(record)
        every.append(record)
    rows = [_competence_row(group, grouped[group]) for group in order if group in grouped]
    return rows, _competence_row("Totalt", every)
