"""Key figures, stability and turnover against the seeds' own numbers."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError
from typer.testing import CliRunner

from legeplan.cli import app
from legeplan.register.demo import DEMO_PERIOD, demo_register
from legeplan.register.history import period_counts, stability, turnover
from legeplan.register.keyfigures import compute_key_figures, format_value
from legeplan.register.models import Agreement, Physician, Position

START, END = date(2017, 10, 1), date(2019, 3, 1)  # Helse Nord: oktober 2017 - mars 2019


def helse_nord_agreements(stable: int, ended: int, new: int) -> list[Agreement]:
    """Agreement records with the given counts of stable, ended and new fastlegeavtaler over START..END."""
    records: list[Agreement] = []
    for i in range(stable):
        records.append(Agreement(position_id=f"S{i}", physician_id=f"s{i}", start_date=date(2010, 1, 1)))
    for i in range(ended):
        records.append(
            Agreement(position_id=f"E{i}", physician_id=f"e{i}", start_date=date(2012, 1, 1), end_date=date(2018, 6, 1))
        )
        records.append(Agreement(position_id=f"E{i}", start_date=date(2018, 6, 2)))  # vacant since: not an agreement
    for i in range(new):
        records.append(Agreement(position_id=f"N{i}", physician_id=f"n{i}", start_date=date(2018, 9, 1)))
    return records


def test_helse_nord_stability_464_of_552_is_84_percent() -> None:
    # Table 8.3 counts 552 agreements in March 2019 (table 8.1 says 554: see the consistency checks).
    result = stability(helse_nord_agreements(stable=464, ended=83, new=552 - 464), START, END)
    assert (result.stable, result.agreements_at_end) == (464, 552)
    assert result.share is not None and round(result.share * 100) == 84


def test_helse_nord_turnover_83_of_547_is_15_2_percent() -> None:
    result = turnover(helse_nord_agreements(stable=464, ended=83, new=90), START, END)
    assert (result.ended, result.agreements_at_start) == (83, 547)
    assert result.share is not None and round(result.share * 100, 1) == 15.2
    assert result.counts.new == 90 and result.counts.at_end == 554


def test_sandefjord_demo_free_capacity_and_average_list() -> None:
    figures = compute_key_figures(demo_register())
    assert figures.positions == 54
    assert figures.listed_patients == 61_722 and figures.free_places == 1013
    assert figures.average_list_length is not None and round(figures.average_list_length) == 1143
    assert figures.free_capacity_share is not None and round(figures.free_capacity_share * 100, 1) == 1.6
    assert format_value("free_capacity_share", figures.free_capacity_share) == "1,6 %"


def test_sandefjord_demo_physicians_match_the_plan() -> None:
    # Seed 001: "Av 54 fastleger er 40 spesialister", "gjennomsnittsalder ... 48,2 år i 2020 (18 er 50 år eller mer)",
    # "21 av fastlegene er kvinner".
    register = demo_register()
    figures = compute_key_figures(register)
    assert figures.gp_count == 54
    assert figures.specialist_share is not None and round(figures.specialist_share * 54) == 40
    assert figures.women_share is not None and round(figures.women_share * 54) == 21
    assert figures.mean_age is not None and round(figures.mean_age, 1) == 48.2
    gps = [p for p in register.physicians if p.active_at(register.as_of) and p.role.value in ("gp", "alis")]
    assert sum(1 for p in gps if p.age_at(register.as_of) >= 50) == 18


def test_demo_nursing_homes_sum_to_393_places_and_7_5_fte() -> None:
    institutions = demo_register().institutions
    assert sum(i.places for i in institutions) == 393
    assert round(sum(i.doctor_hours_per_week for i in institutions) / 37.5, 2) == 7.5


def test_key_figures_without_positions_give_none_not_zero_division() -> None:
    register = demo_register().model_copy(update={"positions": (), "physicians": ()})
    figures = compute_key_figures(register)
    assert figures.average_list_length is None and figures.free_capacity_share is None and figures.mean_age is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("listed_patients", 2001, "flere enn listetaket"),
        ("listed_patients", -1, "greater than or equal to 0"),
    ],
)
def test_position_rejects_bad_lists(field: str, value: int, message: str) -> None:
    data = {"id": "H1", "municipality_code": "3804", "list_ceiling": 2000, "listed_patients": 100, field: value}
    with pytest.raises(ValidationError, match=message):
        Position.model_validate(data)


def test_physician_rules() -> None:
    base = {"id": "L1", "municipality_code": "3804", "name": "A B", "sex": "F", "start_date": "2020-01-01"}
    with pytest.raises(ValidationError, match="fram i tid"):
        Physician.model_validate({**base, "birth_year": date.today().year + 1})
    with pytest.raises(ValidationError, match="umulig"):
        Physician.model_validate({**base, "birth_year": 1970, "municipal_duty_hours": 38})
    assert Physician.model_validate(
        {**base, "birth_year": 1970, "municipal_duty_hours": 8.25}
    ).municipal_hours_above_duty
    assert (
        Physician.model_validate({**base, "birth_year": 1970, "municipal_duty_hours": 7.5}).municipal_duty_hours == 7.5
    )


def test_period_must_run_forwards() -> None:
    with pytest.raises(ValueError, match="after start"):
        period_counts([], END, START)


@given(
    st.lists(
        st.tuples(st.integers(0, 3000), st.one_of(st.none(), st.integers(0, 3000)), st.booleans()),
        max_size=40,
    ),
    st.integers(0, 2000),
    st.integers(1, 1500),
)
def test_counts_balance_for_any_history(spans: list[tuple[int, int | None, bool]], s: int, length: int) -> None:
    origin = date(2010, 1, 1)
    agreements = [
        Agreement(
            position_id=f"P{i}",
            physician_id=f"D{i}" if held else None,
            start_date=origin + timedelta(days=a),
            end_date=None if b is None else origin + timedelta(days=max(a, b)),
        )
        for i, (a, b, held) in enumerate(spans)
    ]
    start = origin + timedelta(days=s)
    counts = period_counts(agreements, start, start + timedelta(days=length))
    assert counts.stable + counts.ended == counts.at_start
    assert counts.stable + counts.new == counts.at_end
    for share in (stability(agreements, start, counts.end).share, turnover(agreements, start, counts.end).share):
        assert share is None or 0 <= share <= 1


def test_cli_keyfigures_demo_table_and_json() -> None:
    runner = CliRunner()
    table = runner.invoke(app, ["keyfigures", "--demo"])
    assert table.exit_code == 0, table.output
    assert "Ledig kapasitet" in table.output and "1,6 %" in table.output
    result = runner.invoke(app, ["keyfigures", "--demo", "--json"])
    data = json.loads(result.stdout)
    assert data["average_list_length"] == pytest.approx(1143, abs=0.5)
    assert data["stability"]["counts"]["start"] == DEMO_PERIOD[0].isoformat()


def test_cli_keyfigures_rejects_half_a_period() -> None:
    result = CliRunner().invoke(app, ["keyfigures", "--demo", "--from", "2019-01-01"])
    assert result.exit_code != 0
    assert "--from og --to" in result.output
