"""Economics with the seeds' numbers: Sandefjord's basistilskudd proposal, Vefsn's locum cost, the legevakt grant."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from legeplan.economics import (
    BasistilskuddRates,
    BonusKind,
    BonusRule,
    EconomicsAssumptions,
    EconomicsInputError,
    basistilskudd,
    compare_operating_models,
    legevakt_grant_award,
    legevakt_grant_eligibility,
    load_assumptions,
    locum_cost,
    municipal_top_up,
    position_economics,
)
from legeplan.register.demo import demo_register
from legeplan.register.models import Municipality, OperatingModel, Position, PositionStatus, Register


def test_sandefjord_top_up_288_500_per_gp_and_14_425_000_for_50() -> None:
    # Seed 001: "50 % av ordinært basistilskudd opp til 1000 pasienter ... kr 288 500 per fastlege ... 14 425 000"
    per_gp = municipal_top_up(1000, share=0.5, rate=577)
    assert per_gp == 288_500
    assert 50 * per_gp == 14_425_000
    assert municipal_top_up(1500) == 288_500  # nothing above 1000 patients
    assert municipal_top_up(800) == pytest.approx(0.5 * 577 * 800)


def test_basistilskudd_577_up_to_1000_and_499_above() -> None:
    # Seed 001: "577 per innbygger opp til 1000 på lista og 499 på de over 1000"; raised by 78 kr from 499.
    assert basistilskudd(1000) == 577_000
    assert basistilskudd(1200) == 577_000 + 200 * 499
    assert basistilskudd(1000, BasistilskuddRates(rate_below_knekkpunkt=499)) + 78 * 1000 == basistilskudd(1000)


def test_basistilskudd_floor_at_500_listed() -> None:
    assert basistilskudd(300) == 500 * 577
    assert basistilskudd(0) == basistilskudd(500)
    assert basistilskudd(501) == 501 * 577
    assert basistilskudd(300, BasistilskuddRates(floor_patients=0)) == 300 * 577


def test_knekkpunkt_is_configurable() -> None:
    # Seed 004 suggests a higher rate for "de første 6-800 pasientene".
    rates = BasistilskuddRates(rate_below_knekkpunkt=700, rate_above_knekkpunkt=400, knekkpunkt=700)
    assert basistilskudd(1000, rates) == 700 * 700 + 300 * 400


def test_operating_models_move_cost_from_gp_to_municipality() -> None:
    a = EconomicsAssumptions()
    naering = position_economics(OperatingModel.NAERINGSDRIFT, 1000, a)
    subsidised = position_economics(OperatingModel.SUBSIDISED_8_2, 1000, a)
    salaried = position_economics(OperatingModel.FASTLONN, 1000, a)
    assert naering.municipal_cost == 577_000
    assert naering.gp_income == 577_000 + 1000 * a.fee_income_per_patient - a.practice_cost_per_year
    assert subsidised.municipal_cost - naering.municipal_cost == a.subsidy_8_2_per_year
    assert subsidised.gp_income - naering.gp_income == a.subsidy_8_2_per_year
    # Fastlønn 1.1 MNOK (seed 004): the municipality pays salary with employer costs and the practice, keeps the fees.
    assert salaried.gp_income == 1_100_000
    assert salaried.municipal_cost == pytest.approx(1_100_000 * 1.25 + 900_000 - 1_300_000)


def test_bonus_by_rate_and_by_threshold() -> None:
    rate = EconomicsAssumptions(bonus=BonusRule(kind=BonusKind.RATE, share=0.4))
    row = position_economics(OperatingModel.FASTLONN_BONUS, 1000, rate)
    assert row.gp_income == pytest.approx(1_100_000 + 0.4 * 1_300_000)
    # Seed 004 (footnote 16): "67 % av egen inntjening i form av HELFO-refusjoner og egenandeler tilfaller legen".
    finnmark = EconomicsAssumptions(bonus=BonusRule(kind=BonusKind.RATE, share=0.67), fee_income_per_patient=1_000)
    bonus_row = position_economics(OperatingModel.FASTLONN_BONUS, 800, finnmark)
    assert bonus_row.gp_income == pytest.approx(1_100_000 + 0.67 * 800_000)
    assert bonus_row.municipal_cost == pytest.approx(bonus_row.gp_income * 1.25 + 900_000 - 800_000)
    # "100 % av egen inntjening, etter at de har tjent inn nok til å dekke egen fastlønn" (seed 004)
    threshold = EconomicsAssumptions(bonus=BonusRule(kind=BonusKind.THRESHOLD, share=1.0))
    assert position_economics(OperatingModel.FASTLONN_BONUS, 1000, threshold).gp_income == pytest.approx(1_300_000)
    assert position_economics(OperatingModel.FASTLONN_BONUS, 500, threshold).gp_income == 1_100_000
    fixed = EconomicsAssumptions(bonus=BonusRule(kind=BonusKind.THRESHOLD, share=0.5, threshold_nok=1_000_000))
    assert position_economics(OperatingModel.FASTLONN_BONUS, 1000, fixed).gp_income == pytest.approx(1_250_000)


def _register(statuses: list[PositionStatus], population: int = 4000, centrality: int = 6) -> Register:
    municipality = Municipality(code="1824", name="Vefsn", population=population, centrality=centrality)
    positions = tuple(
        Position(id=f"p{i}", municipality_code="1824", list_ceiling=1200, listed_patients=1000, status=status)
        for i, status in enumerate(statuses)
    )
    return Register(as_of=date(2021, 1, 1), municipality=municipality, positions=positions)


def test_locum_cost_over_a_million_per_vacant_position() -> None:
    # Vefsn (seed 000): "En ledig legehjemmel gir kommunen en merutgift på mer enn én million kroner pr år"
    register = _register([PositionStatus.FILLED, PositionStatus.VACANT, PositionStatus.LOCUM])
    cost = locum_cost(register)
    assert cost.vacant_positions == 2
    assert cost.total == 2_000_000
    assert locum_cost(register, cost_per_vacancy=1_250_000).total == 2_500_000
    with pytest.raises(ValueError):
        locum_cost(register, cost_per_vacancy=-1)


def test_legevakt_grant_needs_centrality_6_and_under_5000() -> None:
    # Seed 002: "Alle kommuner i sentralitetsklasse 6 (SSB) med befolkningstall under 5000 var kvalifisert"
    assert legevakt_grant_eligibility(_register([], 4999, 6).municipality).eligible
    assert not legevakt_grant_eligibility(_register([], 5000, 6).municipality).eligible
    no = legevakt_grant_eligibility(_register([], 4000, 5).municipality)
    assert not no.eligible and "sentralitetsklasse 6" in no.reason


def test_legevakt_grant_capped_at_1_5_million() -> None:
    # Seed 002: "øvre grense på tildeling på inntil 1,5 millioner kroner"; lower applications are granted in full.
    assert legevakt_grant_award(2_300_000) == 1_500_000
    assert legevakt_grant_award(750_000) == 750_000
    with pytest.raises(ValueError):
        legevakt_grant_award(-1)


def test_compare_operating_models_on_the_demo_register() -> None:
    register = demo_register()
    comparison = compare_operating_models(register)
    assert sorted(row.model for row in comparison.rows) == sorted(OperatingModel)
    assert sum(row.positions_today for row in comparison.rows) == len(register.positions)
    assert comparison.listed_patients > 0
    fixed = compare_operating_models(register, listed_patients=1000)
    assert fixed.rows[0].municipal_cost == 577_000


def test_load_assumptions_names_the_field(tmp_path: Path) -> None:
    good = tmp_path / "a.toml"
    good.write_text("salary_per_year = 1200000\n[basistilskudd]\nrate_below_knekkpunkt = 600\n", encoding="utf-8")
    loaded = load_assumptions(good)
    assert loaded.salary_per_year == 1_200_000 and loaded.basistilskudd.rate_below_knekkpunkt == 600
    bad = tmp_path / "b.json"
    bad.write_text('{"basistilskudd": {"knekkpunkt": -5}}', encoding="utf-8")
    with pytest.raises(EconomicsInputError, match=r"b.json: felt «basistilskudd.knekkpunkt»"):
        load_assumptions(bad)


@given(st.integers(0, 5000), st.integers(0, 5000))
def test_basistilskudd_grows_with_the_list(a: int, b: int) -> None:
    low, high = sorted((a, b))
    assert basistilskudd(low) <= basistilskudd(high)
    assert basistilskudd(high) - basistilskudd(low) <= 577 * (high - low)


@given(st.sampled_from(list(OperatingModel)), st.integers(0, 4000))
def test_8_2_subsidy_is_a_pure_transfer(model: OperatingModel, listed: int) -> None:
    a = EconomicsAssumptions()
    base = position_economics(OperatingModel.NAERINGSDRIFT, listed, a)
    sub = position_economics(OperatingModel.SUBSIDISED_8_2, listed, a)
    assert sub.municipal_cost - base.municipal_cost == pytest.approx(sub.gp_income - base.gp_income)
    row = position_economics(model, listed, a)
    assert row.basistilskudd == basistilskudd(listed)
