import json
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from legeplan.legevakt import (
    Assignment,
    RotaFileError,
    check_rota,
    example_problem,
    load_problem,
    read_rota,
    rota_ics,
    write_rota,
)
from legeplan.legevakt.baseline import round_robin_rota
from legeplan.legevakt.model import Role

SMALL_TOML = """
name = "Test"
start = 2026-01-05
end = 2026-01-11

[[shift_types]]
id = "natt"
name = "Natt"
start = "23:00"
end = "08:00"

[[doctors]]
id = "a"
name = "A"
age = 40
specialist = true
"""


def test_load_problem_toml_and_json_agree(tmp_path: Path) -> None:
    toml_file = tmp_path / "p.toml"
    toml_file.write_text(SMALL_TOML, encoding="utf-8")
    problem = load_problem(toml_file)
    json_file = tmp_path / "p.json"
    json_file.write_text(problem.model_dump_json(), encoding="utf-8")
    assert load_problem(json_file) == problem
    assert problem.shift_types[0].hours == 9.0


def test_bad_problem_names_file_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(SMALL_TOML.replace("age = 40", "age = 14"), encoding="utf-8")
    with pytest.raises(RotaFileError, match=r"bad\.toml: doctors\.0\.age"):
        load_problem(bad)
    reversed_period = tmp_path / "rev.toml"
    reversed_period.write_text(SMALL_TOML.replace("end = 2026-01-11", "end = 2025-12-01"), encoding="utf-8")
    with pytest.raises(RotaFileError, match="er før start"):
        load_problem(reversed_period)
    with pytest.raises(RotaFileError, match="finnes ikke"):
        load_problem(tmp_path / "missing.toml")


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_rota_round_trips_through_csv_and_xlsx(tmp_path: Path, suffix: str) -> None:
    problem = example_problem("small")
    rota = round_robin_rota(problem)
    path = tmp_path / f"rota{suffix}"
    write_rota(problem, rota, path)
    assert read_rota(path) == rota


def test_json_output_holds_the_solution(tmp_path: Path) -> None:
    problem = example_problem("small")
    rota = round_robin_rota(problem)
    path = tmp_path / "rota.json"
    write_rota(problem, rota, path)
    assert len(json.loads(path.read_text(encoding="utf-8"))["assignments"]) == len(rota)


def test_ics_has_one_event_per_duty_and_folded_lines() -> None:
    problem = example_problem("small")
    rota = round_robin_rota(problem)
    text = rota_ics(problem, rota)
    assert text.count("BEGIN:VEVENT") == len(rota)
    assert "DTSTART;TZID=Europe/Oslo:20260330T153000" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    assert text.endswith("END:VCALENDAR\r\n")


def test_hand_made_excel_rota_is_read_and_checked(tmp_path: Path) -> None:
    """A rota typed in Excel with Norwegian dates and English headers can be checked."""
    problem = example_problem("small")
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Date", "Shift", "Doctor", "Role"])
    sheet.append(["30.03.2026", "kveld", "aas", "vakt"])
    sheet.append([None, None, None, None])
    sheet.append([date(2026, 3, 30), "natt", "gran", ""])
    path = tmp_path / "hand.xlsx"
    workbook.save(path)
    rota = read_rota(path)
    assert rota == [
        Assignment(date=date(2026, 3, 30), shift_type="kveld", doctor="aas"),
        Assignment(date=date(2026, 3, 30), shift_type="natt", doctor="gran", role=Role.VAKT),
    ]
    rules = {v.rule for v in check_rota(problem, rota)}
    assert {"lis1_alene", "dekning"} <= rules


def test_bad_rota_row_is_named(tmp_path: Path) -> None:
    path = tmp_path / "rota.csv"
    path.write_text("dato;vakt;lege\n2026-03-30;kveld;aas\n31.02.2026;natt;berg\n", encoding="utf-8")
    with pytest.raises(RotaFileError, match=r"rad 3, kolonne 'dato': '31\.02\.2026'"):
        read_rota(path)
    path.write_text("dato,vakt\n2026-03-30,kveld\n", encoding="utf-8")
    with pytest.raises(RotaFileError, match="rad 1: mangler kolonnene lege"):
        read_rota(path)
    path.write_text("dato,vakt,lege\n2026-03-30,kveld,\n", encoding="utf-8")
    with pytest.raises(RotaFileError, match="rad 2: kolonnen 'lege'"):
        read_rota(path)
    path.write_text("dato,vakt,lege,rolle\n2026-03-30,kveld,aas,sjef\n", encoding="utf-8")
    with pytest.raises(RotaFileError, match="rad 2, kolonne 'rolle': 'sjef'"):
        read_rota(path)


def test_row_numbers_count_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "rota.csv"
    path.write_text("dato,vakt,lege\n2026-03-30,kveld,aas\n,,\n2026-13-01,natt,berg\n", encoding="utf-8")
    with pytest.raises(RotaFileError, match="rad 4"):
        read_rota(path)


def test_ics_defines_europe_oslo_with_cet_cest_rules(tmp_path: Path) -> None:
    """Every TZID used is defined in a VTIMEZONE whose rules give Oslo's offsets, also around the DST changes."""
    from zoneinfo import ZoneInfo

    from dateutil.tz import tzical

    problem = example_problem("small")  # 30.03.-26.04.2026: summer time began 29.03.2026
    text = rota_ics(problem, round_robin_rota(problem))
    assert text.count("BEGIN:VTIMEZONE") == 1 and "TZID:Europe/Oslo\r\n" in text
    assert text.index("END:VTIMEZONE") < text.index("BEGIN:VEVENT")
    path = tmp_path / "rota.ics"
    path.write_text(text, encoding="utf-8", newline="")
    zone = tzical(str(path)).get("Europe/Oslo")
    oslo = ZoneInfo("Europe/Oslo")
    for moment in (
        datetime(2026, 1, 15, 12),
        datetime(2026, 3, 29, 1, 30),
        datetime(2026, 3, 29, 3, 30),
        datetime(2026, 4, 1, 23),
        datetime(2026, 10, 25, 1, 30),
        datetime(2026, 10, 25, 4),
        datetime(2027, 3, 28, 12),
        datetime(2030, 12, 24, 18),
    ):
        assert zone.utcoffset(moment) == moment.replace(tzinfo=oslo).utcoffset(), moment


def test_xlsx_rota_stores_real_excel_dates_and_reads_back(tmp_path: Path) -> None:
    problem = example_problem("small")
    rota = round_robin_rota(problem)
    path = tmp_path / "rota.xlsx"
    write_rota(problem, rota, path)
    sheet = load_workbook(path).worksheets[0]
    first = list(sheet[2])
    assert first[0].is_date and first[0].value == datetime(2026, 3, 30)
    assert first[1].value == "kveld"
    assert first[2].is_date and first[2].value == datetime(2026, 3, 30, 15, 30)
    assert first[3].is_date and first[3].value == datetime(2026, 3, 30, 23)
    assert read_rota(path) == rota
