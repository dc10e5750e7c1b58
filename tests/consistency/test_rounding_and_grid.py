"""check-plan knows rounded amounts and checks grids with row and column totals, on the seeds' own numbers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError
from typer.testing import CliRunner

from legeplan.cli import app
from legeplan.report.consistency import (
    CheckSet,
    GridCheck,
    ProductCheck,
    TotalCheck,
    rounding_of,
    run_check_set,
)

runner = CliRunner()

# Sandefjord (seed 001, ch. 5): 50 % of basistilskudd 577 kr up to 1 000 patients for ca. 50 hjemler:
# 0,5 × 577 × 1 000 × 50 = 14 425 000 kr per year.
SANDEFJORD_TOP_UP = [0.5, 577, 1000, 50]

# Sandefjord (seed 001, KOSTRA table, netto driftsutgifter pleie og omsorg 2019): five services × six columns,
# «Sum pleie og omsorg» as the column totals.
KOSTRA_COLUMNS = ["Sfj.", "G13", "Mer-/mindreutg.", "2019", "2018", "2017"]
KOSTRA_ROWS = {
    "Helse- og omsorgstjenester i institusjon": [43892, 44625, -732, -7.8, -27.7, -36.6],
    "Institusjonslokaler": [4497, 6093, -1596, -17.0, -15.8, -9.9],
    "Helse- og omsorgstjenester til hjemmeboende": [65268, 63427, 1841, 19.7, 18.7, 51.1],
    "Aktiviserings- og servicetjenester": [5160, 6381, -1221, -13.0, -7.7, -10.1],
    "Akutthjelp helse- og omsorgstjenesten": [667, 1016, -349, -3.7, 4.7, 5.4],
}
KOSTRA_SUMS = [119484, 121542, -2057, -22.0, -27.8, -0.1]
KOSTRA_DECIMALS = [0, 0, 0, 1, 1, 1]


def _product(stated: float, **extra: object) -> ProductCheck:
    return ProductCheck(id="p", label="Kommunalt tillegg", stated=stated, factors=SANDEFJORD_TOP_UP, **extra)


def _set(*checks: object) -> CheckSet:
    return CheckSet.model_validate({"name": "t", "title": "T", "source": "seed 001", "checks": checks})


def test_the_exact_amount_passes() -> None:
    report = run_check_set(_set(_product(14_425_000)))
    assert report.findings == () and report.rounded == ()


@pytest.mark.parametrize(("stated", "step"), [(14_400_000, 100_000), (14_000_000, 1_000_000), (14_430_000, 10_000)])
def test_an_amount_rounded_to_tens_of_thousands_or_more_is_a_note_not_a_finding(stated: int, step: int) -> None:
    report = run_check_set(_set(_product(stated)))
    assert report.findings == ()
    (note,) = report.rounded
    assert note.rounded_to == step and note.computed == 14_425_000
    assert "avrundet til nærmeste" in note.message and f"{step:,}".replace(",", " ") in note.message


@pytest.mark.parametrize("stated", [14_500_000, 14_300_000, 15_000_000, 14_425_100])
def test_a_round_but_wrong_amount_is_still_a_finding(stated: int) -> None:
    report = run_check_set(_set(_product(stated)))
    assert len(report.findings) == 1 and report.rounded == ()


def test_a_declared_rounding_applies_to_any_kind() -> None:
    # Andebu sykehjem (seed 001): «Tot 39» for 14 + 12 + 6 … a total printed to the nearest ten would allow 41.
    check = TotalCheck(id="t", label="Andebu", stated=40, parts={"a": 14, "b": 12, "c": 15}, rounded_to=10)
    note = rounding_of(check)
    assert note is not None and note.rounded_to == 10
    undeclared = TotalCheck(id="t", label="Andebu", stated=39, parts={"a": 14, "b": 12, "c": 15})
    assert rounding_of(undeclared) is None  # 39 has no trailing zero: a real error


def test_rounded_to_must_be_a_power_of_ten() -> None:
    with pytest.raises(ValidationError, match="tierpotens"):
        _product(14_400_000, rounded_to=250)


@given(st.integers(min_value=1_000, max_value=10**9), st.sampled_from([10, 100, 1000, 10_000]))
def test_rounding_a_computed_amount_is_always_recognised(amount: int, step: int) -> None:
    stated = round(amount / step) * step
    if stated == amount or stated * 10 > amount * 100 or abs(stated) < step * 10:
        return
    check = TotalCheck(id="t", label="x", stated=stated, parts={"a": amount})
    note = rounding_of(check)
    assert note is not None and note.rounded_to <= step


def _kostra(**changes: object) -> GridCheck:
    data: dict[str, object] = {
        "id": "kostra",
        "label": "KOSTRA pleie og omsorg",
        "columns": KOSTRA_COLUMNS,
        "rows": KOSTRA_ROWS,
        "column_totals": KOSTRA_SUMS,
        "decimals": KOSTRA_DECIMALS,
    }
    return GridCheck.model_validate(data | changes)


def test_the_sandefjord_kostra_table_adds_up() -> None:
    report = run_check_set(_set(_kostra()))
    assert report.checked == 6 and report.findings == ()


def test_a_wrong_column_total_in_the_grid_is_named() -> None:
    sums = [119484, 121452, -2057, -22.0, -27.8, -0.1]  # G13 digits swapped
    report = run_check_set(_set(_kostra(column_totals=sums)))
    (finding,) = report.findings
    assert finding.check_id == "kostra.kolonne.G13" and finding.computed == 121542
    assert "kolonne «G13»" in finding.message


def test_row_and_grand_totals() -> None:
    rows = {"Sykehjem A": [56, 50], "Sykehjem B": [22, 36]}
    grid = GridCheck(
        id="g",
        label="Plasser",
        columns=["langtid", "korttid"],
        rows=rows,
        row_totals={"Sykehjem A": 106, "Sykehjem B": 59},
        grand_total=164,
    )
    report = run_check_set(_set(grid))
    assert report.checked == 3
    assert [f.check_id for f in report.findings] == ["g.rad.Sykehjem B"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"rows": {"a": [1, 2]}}, "har 2 celler"),
        ({"column_totals": [1, 2]}, "column_totals"),
        ({"column_totals": None}, "minst én av"),
        ({"row_totals": {"nope": 1}}, "ikke finnes"),
    ],
)
def test_a_malformed_grid_is_refused(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        _kostra(**changes)


def test_check_plan_cli_with_a_grid_and_a_rounded_amount(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    document = {
        "name": "sandefjord",
        "title": "Sandefjord",
        "source": "seed 001",
        "checks": [
            _kostra().model_dump(mode="json"),
            {
                "kind": "product",
                "id": "tillegg",
                "label": "Tillegg",
                "stated": 14_400_000,
                "factors": SANDEFJORD_TOP_UP,
            },
        ],
    }
    path.write_text(json.dumps(document), encoding="utf-8")
    result = runner.invoke(app, ["check-plan", str(path), "--strict"])
    assert result.exit_code == 0, result.output
    assert "Avrundet" in result.output and "7 kontroller: 7 stemmer (1 av dem avrundet)" in result.output
    as_json = json.loads(runner.invoke(app, ["check-plan", str(path), "--json"]).stdout)
    assert as_json["rounded"][0]["rounded_to"] == 100_000 and as_json["findings"] == []
    document["checks"][0]["column_totals"][1] = 121452
    path.write_text(json.dumps(document), encoding="utf-8")
    assert runner.invoke(app, ["check-plan", str(path), "--strict"]).exit_code == 1
