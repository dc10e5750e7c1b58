"""Demand by age (capacity.demand) with the seeds' numbers, and the demand model built from the cache."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from legeplan.capacity import example_scenario
from legeplan.capacity.demand import (
    NATIONAL_GP_CONSULTATIONS_2023,
    DemandModel,
    demand_by_age,
    rates_for_groups,
)
from legeplan.capacity.models import AgeGroupPopulation, Projection
from legeplan.statistics.inputs import demand_model_from_cache
from legeplan.statistics.kuhr import KuhrClient
from legeplan.statistics.service import fetch_statistics
from legeplan.statistics.ssb import PxWebClient
from legeplan.storage.statistics_tables import StatisticsStore

from .conftest import FakePxWeb

BODO = example_scenario("bodo")  # Bodø plan (seed 003): MMMM by age group, 51 fastleger, average list 1 080


def _bodo_model(**changes: object) -> DemandModel:
    projection = Projection(region="1804", years=[BODO.projection.year(y) for y in (2022, 2025, 2030, 2035, 2050)])
    values: dict[str, object] = {
        "projection": projection,
        "contacts_per_inhabitant": rates_for_groups(NATIONAL_GP_CONSULTATIONS_2023, projection.age_groups),
        "positions": 51,
        "average_list_length": 1080,
    }
    values.update(changes)
    return DemandModel.model_validate(values)


def test_bodo_80_89_contacts_grow_like_the_group() -> None:
    """80-89 år +17,6 % 2022→2025 (1 800 → 2 116): their contacts grow the same 17,6 % at a fixed rate."""
    result = demand_by_age(_bodo_model())
    first, then = result.year(2022), result.year(2025)
    assert first.contacts_by_age["80-89"] == pytest.approx(1800 * 4.8)
    assert then.contacts_by_age["80-89"] == pytest.approx(2116 * 4.8)
    assert round(then.contacts_by_age["80-89"] / first.contacts_by_age["80-89"] - 1, 3) == 0.176


def test_bodo_age_weighted_need_exceeds_head_count() -> None:
    result = demand_by_age(_bodo_model())
    base = result.year(2022)
    # calibrated: today's 51 hjemler meet today's demand, by both methods
    assert base.positions_by_demand == pytest.approx(51)
    assert base.positions_by_list == pytest.approx(51)
    assert result.contacts_per_position == pytest.approx(base.contacts / 51)
    # list-based: +592 inhabitants by 2025 / 1 080 per list (Bodø: «ny hjemmel hvert 5,4–7,3 år»)
    assert result.year(2025).positions_by_list == pytest.approx(51 + 592 / 1080)
    # demand grows faster than the head count because the oldest groups grow: more hjemler by age
    for year in (2025, 2030, 2035, 2050):
        row = result.year(year)
        assert row.positions_by_demand > row.positions_by_list
        assert row.difference == pytest.approx(row.positions_by_demand - row.positions_by_list)
    last = result.year(2050)
    expected = sum(BODO.projection.year(2050).by_age[g] * r for g, r in _bodo_model().contacts_per_inhabitant.items())
    assert last.contacts == pytest.approx(expected)
    assert any("Listebasert (dagens metode)" in line for line in result.explanations)
    assert any("Aldersbasert" in line and "aldringen" in line for line in result.explanations)


def test_entered_capacity_is_used_as_is() -> None:
    """Vefsn (seed 000): 37 000 consultations a year; with e.g. 14 hjemler that is about 2 643 per hjemmel."""
    per_position = 37_000 / 14
    result = demand_by_age(_bodo_model(contacts_per_position=per_position, capacity_source="Vefsn 2019"))
    assert not result.calibrated
    assert result.year(2022).positions_by_demand == pytest.approx(result.year(2022).contacts / per_position)
    assert "Vefsn 2019" in result.explanations[1]


def test_rates_for_plan_age_groups_from_ssb_bands() -> None:
    rates = rates_for_groups(NATIONAL_GP_CONSULTATIONS_2023, ["0-17", "18-49", "50-66", "67-79", "80-89", "90+"])
    assert rates["0-17"] == pytest.approx((6 * 1.9 + 10 * 1.4 + 2 * 2.4) / 18)
    assert rates["18-49"] == pytest.approx((2 * 2.4 + 10 * 2.6 + 20 * 3.2) / 32)
    assert rates["80-89"] == pytest.approx(4.8)
    weighted = rates_for_groups(
        NATIONAL_GP_CONSULTATIONS_2023, ["0-17"], {a: (10.0 if a < 6 else 0.0) for a in range(18)}
    )
    assert weighted["0-17"] == pytest.approx(1.9)
    with pytest.raises(ValueError, match="ingen kontaktrate dekker alderen 0 år"):
        rates_for_groups({"6-15": 1.4}, ["0-15"])


def test_rates_must_match_age_groups() -> None:
    with pytest.raises(ValidationError, match="kontaktratene må gjelde nøyaktig aldersgruppene"):
        _bodo_model(contacts_per_inhabitant={"alle": 3.0})


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=50_000), min_size=2, max_size=2),
    st.lists(st.integers(min_value=0, max_value=50_000), min_size=2, max_size=2),
    st.floats(min_value=0.5, max_value=6),
)
def test_same_rate_everywhere_means_both_methods_agree(young: list[int], old: list[int], rate: float) -> None:
    """With one rate for every age and calibrated capacity, demand-based and head-count growth are the same, so the
    age-based positions equal today's plus growth / (list length · calibration)."""
    if young[0] + old[0] == 0:
        return
    projection = Projection(
        years=[
            AgeGroupPopulation(year=2024, by_age={"0-66": young[0], "67+": old[0]}),
            AgeGroupPopulation(year=2030, by_age={"0-66": young[1], "67+": old[1]}),
        ]
    )
    positions = 10
    listed = (young[0] + old[0]) / positions
    model = DemandModel(
        projection=projection,
        contacts_per_inhabitant={"0-66": rate, "67+": rate},
        positions=positions,
        average_list_length=max(listed, 1),
    )
    result = demand_by_age(model)
    if listed >= 1:
        assert result.year(2030).positions_by_demand == pytest.approx(result.year(2030).positions_by_list)


def test_demand_model_from_cache_uses_kuhr_level(
    fake_ssb: FakePxWeb, store: StatisticsStore, ssb_client: PxWebClient, kuhr_client: KuhrClient
) -> None:
    fetch_statistics(store, "1824", ssb=ssb_client, kuhr=kuhr_client, this_year=2020)
    inputs = demand_model_from_cache(store, "1824", years=[2022, 2025, 2030])
    model = inputs.model
    assert model.positions == 14 and model.average_list_length == 952  # 12005, 31.12.2023
    assert inputs.sources["positions"] == "SSB tabell 12005 (31.12.2023)"
    assert inputs.sources["projection"] == "SSB tabell 14288 (MMMM) (framskrevet fra 2022)"
    assert "KUHR (NAV/Helfo) takstbruk (2019): 2,78 konsultasjoner per innbygger" in inputs.sources["rates"]
    # the age profile is SSB's, the level Vefsn's measured 2,78 (weighted by Vefsn's own ages 1.1.2024)
    ratio = model.contacts_per_inhabitant["80-89"] / model.contacts_per_inhabitant["67-79"]
    assert ratio == pytest.approx(4.8 / 3.9)
    without = demand_model_from_cache(store, "1824", years=[2022, 2025], use_kuhr=False)
    assert without.model.contacts_per_inhabitant["80-89"] == pytest.approx(4.8)
    result = demand_by_age(inputs.model)
    assert result.year(2022).positions_by_demand == pytest.approx(14)
