"""The refusal a doctor sees (legeplan.rota_requests.refusal_text): every broken rule is named by its id; a colleague's
violation is told by rule, name and shift only, never by the checker's detail (age, exemption, absence)."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from legeplan.legevakt.model import Violation
from legeplan.legevakt.rules import RULE_TEXT
from legeplan.rota_requests import refusal_text

DOCTORS = ("moe", "aas", "berg")
NAMES = {"moe": "Anne Moe", "aas": "Per Aas", "berg": "Kari Berg"}
DETAILS = {
    "alder_60": "{name} er 62 år og har ikke valgt å ta vakt",
    "natt_55": "{name} har nattfritak",
    "fravær": "{name} er utilgjengelig",
    "hviletid": "{name}: bare 7,5 timer fri etter natt 2026-04-06, krever 8",
    "lis1_alene": "{name} uten bakvakt",
}

violation = st.builds(
    lambda rule, doctor, day: Violation(
        rule=rule,
        date=day,
        doctor=doctor,
        shift_type="kveld",
        message=f"{DETAILS[rule].format(name=NAMES[doctor])} ({RULE_TEXT[rule]})",
    ),
    st.sampled_from(sorted(DETAILS)),
    st.sampled_from(DOCTORS),
    st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31)),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(violation, min_size=1, max_size=6), st.sampled_from(DOCTORS))
def test_every_rule_named_and_colleagues_details_hidden(violations: list[Violation], viewer: str) -> None:
    shown = refusal_text(violations, viewer, NAMES)
    for v in violations:
        assert f"[regel: {v.rule}]" in shown
        if v.doctor == viewer:
            assert v.message in shown  # one's own breach in full
        else:
            assert v.message not in shown
            assert NAMES[v.doctor or ""] in shown and RULE_TEXT[v.rule] in shown
    if any(v.rule == "alder_60" and v.doctor != viewer for v in violations) and not any(
        v.rule == "alder_60" and v.doctor == viewer for v in violations
    ):
        assert "62 år" not in shown


def test_the_legevaktsjef_sees_everything() -> None:
    v = Violation(
        rule="natt_55", date=date(2026, 4, 7), doctor="aas", shift_type="natt", message="Per Aas har nattfritak"
    )
    assert refusal_text([v], None, NAMES) == "Per Aas har nattfritak [regel: natt_55]"
