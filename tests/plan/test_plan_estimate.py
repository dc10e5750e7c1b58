"""The plan page's estimate of «Mangler data» before any document is made (legeplan.plan.estimate): it must agree with
what the real plan document (legeplan.report.build) puts «Mangler tekst» in, for the demo register, a register with
no institutions and no kommuneleger, and with text written in some sections."""

from __future__ import annotations

import time

import pytest

from legeplan.jobs.handlers import missing_sections
from legeplan.plan.estimate import available, estimate_missing
from legeplan.plan.outline import OUTLINE
from legeplan.plan.text import PlanTextSource, SourceFile
from legeplan.register.demo import demo_register
from legeplan.register.models import PhysicianRole, Register
from legeplan.report.build import build_plan
from legeplan.report.inputs import PlanInputs


def _stripped() -> Register:
    register = demo_register()
    return register.model_copy(
        update={
            "institutions": (),
            "physicians": tuple(p for p in register.physicians if p.role is not PhysicianRole.MUNICIPAL),
        }
    )


FILES = {
    "helsestasjon": "<!-- veiledning -->\n## Status\nTo helsestasjoner med lege to dager i uka.\n\n## Mål\n\n",
    "sammendrag": "Innledende tekst.\n## Prioriterte tiltak\n1. Flere hjemler.\n",
    "legevakt": "## lokaler\nNye lokaler i 2027.\n## Bakvakt og kompetansekrav\n<!-- kun kommentar -->\n",
}


@pytest.mark.parametrize(
    ("register", "files"),
    [
        pytest.param(demo_register(), {}, id="demo"),
        pytest.param(_stripped(), {}, id="no-institutions-no-kommuneleger"),
        pytest.param(demo_register(), FILES, id="demo-with-text"),
    ],
)
def test_estimate_agrees_with_the_made_document(register: Register, files: dict[str, str]) -> None:
    text = PlanTextSource(folder="test", files={k: SourceFile(path=f"{k}.md", text=v) for k, v in files.items()})
    document = build_plan(PlanInputs(register=register, text=text if files else None))
    assert estimate_missing(files, available(register)) == missing_sections(document)


def test_estimate_reads_the_text_and_is_cheap() -> None:
    register = demo_register()
    started = time.perf_counter()
    data = available(register)
    bare = estimate_missing({}, data)
    elapsed = time.perf_counter() - started
    written = estimate_missing(FILES, data)
    assert "Status" in bare["helsestasjon"] and "Status" not in written["helsestasjon"]
    assert "Mål" in written["helsestasjon"]  # a heading with nothing under it is not text
    assert bare["sammendrag"] == ["Prioriterte tiltak"] and written["sammendrag"] == []
    assert "Lokaler og utstyr" not in written["legevakt"] and "Bakvakt og kompetansekrav" in written["legevakt"]
    assert elapsed < 1.0, elapsed  # milliseconds in practice; the document build is a job


def test_without_a_register_every_section_is_missing() -> None:
    estimate = estimate_missing({}, available(None))
    assert estimate == {c.id: [s.title for s in c.sections] for c in OUTLINE}
