"""Property tests: the regional engines on random record sets, checked against simple recounts."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from legeplan.region.analysis import GroupBy, chronic_shortage, mobility_table, stability_table
from legeplan.region.helse_nord import helse_nord_dataset
from legeplan.region.models import Departure, MunicipalAgreement, Place, RegionalDataset, VacancySurvey

START, END = date(2017, 10, 1), date(2019, 3, 1)
DAY0 = date(2015, 1, 1)
MUNICIPALITIES = helse_nord_dataset().municipalities[:8]
CODES = [m.code for m in MUNICIPALITIES]


@st.composite
def agreements(draw: st.DrawFn) -> list[MunicipalAgreement]:
    records = []
    for number in range(draw(st.integers(0, 40))):
        begins = DAY0 + timedelta(days=draw(st.integers(0, 2000)))
        length = draw(st.one_of(st.none(), st.integers(0, 2000)))
        records.append(
            MunicipalAgreement(
                municipality_code=draw(st.sampled_from(CODES)),
                position_id=f"h{number}",
                physician_id=draw(st.one_of(st.none(), st.just(f"lege{number}"))),
                start_date=begins,
                end_date=None if length is None else begins + timedelta(days=length),
            )
        )
    return records


def _dataset(**records: object) -> RegionalDataset:
    return RegionalDataset.model_validate({"name": "test", "as_of": END, "municipalities": MUNICIPALITIES, **records})


def _held_at(record: MunicipalAgreement, when: date) -> bool:
    return (
        record.physician_id is not None
        and record.start_date <= when
        and (record.end_date is None or when <= record.end_date)
    )


@settings(max_examples=60, deadline=None)
@given(agreements(), st.sampled_from([None, GroupBy.CENTRALITY, GroupBy.POPULATION]))
def test_stability_recounts_and_balances(records: list[MunicipalAgreement], by: GroupBy | None) -> None:
    table = stability_table(_dataset(agreements=records), START, END, by)
    total = table.total
    assert total.agreements_at_end == sum(_held_at(r, END) for r in records)
    assert total.stable == sum(_held_at(r, START) and _held_at(r, END) for r in records)
    assert total.stable + total.new == total.agreements_at_end
    assert total.stable + total.ended == total.agreements_at_start
    assert sum(r.stable for r in table.rows) == total.stable
    assert sum(r.agreements_at_end for r in table.rows) == total.agreements_at_end
    if total.agreements_at_end:
        assert total.stability_share == total.stable / total.agreements_at_end


places = st.builds(Place, population=st.integers(0, 300_000), centrality=st.integers(1, 6))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(places, st.one_of(st.none(), places)), max_size=40),
    st.sampled_from([GroupBy.CENTRALITY, GroupBy.POPULATION]),
)
def test_mobility_moves_add_up(moves: list[tuple[Place, Place | None]], by: GroupBy) -> None:
    departures = [
        Departure(physician_id=f"l{i}", from_municipality=CODES[0], before=before, now=now)
        for i, (before, now) in enumerate(moves)
    ]
    table = mobility_table(departures, by)
    staying = sum(now is not None for _, now in moves)
    assert table.departures == len(moves) == sum(r.before for r in table.rows)
    assert table.still_in_health_service == staying == sum(r.now for r in table.rows)
    assert table.moved_up + table.moved_same + table.moved_down == staying
    assert min(table.moved_up, table.moved_same, table.moved_down) >= 0
    if by is GroupBy.CENTRALITY:
        assert table.moved_same == sum(
            1 for before, now in moves if now is not None and max(before.centrality, 3) == max(now.centrality, 3)
        )


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(0, 3), min_size=len(CODES), max_size=len(CODES)), min_size=1, max_size=4))
def test_chronic_shortage_is_vacant_at_every_survey(vacant_by_survey: list[list[int]]) -> None:
    surveys = [
        VacancySurvey(municipality_code=code, survey_date=date(2017 + k, 1, 1), positions=5, vacant=vacant)
        for k, row in enumerate(vacant_by_survey)
        for code, vacant in zip(CODES, row, strict=True)
    ]
    result = chronic_shortage(_dataset(vacancy_surveys=surveys))
    expected = sorted(code for i, code in enumerate(CODES) if all(row[i] > 0 for row in vacant_by_survey))
    assert result.at_every_date == expected
    assert result.by_number_of_dates[len(vacant_by_survey)] == len(expected)
    ever = sum(1 for i in range(len(CODES)) if any(row[i] > 0 for row in vacant_by_survey))
    assert sum(result.by_number_of_dates.values()) == ever
