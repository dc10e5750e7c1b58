"""A generated record set for Nord-Norge whose counts equal Helse Nord's published tables (seed 004).

The report publishes aggregates, not records. This module builds 87 municipalities and the records beneath them —
agreements, vacancy surveys, operating models, competence and departures — so that legeplan's own analyses, run on
the records, give the report's tables back. That is what the tests check: the numbers come out of the computation.

Sourced from the report: table 8.3 by centrality and by population (552 agreements in March 2019, 464 stable since
October 2017, fitted jointly with CP-SAT) and 83 ended (turnover 83/547); tables 9.2/9.3 and section 9.2 (90
departures, 70 still in Norwegian health services, 63/31/6 % to a more/equally/less populous and 64/33/3 % to a
more/equally/less central municipality, 13 in the same municipality, 10 retired, 2 long-term sick, 8 abroad);
table 10.1 (32/43/47 vacant hjemler, 5 municipalities vacant at all three dates, 16 at two, 21 at one); table 10.6
(operating models, n = 539 and 572); table 10.11 (competence, 578 hjemler).
Invented: which municipality each record belongs to (beyond the group totals), populations within their bands,
names of the synthetic municipalities (codes 9xxx), and the split of each group's total over its municipalities.
Table 8.3's population rows add up to 641/557, not 552/464, so they cannot all be reproduced: four are exact and
the 10 000 – 19 999 row is the remainder (97/78 instead of 186/171); `with_published` puts the printed figures beside
ours with a note (`STABILITY_NOTE`) wherever table 8.3 is shown.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from functools import cache

from ortools.sat.python import cp_model

from legeplan.region.analysis import GroupBy, PublishedFigure, StabilityTable
from legeplan.region.models import (
    MOBILITY_BANDS,
    POPULATION_BANDS,
    CompetenceCount,
    Departure,
    LeftServiceReason,
    MunicipalAgreement,
    OperatingModelCount,
    Place,
    Region,
    RegionalDataset,
    RegionKind,
    VacancySurvey,
    band_of,
)
from legeplan.register.models import Municipality, OperatingModel

PERIOD = (date(2017, 10, 1), date(2019, 3, 1))
SURVEY_DATES = (date(2015, 1, 1), date(2017, 1, 1), date(2019, 1, 1))
OPERATING_MODEL_DATES = (date(2015, 1, 1), date(2019, 1, 1))

#: Table 8.3 by centrality: (agreements in March 2019, stable since October 2017). Ended per level is not published;
#: these add up to the report's 83 ended agreements.
STABILITY_BY_CENTRALITY = {3: (120, 110), 4: (136, 118), 5: (152, 123), 6: (144, 113)}
#: The shares table 8.3 prints beside its counts, per cent.
PRINTED_PERCENT = {
    "Alle kommuner": 84,
    "Nivå 3": 92,
    "Nivå 4": 87,
    "Nivå 5": 81,
    "Nivå 6": 78,
    "20 000 innb. eller mer": 92,
    "10 000 – 19 999 innb.": 92,
    "5 000 – 9 999 innb.": 79,
    "2 000 – 4 999 innb.": 84,
    "Under 2 000 innb.": 73,
}
ENDED_BY_CENTRALITY = {3: 9, 4: 19, 5: 27, 6: 28}
#: Table 8.3 by population band, as printed. These rows add up to 641/557, not the total 552/464, so they cannot all
#: hold at once; `_fit_stability` matches as many as the total allows (see `STABILITY_NOTE`).
STABILITY_BY_BAND = {
    "20 000 innb. eller mer": (187, 172),
    "10 000 – 19 999 innb.": (186, 171),
    "5 000 – 9 999 innb.": (88, 70),
    "2 000 – 4 999 innb.": (114, 96),
    "Under 2 000 innb.": (66, 48),
}
STABILITY_NOTE = (
    "Helse Nords rader etter folketall summerer til 641 avtaler og 557 stabile, ikke totalen 552 og 464. "
    "Fire av fem rader er gjengitt eksakt; raden 10 000 – 19 999 innb. (186/171, nesten lik raden over, 187/172) "
    "kan ikke stemme samtidig med totalen og er her beregnet som resten: 97/78."
)
#: Table 10.1.
VACANT = (32, 43, 47)
VACANT_LEAST_CENTRAL = (22, 26, 21)  # 69 %, 61 % (26/43 is 60.5 %: the report rounds up), 45 %
SURVEY_POSITIONS = (539, 566, 587)  # from the vacancy shares 5.9 %, 7.6 %, 8.0 %
#: Table 10.6, in hjemler (the report gives per cent of n = 539 and 572).
OPERATING_MODELS = {
    date(2015, 1, 1): {
        OperatingModel.NAERINGSDRIFT: 194,
        OperatingModel.SUBSIDISED_8_2: 172,
        OperatingModel.FASTLONN_BONUS: 92,
        OperatingModel.FASTLONN: 81,
    },
    date(2019, 1, 1): {
        OperatingModel.NAERINGSDRIFT: 217,
        OperatingModel.SUBSIDISED_8_2: 109,
        OperatingModel.FASTLONN_BONUS: 160,
        OperatingModel.FASTLONN: 86,
    },
}
#: Table 10.11: (hjemler, specialists, in training, without LIS1) by centrality and by population band.
COMPETENCE_BY_CENTRALITY = {3: (121, 78, 28, 0), 4: (153, 89, 47, 12), 5: (151, 76, 73, 7), 6: (153, 53, 71, 14)}
COMPETENCE_BY_BAND = {
    "20 000 innb. eller mer": (204, 128, 52, 0),
    "10 000 – 19 999 innb.": (98, 53, 38, 3),
    "5 000 – 9 999 innb.": (91, 44, 36, 17),
    "2 000 – 4 999 innb.": (126, 54, 58, 9),
    "Under 2 000 innb.": (59, 17, 35, 4),
}
#: Tables 9.2/9.3. Departures by former home, (band index over MOBILITY_BANDS, 0 = under 2 000 … 5 = 50 000+,
#: centrality) -> count; the margins are the tables' "tidligere bosted" columns.
BEFORE_CELLS = {(5, 3): 10, (4, 4): 19, (3, 4): 12, (3, 5): 2, (2, 5): 11, (1, 5): 3, (1, 6): 13, (0, 6): 20}
#: Where the 70 still in Norwegian health services live now, (band index, centrality) -> count ("nåværende bosted").
NOW_CELLS = {(5, 3): 27, (4, 3): 7, (4, 4): 9, (3, 4): 11, (3, 5): 4, (2, 4): 3, (2, 5): 5, (1, 5): 2, (0, 6): 2}
#: Section 9.2: of 90, 10 retired, 2 long-term sick and 8 abroad; per former size band this split is invented.
LEAVERS = (8, 4, 2, 2, 1, 3)
LEFT_REASONS = {"retired": 10, "long_term_sick": 2, "abroad": 8}
#: Moves among the 70 (the report's unpublished mobility matrices): to a more / equally / less populous band
#: (63/31/6 %) and to a more / equally / less central class (64/33/3 %; all who left class 6 moved more central).
MOVES_BY_SIZE = (44, 22, 4)
MOVES_BY_CENTRALITY = (45, 23, 2)
#: Section 9.2: 13 of the 90 stay in the same municipality, 9 of them in hospital municipalities as LIS at the local
#: hospital. Which cells they are in is invented: (band index, centrality) -> count.
SAME_MUNICIPALITY = {(5, 3): 5, (4, 4): 4, (3, 4): 2, (2, 5): 2}
HOSPITAL_MUNICIPALITIES = frozenset({"1902", "1804", "1833", "1903", "1805", "1824", "1860", "2004", "2030"})

_REAL = [  # (2019 code, name, population, centrality, county, health trust)
    ("1902", "Tromsø", 76_000, 3, "troms", "unn"),
    ("1804", "Bodø", 52_500, 3, "nordland", "nlsh"),
    ("1833", "Rana", 26_000, 4, "nordland", "hsyk"),
    ("1903", "Harstad", 24_800, 4, "troms", "unn"),
    ("2012", "Alta", 20_800, 4, "finnmark", "finnsyk"),
    ("1805", "Narvik", 18_600, 4, "nordland", "unn"),
    ("1931", "Lenvik", 14_800, 4, "troms", "unn"),
    ("1824", "Vefsn", 13_300, 4, "nordland", "hsyk"),
    ("1860", "Vestvågøy", 11_400, 4, "nordland", "nlsh"),
    ("2004", "Hammerfest", 11_400, 4, "finnmark", "finnsyk"),
    ("1870", "Sortland", 10_500, 4, "nordland", "nlsh"),
    ("2030", "Sør-Varanger", 10_100, 4, "finnmark", "finnsyk"),
    ("1841", "Fauske", 9_800, 4, "nordland", "nlsh"),
    ("2003", "Vadsø", 5_800, 4, "finnmark", "finnsyk"),
]
_COUNTIES = {"nordland": "Nordland", "troms": "Troms", "finnmark": "Finnmark"}
_TRUSTS = {
    "nlsh": "Nordlandssykehuset",
    "hsyk": "Helgelandssykehuset",
    "unn": "Universitetssykehuset Nord-Norge",
    "finnsyk": "Finnmarkssykehuset",
}


def _synthetic() -> list[tuple[str, str, int, int, str, str]]:
    """73 synthetic municipalities on centrality 5 and 6, populations spread within their bands."""
    specs = [(5, 10_000, 20_000, 1), (5, 5_000, 10_000, 8), (5, 2_000, 5_000, 13), (5, 1_200, 2_000, 3)]
    specs += [(6, 5_000, 10_000, 2), (6, 2_000, 5_000, 14), (6, 400, 2_000, 32)]
    counties = list(_COUNTIES)
    trusts = ["nlsh", "hsyk", "unn", "finnsyk"]
    result = []
    number = 1
    for centrality, low, high, count in specs:
        for i in range(count):
            population = low + (high - low) * (2 * i + 1) // (2 * count)
            code = f"9{number:03d}"
            county = counties[number % 3]
            trust = trusts[number % 4]
            result.append((code, f"Kommune {code} (syntetisk)", population, centrality, county, trust))
            number += 1
    return result


def _split(total: int, weights: list[int]) -> list[int]:
    """Largest-remainder split of `total` in proportion to `weights` (deterministic)."""
    whole = sum(weights)
    raw = [total * w / whole for w in weights]
    parts = [int(r) for r in raw]
    for i in sorted(range(len(raw)), key=lambda i: (parts[i] - raw[i], i))[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _fill(total: int, capacities: list[int]) -> list[int]:
    """Spread `total` one at a time, round-robin, over places with room left (capacities bound each)."""
    parts = [0] * len(capacities)
    i = 0
    left = total
    while left:
        if parts[i % len(parts)] < capacities[i % len(parts)]:
            parts[i % len(parts)] += 1
            left -= 1
        i += 1
        if i > 10 * (total + 1) * max(1, len(parts)):
            raise ValueError(f"cannot place {total} within capacities {capacities}")
    return parts


def _weights(municipalities: list[Municipality] | tuple[Municipality, ...]) -> list[int]:
    """Hjemler follow population, but even the smallest municipality has a couple."""
    return [m.population + 3_000 for m in municipalities]


def _fit_competence(cells: dict[tuple[int, str], int]) -> dict[tuple[int, str], tuple[int, int, int, int]]:
    """Find per-(centrality, band) competence counts whose row and column sums are table 10.11 (CP-SAT)."""
    model = cp_model.CpModel()
    measures = range(4)
    var = {(cell, k): model.new_int_var(0, 600, f"x{cell}{k}") for cell in cells for k in measures}
    for level, totals in COMPETENCE_BY_CENTRALITY.items():
        for k in measures:
            model.add(sum(var[(c, k)] for c in cells if c[0] == level) == totals[k])
    for band, totals in COMPETENCE_BY_BAND.items():
        for k in measures:
            model.add(sum(var[(c, k)] for c in cells if c[1] == band) == totals[k])
    for cell in cells:
        model.add(var[(cell, 1)] + var[(cell, 2)] <= var[(cell, 0)])
        model.add(var[(cell, 3)] + var[(cell, 1)] <= var[(cell, 0)])
        model.add(var[(cell, 0)] >= cells[cell])  # at least one hjemmel per municipality in the cell
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 1
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise RuntimeError("table 10.11 cannot be fitted to the generated municipalities")
    return {cell: tuple(solver.value(var[(cell, k)]) for k in measures) for cell in cells}  # type: ignore[misc]


def _fit_stability(cells: dict[tuple[int, str], tuple[int, int]]) -> dict[tuple[int, str], tuple[int, int, int]]:
    """Per-(centrality, band) (at end, stable, ended) for table 8.3, fitted jointly with CP-SAT.

    The centrality rows and the totals hold exactly. The population rows are matched as closely as they can be: first
    the least total deviation in agreements and stable ones, then as few rows off as possible, then each row's share
    of stable agreements as close to the printed one as possible. `cells` gives (municipalities, inhabitants) per
    cell; every cell keeps a plausible 0,5–2,5 agreements per 1 000 inhabitants (at least one per municipality),
    60–98 % stable and 4–30 % of its agreements at the start ended, so no row is met by an absurd cell."""
    model = cp_model.CpModel()
    at_end = {
        c: model.new_int_var(max(n, 5 * people // 10_000), max(n, 25 * people // 10_000), f"a{c}")
        for c, (n, people) in cells.items()
    }
    stable = {c: model.new_int_var(0, 600, f"s{c}") for c in cells}
    ended = {c: model.new_int_var(0, 100, f"e{c}") for c in cells}
    for c in cells:
        model.add(100 * stable[c] >= 60 * at_end[c])
        model.add(100 * stable[c] <= 98 * at_end[c])
        model.add(100 * ended[c] >= 4 * (stable[c] + ended[c]))
        model.add(100 * ended[c] <= 30 * (stable[c] + ended[c]))
    for level, (end_total, stable_total) in STABILITY_BY_CENTRALITY.items():
        model.add(sum(at_end[c] for c in cells if c[0] == level) == end_total)
        model.add(sum(stable[c] for c in cells if c[0] == level) == stable_total)
        model.add(sum(ended[c] for c in cells if c[0] == level) == ENDED_BY_CENTRALITY[level])
    deviation = []
    rows_off = []
    share_error = []
    for band, (end_published, stable_published) in STABILITY_BY_BAND.items():
        members = [c for c in cells if c[1] == band]
        a = sum(at_end[c] for c in members)
        s = sum(stable[c] for c in members)
        for value, published, name in ((a, end_published, "a"), (s, stable_published, "s")):
            gap = model.new_int_var(0, 700, f"d{name}{band}")
            model.add_abs_equality(gap, value - published)
            off = model.new_bool_var(f"o{name}{band}")
            model.add(gap == 0).only_enforce_if(off.Not())
            deviation.append(gap)
            rows_off.append(off)
        # stable/at_end close to stable_published/end_published, cross-multiplied to stay linear
        err = model.new_int_var(0, 700 * 700, f"r{band}")
        model.add_abs_equality(err, s * end_published - a * stable_published)
        share_error.append(err)
    model.minimize(10**9 * sum(deviation) + 10**6 * sum(rows_off) + sum(share_error))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 1
    status = solver.solve(model)
    if status != cp_model.OPTIMAL:
        raise RuntimeError("table 8.3 cannot be fitted to the generated municipalities")
    return {c: (solver.value(at_end[c]), solver.value(stable[c]), solver.value(ended[c])) for c in cells}


@cache
def helse_nord_dataset() -> RegionalDataset:
    rows = _REAL + _synthetic()
    municipalities = tuple(
        Municipality(code=code, name=name, population=pop, population_date=date(2019, 1, 1), centrality=c)
        for code, name, pop, c, _county, _trust in rows
    )
    cell_of = {m.code: (m.centrality, band_of(m.population).label) for m in municipalities}
    cells = {
        cell: (
            sum(1 for c in cell_of.values() if c == cell),
            sum(m.population for m in municipalities if cell_of[m.code] == cell),
        )
        for cell in sorted(set(cell_of.values()))
    }

    agreements: list[MunicipalAgreement] = []
    start, end = PERIOD
    for cell, (at_end, stable, ended) in _fit_stability(cells).items():
        members = [m for m in municipalities if cell_of[m.code] == cell]
        weights = [m.population for m in members]
        for kind, total in (("s", stable), ("e", ended), ("n", at_end - stable)):
            for m, count in zip(members, _split(total, weights), strict=True):
                for i in range(count):
                    ident = f"{kind}{i + 1}"
                    span: tuple[date, date | None]
                    if kind == "s":
                        span = (date(2010, 1, 1) + timedelta(days=37 * i % 2_700), None)
                    elif kind == "e":
                        span = (date(2012, 1, 1), start + timedelta(days=20 + 13 * i % 480))
                    else:
                        span = (start + timedelta(days=30 + 11 * i % 480), None)
                    agreements.append(
                        MunicipalAgreement(
                            municipality_code=m.code,
                            position_id=f"{m.code}-{ident}",
                            physician_id=f"{m.code}-L{ident}",
                            start_date=span[0],
                            end_date=span[1],
                        )
                    )

    vacancy_surveys = _vacancies(municipalities)
    operating_models = _operating_models(municipalities)
    competence = _competence(municipalities)
    departures = _departures(municipalities)
    regions = _regions(rows)
    return RegionalDataset(
        name="Nord-Norge (Helse Nord)",
        as_of=end,
        municipalities=municipalities,
        regions=regions,
        agreements=tuple(agreements),
        vacancy_surveys=vacancy_surveys,
        operating_models=operating_models,
        competence=competence,
        departures=departures,
        generated=True,
    )


def _vacancies(municipalities: tuple[Municipality, ...]) -> tuple[VacancySurvey, ...]:
    """Table 10.1: 5 municipalities vacant at all three dates (two N4 over 20 000), 16 at two, 21 at one."""
    big_n4 = [m for m in municipalities if m.centrality == 4 and m.population >= 20_000]
    level3 = [m for m in municipalities if m.centrality == 3]
    other_non6 = [m for m in municipalities if m.centrality in (4, 5) and m not in big_n4]
    level6 = [m for m in municipalities if m.centrality == 6]
    take6 = iter(level6)

    def pick(pool: Iterator[Municipality], n: int) -> list[Municipality]:
        return [next(pool) for _ in range(n)]

    five_six = next(m for m in other_non6 if m.centrality == 5)
    other_non6.remove(five_six)
    take = iter(other_non6)
    groups: dict[tuple[int, ...], list[Municipality]] = {
        (0, 1, 2): [big_n4[0], big_n4[1], five_six, *pick(take6, 2)],
        (0, 1): [*pick(take, 2), *pick(take6, 3)],
        (1, 2): [*level3, next(take), *pick(take6, 3)],
        (0, 2): [*pick(take, 2), *pick(take6, 3)],
        (0,): [*pick(take, 2), *pick(take6, 4)],
        (1,): [*pick(take, 4), *pick(take6, 3)],
        (2,): [big_n4[2], *pick(take, 4), *pick(take6, 3)],
    }
    positions_by_date = [_split(total, _weights(municipalities)) for total in SURVEY_POSITIONS]
    index = {m.code: i for i, m in enumerate(municipalities)}
    vacant: dict[tuple[str, int], int] = {}
    for d in range(3):
        members = [m for dates, ms in groups.items() if d in dates for m in ms]
        for least, total in ((True, VACANT_LEAST_CENTRAL[d]), (False, VACANT[d] - VACANT_LEAST_CENTRAL[d])):
            chosen = [m for m in members if (m.centrality == 6) == least]
            capacities = [positions_by_date[d][index[m.code]] for m in chosen]
            base = [1] * len(chosen)
            extra = _fill(total - len(chosen), [c - 1 for c in capacities])
            for m, b, e in zip(chosen, base, extra, strict=True):
                vacant[(m.code, d)] = b + e
    return tuple(
        VacancySurvey(
            municipality_code=m.code,
            survey_date=SURVEY_DATES[d],
            positions=positions_by_date[d][index[m.code]],
            vacant=vacant.get((m.code, d), 0),
        )
        for d in range(3)
        for m in municipalities
    )


def _operating_models(municipalities: tuple[Municipality, ...]) -> tuple[OperatingModelCount, ...]:
    """Salaried models fill the least central municipalities first, næringsdrift the most central."""
    order = sorted(municipalities, key=lambda m: (-m.centrality, m.population))
    records = []
    for when, counts in OPERATING_MODELS.items():
        positions = _split(sum(counts.values()), _weights(order))
        queue = [
            model for model in (OperatingModel.FASTLONN, OperatingModel.FASTLONN_BONUS) for _ in range(counts[model])
        ]
        queue += [m for m in (OperatingModel.SUBSIDISED_8_2, OperatingModel.NAERINGSDRIFT) for _ in range(counts[m])]
        cursor = 0
        for municipality, n in zip(order, positions, strict=True):
            per_model: dict[OperatingModel, int] = {}
            for model in queue[cursor : cursor + n]:
                per_model[model] = per_model.get(model, 0) + 1
            cursor += n
            records += [
                OperatingModelCount(municipality_code=municipality.code, count_date=when, model=model, positions=k)
                for model, k in per_model.items()
            ]
    return tuple(records)


def _competence(municipalities: tuple[Municipality, ...]) -> tuple[CompetenceCount, ...]:
    cell_of = {m.code: (m.centrality, band_of(m.population).label) for m in municipalities}
    cells = {cell: sum(1 for c in cell_of.values() if c == cell) for cell in sorted(set(cell_of.values()))}
    fitted = _fit_competence(cells)
    records = []
    for cell, (positions, specialists, training, without) in fitted.items():
        members = [m for m in municipalities if cell_of[m.code] == cell]
        per_position = _fill(positions - len(members), [10_000] * len(members))
        caps = [1 + extra for extra in per_position]
        spec = _fill(specialists, caps)
        train = _fill(training, [c - s for c, s in zip(caps, spec, strict=True)])
        without_lis1 = _fill(without, [c - s for c, s in zip(caps, spec, strict=True)])
        records += [
            CompetenceCount(municipality_code=m.code, positions=c, specialists=s, in_training=t, without_lis1=w)
            for m, c, s, t, w in zip(members, caps, spec, train, without_lis1, strict=True)
        ]
    return tuple(records)


def with_published(dataset: RegionalDataset, table: StabilityTable) -> StabilityTable:
    """Table 8.3 with Helse Nord's printed figures beside ours, when `table` is computed on the unchanged generated
    dataset for the report's period; otherwise (another dataset, a region, imported statistics, another period)
    the table as it is, since the published figures would not describe it."""
    if dataset is not helse_nord_dataset() or (table.start, table.end) != PERIOD:
        return table
    printed: dict[str, tuple[int, int]] = {"Alle kommuner": (552, 464)}
    note = None
    if table.by is GroupBy.CENTRALITY:
        printed |= {f"Nivå {level}": figures for level, figures in STABILITY_BY_CENTRALITY.items()}
    elif table.by is GroupBy.POPULATION:
        printed |= STABILITY_BY_BAND
        note = STABILITY_NOTE
    published = {
        g: PublishedFigure(agreements_at_end=a, stable=s, printed_percent=PRINTED_PERCENT[g])
        for g, (a, s) in printed.items()
    }
    return table.model_copy(
        update={"published": published, "published_source": "Helse Nord RHF 2019, tabell 8.3", "note": note}
    )


def _central_rank(centrality: int) -> int:
    return 6 - max(centrality, 3)  # table 9.3 merges classes 1-3


def _fit_mobility() -> tuple[dict[tuple[tuple[int, int], tuple[int, int]], int], dict[tuple[int, int], int]]:
    """A mobility matrix, former cell -> current cell, and leavers per former cell, meeting every published margin."""
    model = cp_model.CpModel()
    pairs = [(b, n) for b in BEFORE_CELLS for n in NOW_CELLS]
    move = {p: model.new_int_var(0, 90, f"m{p}") for p in pairs}
    left = {b: model.new_int_var(0, 90, f"l{b}") for b in BEFORE_CELLS}
    for b, count in BEFORE_CELLS.items():
        model.add(sum(move[(b, n)] for n in NOW_CELLS) + left[b] == count)
    for n, count in NOW_CELLS.items():
        model.add(sum(move[(b, n)] for b in BEFORE_CELLS) == count)
    for band, count in enumerate(LEAVERS):
        model.add(sum(left[b] for b in BEFORE_CELLS if b[0] == band) == count)
    for key, totals in ((lambda b: b[0], MOVES_BY_SIZE), (lambda b: _central_rank(b[1]), MOVES_BY_CENTRALITY)):
        for sign, total in zip((1, 0, -1), totals, strict=True):
            model.add(sum(move[(b, n)] for b, n in pairs if (key(n) > key(b)) - (key(n) < key(b)) == sign) == total)
    for (b, n), var in move.items():
        if b[1] == 6 and n[1] >= 6:
            model.add(var == 0)
    for cell, count in SAME_MUNICIPALITY.items():
        model.add(move[(cell, cell)] >= count)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 1
    if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise RuntimeError("tables 9.2/9.3 cannot be fitted")
    return {p: solver.value(v) for p, v in move.items() if solver.value(v)}, {
        b: solver.value(v) for b, v in left.items()
    }


def _departures(municipalities: tuple[Municipality, ...]) -> tuple[Departure, ...]:
    """Tables 9.2/9.3 and section 9.2: former and current home of the 90, who stayed in the same municipality and
    why the 20 are no longer in Norwegian health services."""
    moves, left = _fit_mobility()
    reasons = [LeftServiceReason(r) for r, n in LEFT_REASONS.items() for _ in range(n)]
    records: list[Departure] = []
    for cell in sorted(BEFORE_CELLS, key=lambda c: (c[0], c[1])):
        band, centrality = cell
        candidates = [
            m
            for m in municipalities
            if m.centrality == centrality and band_of(m.population, MOBILITY_BANDS) == MOBILITY_BANDS[5 - band]
        ]
        same = SAME_MUNICIPALITY.get(cell, 0)
        # the same-municipality stayers live in hospital municipalities in the two largest bands, elsewhere not
        hospital_first = band >= 4
        stayers_home = [m for m in candidates if (m.code in HOSPITAL_MUNICIPALITIES) == hospital_first]
        plan: list[tuple[int, int] | None] = [cell] * same
        plan += [n for (b, n), k in sorted(moves.items()) if b == cell for _ in range(k - (same if n == cell else 0))]
        plan += [None] * left[cell]
        for i, destination in enumerate(plan):
            staying_put = i < same
            home = stayers_home[i % len(stayers_home)] if staying_put else candidates[i % len(candidates)]
            before = Place(population=home.population, centrality=home.centrality)
            now: Place | None = None
            if staying_put:
                now = before
            elif destination is not None:
                now_band = MOBILITY_BANDS[5 - destination[0]]
                population = now_band.low + 1000 if now_band.high is None else now_band.low + 1
                now = Place(population=population, centrality=destination[1])
            records.append(
                Departure(
                    physician_id=f"D{len(records) + 1:03d}",
                    from_municipality=home.code,
                    before=before,
                    now=now,
                    same_municipality=staying_put,
                    left_reason=reasons.pop() if destination is None else None,
                )
            )
    return tuple(records)


def _regions(rows: list[tuple[str, str, int, int, str, str]]) -> tuple[Region, ...]:
    regions = [
        Region(
            id=f"fylke-{key}",
            name=name,
            kind=RegionKind.COUNTY,
            municipality_codes=tuple(r[0] for r in rows if r[4] == key),
        )
        for key, name in _COUNTIES.items()
    ]
    regions += [
        Region(
            id=f"hf-{key}",
            name=name,
            kind=RegionKind.HEALTH_TRUST,
            municipality_codes=tuple(r[0] for r in rows if r[5] == key),
        )
        for key, name in _TRUSTS.items()
    ]
    salten = ("1804", "1841", *[r[0] for r in rows if r[0].startswith("9")][:4])
    regions.append(
        Region(id="lv-salten", name="Salten legevakt", kind=RegionKind.LEGEVAKT_DISTRICT, municipality_codes=salten)
    )
    helgeland = ("1833", "1824", *[r[0] for r in rows if r[0].startswith("9")][4:9])
    regions.append(
        Region(
            id="rr-helgeland", name="Helgelandsrådet", kind=RegionKind.REGIONAL_COUNCIL, municipality_codes=helgeland
        )
    )
    return tuple(regions)


__all__ = ["PERIOD", "POPULATION_BANDS", "SURVEY_DATES", "helse_nord_dataset", "with_published"]
