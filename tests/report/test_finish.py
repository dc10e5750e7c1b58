"""The finished plan: the public version names no doctor (the internal one does), words agree with numbers
(«1 fastlege»), counted things get whole-number axes, no «hvert 300,8 år» and no «0 kr–0 kr»; the Word file is A4,
nb-NO, with a real table-of-contents field, page numbers and Word's heading styles. Checked on the demo and on a
generated small municipality; the table of contents covers the chapters of the Vefsn, Sandefjord and Bodø plans."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import docx
import pytest
from docx.shared import Cm

from legeplan.actions import example_action_plan
from legeplan.capacity import AgeGroupPopulation, Projection, Scenario, example_scenario
from legeplan.legevakt import analyse_load, example_problem, round_robin_rota
from legeplan.plan import demo_text_folder, read_text_folder
from legeplan.register.demo import demo_register
from legeplan.register.models import (
    Municipality,
    Office,
    Physician,
    PhysicianRole,
    Position,
    Register,
    Sex,
    SpecialistStatus,
)
from legeplan.report import PlanInputs, build_plan, render_docx, render_html
from legeplan.report.charts import StackedBarChart, to_svg
from legeplan.report.markdown import plain_text


def _docx_text(path: Path) -> str:
    word = docx.Document(str(path))
    cells = [cell.text for table in word.tables for row in table.rows for cell in row.cells]
    return "\n".join([*(p.text for p in word.paragraphs), *cells])


def _demo_with_rota(internal: bool) -> PlanInputs:
    """The demo register with a solved rota whose doctors carry the register's own names."""
    register = demo_register()
    problem = example_problem("small")
    named = [p.name for p in register.physicians][: len(problem.doctors)]
    doctors = tuple(d.model_copy(update={"name": name}) for d, name in zip(problem.doctors, named, strict=True))
    problem = problem.model_copy(update={"doctors": doctors})
    load = analyse_load(problem, round_robin_rota(problem))
    return PlanInputs(
        register=register,
        action_plan=example_action_plan(),
        legevakt_load=load,
        text=read_text_folder(demo_text_folder()),
        internal=internal,
    )


@pytest.fixture(scope="module")
def public_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("public") / "plan.docx"
    render_docx(build_plan(_demo_with_rota(internal=False)), path)
    return path


def test_public_plan_names_no_doctor(public_docx: Path) -> None:
    register = demo_register()
    names = {p.name for p in register.physicians}
    html = render_html(build_plan(_demo_with_rota(internal=False)))
    word = _docx_text(public_docx)
    for name in names:
        assert name not in html, name
        assert name not in word, name
    assert ">Lege 1<" in html and "Lege 1" in word  # the load table is still there, anonymous


def test_internal_plan_shows_the_names() -> None:
    doc = build_plan(_demo_with_rota(internal=True))
    table = next(t for t in doc.tables() if t.caption.startswith("Vaktbelastning per lege"))
    names = {p.name for p in demo_register().physicians}
    assert {row[0] for row in table.rows} <= names
    assert "intern versjon" in doc.subtitle


def test_docx_is_a4_norwegian_with_toc_field_page_numbers_and_heading_styles(public_docx: Path) -> None:
    word = docx.Document(str(public_docx))
    section = word.sections[0]
    assert abs(section.page_width - Cm(21)) < Cm(0.01) and abs(section.page_height - Cm(29.7)) < Cm(0.01)
    assert 'w:val="nb-NO"' in word.styles.element.xml
    body = word.element.body.xml
    assert "TOC \\o" in body and 'w:fldCharType="begin"' in body
    footer = section.footer._element.xml
    assert "PAGE" in footer and "NUMPAGES" in footer
    headings = {p.text: p.style.name for p in word.paragraphs if p.style is not None}
    assert headings["1 Sammendrag"] == "Heading 1"
    assert headings["8.3 Legevaktsentral og nødnett"] == "Heading 2"
    assert word.core_properties.language == "nb-NO"


