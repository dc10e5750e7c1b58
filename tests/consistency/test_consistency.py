"""Consistency checks: the real errors in the Bodø (seed 003) and Sandefjord (seed 001) plans are flagged, the
tables that add up are not, and the generic checks catch what they should."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from legeplan.report.consistency import (
    CheckSetError,
    check_average,
    check_change,
    check_percentage,
    check_ratio,
    check_total,
    example_check_set,
    example_findings,
    load_check_set,
    run_check_set,
)

BODO_ERRORS = {
    "sykehjem-plasser",  # "Totalt 338": the eleven units have 337 places
    "furumoen-per-plass",  # 7 h / 22 places = 0.318, printed 0.31
    "furumoen-arsverk",  # 7 h / 37.5 = 0.1867, printed 0.186
    "offentlig-arbeid-to-tall",  # 12.08 årsverk in one table, 8.082 in the next
    "migrasjon-timer",  # 4 h/week is 0.107 årsverk, printed 0.06
    "helsestasjon-to-tall",  # 1.19 årsverk in the summary, 1.10 in the helsestasjon table
    "nye-alis",  # ALIS row sums to 13, "Totalt" says 8
    "rekruttering-rader",  # so 2 + 12 + 8 = 22, not the 27 the column totals give
    "vekst-90",  # 336 -> 386 is 14.9 %, printed 14.8 %
}
SANDEFJORD_ERRORS = {"andebu-plasser"}  # Blåveis 14 + Tusenfryd 12 + Skogstjerna 6/9 = 41, "Tot 39"


@pytest.mark.parametrize(("name", "errors"), [("bodo", BODO_ERRORS), ("sandefjord", SANDEFJORD_ERRORS)])
def test_real_inconsistencies_flagged_and_nothing_else(name: str, errors: set[str]) -> None:
    report = run_check_set(example_check_set(name))
    assert {f.check_id for f in report.findings} == errors
    assert report.passed == report.checked - len(errors) > len(errors) // 2


def test_bodo_places_message_in_norwegian() -> None:
    finding = next(f for f in example_findings("bodo") if f.check_id == "sykehjem-plasser")
    assert finding.stated == 338 and finding.computed == 337
    assert "oppgitt sum 338" in finding.message and "summerer til 337" in finding.message
    assert str(finding) == finding.message


def test_consistent_seed_figures_pass() -> None:
    # Sandefjord: 393 places and 7.5 årsverk add up; 0.5 x 577 x 1000 = 288 500; x 50 = 14 425 000.
    sandefjord = {f.check_id for f in example_findings("sandefjord")}
    for ok in ("alle-plasser", "alle-arsverk", "basistilskudd-per-lege", "basistilskudd-totalt", "liggetid"):
        assert ok not in sandefjord
    # Bodø: 62.16 årsverk, 883 ledige listeplasser and Stadiontunet's 0.4 all add up.
    bodo = {f.check_id for f in example_findings("bodo")}
    assert not {"legearsverk-sum", "ledige-listeplasser", "stadiontunet-per-plass"} & bodo


def test_generic_total() -> None:
    assert check_total("Plasser", [56, 50, 22], 128) is None
    finding = check_total("Plasser", {"A": 56, "B": 50}, 107)
    assert finding is not None and finding.difference == 1
    # Rounded parts: -7.8 - 17.0 + 19.7 - 13.0 - 3.7 = -21.8 printed as -22.0 is within the rounding of 5 parts.
    assert check_total("KOSTRA", [-7.8, -17.0, 19.7, -13.0, -3.7], -22.0, decimals=1, part_decimals=1) is None
    assert check_total("KOSTRA", [-7.8, -17.0, 19.7, -13.0, -3.7], -22.0, decimals=1) is not None


def test_generic_percentage_change_average_ratio() -> None:
    assert check_percentage("Andel", 119484, 121542, 98.3) is None
    assert check_percentage("Andel", 119484, 121542, 97.3) is not None
    assert check_change("Vekst 67–79", 5776, 6156, 6.6) is None
    assert check_change("Vekst 90+", 336, 386, 14.8) is not None
    assert check_average("Timer per uke", 13.1, 40, 0.33, decimals=2) is None
    assert check_average("Timer per uke", 13.1, 40, 0.30, decimals=2) is not None
    assert check_ratio("Stadiontunet", 22.5, 56, 0.40) is None
    with pytest.raises(ValueError, match="denominator"):
        check_ratio("x", 1, 0, 1)


def test_load_check_set_from_file(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    checks = [
        {"kind": "total", "id": "a", "label": "Plasser", "parts": {"x": 1, "y": 2}, "stated": 4},
        {"kind": "percentage", "id": "b", "label": "Andel", "part": 1, "whole": 4, "stated": 25},
    ]
    path.write_text(json.dumps({"name": "k", "title": "K", "source": "S", "checks": checks}), encoding="utf-8")
    report = run_check_set(load_check_set(path))
    assert [f.check_id for f in report.findings] == ["a"]


def test_bad_check_set_names_check_and_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    checks = [{"kind": "total", "id": "a", "label": "Plasser", "parts": {"x": 1}, "stated": 1}, {"kind": "total"}]
    path.write_text(json.dumps({"name": "k", "title": "K", "source": "S", "checks": checks}), encoding="utf-8")
    with pytest.raises(CheckSetError, match=r"bad.json: felt «checks.nr. 2"):
        load_check_set(path)
    with pytest.raises(CheckSetError, match="ukjent eksempel"):
        example_check_set("tromso")


values = st.lists(st.integers(-(10**6), 10**6), min_size=1, max_size=12)


@given(values, st.integers(-5, 5))
def test_total_flags_exactly_when_off(parts: list[int], offset: int) -> None:
    finding = check_total("Sum", parts, sum(parts) + offset)
    assert (finding is None) == (offset == 0)


@given(st.integers(1, 10**6), st.integers(0, 10**6))
def test_percentage_rounded_to_stated_precision_passes(whole: int, part: int) -> None:
    stated = round(100 * part / whole, 1)
    assert check_percentage("Andel", part, whole, stated) is None
    assert check_percentage("Andel", part, whole, stated + 0.2) is not None
