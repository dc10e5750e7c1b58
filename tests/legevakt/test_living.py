"""The living rota's engine side: who is who in an interkommunal legevakt, and a problem from several registers."""

from __future__ import annotations

from datetime import date

import pytest

from legeplan.legevakt.living import doctor_id, physician_of, problem_for_legevakt
from legeplan.legevakt.register import problem_from_register
from legeplan.register.demo import demo_register
from legeplan.register.models import Register

START, END = date(2026, 3, 2), date(2026, 3, 29)


def _twin(code: str, name: str) -> Register:
    register = demo_register()
    municipality = register.municipality.model_copy(update={"code": code, "name": name})
    return register.model_copy(update={"municipality": municipality})


def test_one_member_keeps_the_register_ids() -> None:
    bodo = demo_register()
    alone = problem_for_legevakt(["3804"], {"3804": bodo}, START, END)
    assert alone == problem_from_register(bodo, START, END)
    assert doctor_id(["3804"], "3804", "L001") == "L001"
    assert physician_of(["3804"], "L001") == ("3804", "L001")


def test_an_interkommunal_legevakt_draws_doctors_from_every_member() -> None:
    first, second = demo_register(), _twin("3805", "Nabokommune")
    one = problem_from_register(first, START, END)
    both = problem_for_legevakt(["3804", "3805"], {"3804": first, "3805": second}, START, END)
    # Both registers have an «L001»: the ids carry the municipality code so they stay apart.
    assert len(both.doctors) == 2 * len(one.doctors)
    assert both.doctors[0].id == "3804:L001" and both.doctors[len(one.doctors)].id == "3805:L001"
    assert physician_of(["3804", "3805"], "3805:L001") == ("3805", "L001")
    assert doctor_id(["3804", "3805"], "3805", "L001") == "3805:L001"
    # A member without a stored register adds no doctors; none at all is a Norwegian error naming them.
    partial = problem_for_legevakt(["3804", "9999"], {"3804": first}, START, END)
    assert len(partial.doctors) == len(one.doctors)
    with pytest.raises(ValueError, match="9999"):
        problem_for_legevakt(["9999"], {}, START, END)


def test_hours_downloads_never_carry_a_formula() -> None:
    import io

    from openpyxl import load_workbook

    from legeplan.legevakt.hours import MonthHours, hours_csv, hours_xlsx

    row = MonthHours(
        doctor="x1",
        name='=HYPERLINK("http://example.invalid","Kari")',
        month="2026-04",
        shifts=2,
        total=16.5,
        dag=0.0,
        kveld=7.5,
        natt=9.0,
        helg=0.0,
        helligdag=0.0,
        bakvakt=0.0,
    )
    assert "'=HYPERLINK" in hours_csv([row])
    sheet = load_workbook(io.BytesIO(hours_xlsx([row]))).active
    assert sheet is not None
    cell = sheet["B2"]
    assert cell.data_type == "s" and str(cell.value).startswith("=HYPERLINK")
    assert sheet["E2"].value == 16.5