#: Chapters of the three plans in the seeds (000 Vefsn, 001 Sandefjord, 003 Bodø), by the words of their titles.
SEED_CHAPTERS = (
    "Sammendrag",  # Bodø, Vefsn del 1
    "Innledning",  # all three
    "Styringsmål",  # Vefsn 2.1
    "Planarbeidet",  # Vefsn 2.3
    "øvrige planverk",  # Vefsn 2.4
    "Lover og forskrifter",  # Vefsn 3.1, Sandefjord 1.1, Bodø 2
    "avtaleverk",  # Vefsn 3.2
    "Nasjonale føringer",  # Vefsn 3.3
    "Befolkning",  # Bodø 3
    "Pasientpopulasjonen",  # Vefsn 3.8
    "Organisering",  # Vefsn 3.7, Sandefjord 1.3, Bodø 4
    "Nøkkeltall",  # Sandefjord 1.2
    "Fastlegeordningen",  # all three
    "Legevakt",  # Vefsn 6, Sandefjord 4
    "Legevaktsentral",
    "Bakvakt",
    "Interkommunalt",
    "Sykehjem",  # Vefsn 7, Sandefjord 3.1
    "ØHD",  # Sandefjord 3.2
    "Helsestasjon",  # Sandefjord 3.5
    "vikardekning",  # Vefsn 8
    "Samfunnsmedisin",  # Vefsn 9, Bodø 7, Sandefjord 1.3.1
    "Rekruttering",
    "LIS1",  # Sandefjord 5
    "ALIS",
    "Samhandling",  # Sandefjord 6
    "Kvalitet",
    "Digitalisering",
    "Beredskap",
    "Brukerperspektivet",
    "Økonomi",
    "Konklusjoner og prioriterte tiltak",  # Bodø 8
    "budsjettet",
    "Tiltaksplan",  # Sandefjord 8
    "Status",  # Vefsn 5–10: status / utfordringer / identifiserte behov
    "Utfordringer",
    "Identifiserte behov",
)


def test_table_of_contents_covers_the_seed_plans_chapters() -> None:
    html = render_html(build_plan(_demo_with_rota(internal=False)))
    toc = html[html.index('<nav class="toc"') : html.index("</nav>")]
    missing = [title for title in SEED_CHAPTERS if title.lower() not in toc.lower()]
    assert not missing


def small_municipality() -> tuple[Register, Scenario]:
    """A generated municipality of 900 inhabitants: one hjemmel with one GP, slow growth."""
    code = "1899"
    municipality = Municipality(code=code, name="Småby", population=900, population_date=date(2024, 1, 1), centrality=6)
    register = Register(
        as_of=date(2024, 1, 1),
        municipality=municipality,
        offices=(Office(id="k", municipality_code=code, name="Småby legekontor"),),
        positions=(Position(id="H1", municipality_code=code, office_id="k", list_ceiling=1000, listed_patients=880),),
        physicians=(
            Physician(
                id="L1",
                municipality_code=code,
                name="Ola Eneste",
                birth_year=1962,
                sex=Sex.MALE,
                specialist_status=SpecialistStatus.SPECIALIST,
                role=PhysicianRole.GP,
                position_id="H1",
                start_date=date(2010, 1, 1),
            ),
        ),
    )
    projection = Projection(
        years=[AgeGroupPopulation(year=2024 + n, by_age={"0-66": 700.0 + n * 0.3, "67+": 200.0}) for n in range(5)]
    )
    scenario = Scenario(
        name="Småby", projection=projection, positions=1, average_list_length=880, as_of=date(2024, 1, 1)
    )
    return register, scenario


@pytest.fixture(scope="module")
def small_outputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    register, scenario = small_municipality()
    doc = build_plan(PlanInputs(register=register, scenario=scenario, action_plan=example_action_plan()))
    path = tmp_path_factory.mktemp("small") / "plan.docx"
    render_docx(doc, path)
    html = render_html(doc)
    return plain_text(re.sub(r"<[^>]+>", " ", html)), _docx_text(path)


def _words_agree(text: str) -> list[str]:
    return re.findall(r"(?<![\d ,])1 (?:fastleger|leger|hjemler|fastlegehjemler|kommuneleger)\b", text)


def test_small_municipality_words_and_numbers_agree(small_outputs: tuple[str, str]) -> None:
    for text in small_outputs:
        assert not _words_agree(text), _words_agree(text)
        assert "1 fastlege" in text
        assert not re.search(r"hvert \d+,\d år", text)
        assert "ingen ny hjemmel i planperioden" in text
        assert "0 kr–0 kr" not in text
        assert "Ola Eneste" not in text


def test_demo_words_and_numbers_agree(public_docx: Path) -> None:
    doc = build_plan(replace(_demo_with_rota(internal=False), scenario=example_scenario("sandefjord")))
    html = re.sub(r"<[^>]+>", " ", render_html(doc))
    for text in (html, _docx_text(public_docx)):
        assert not _words_agree(text), _words_agree(text)
        assert "0 kr–0 kr" not in text


def test_counted_things_get_whole_number_axes() -> None:
    counts = StackedBarChart(categories=["a", "b"], segments={"Leger": [1.0, 2.0]}, integer=True)
    ticks = re.findall(r">([0-9,]+)<", to_svg(counts))
    assert ticks and not [tick for tick in ticks if "," in tick]
    fractional = re.findall(r">([0-9,]+)<", to_svg(counts.model_copy(update={"integer": False})))
    assert [tick for tick in fractional if "," in tick]  # the check above can fail
    doc = build_plan(_demo_with_rota(internal=False))
    for figure in doc.figures():
        if figure.chart.y_label in ("Leger", "Hjemler", "Antall tiltak") or figure.chart.y_label.startswith(
            "Fastleger"
        ):
            assert figure.chart.integer, figure.caption
