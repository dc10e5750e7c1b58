"""The plan puts the municipality beside the county and the country from the statistics cache, each figure with its
SSB table and date; without fetched statistics it says how to fetch them; register figures stay the register's.

The cache is filled from the recorded responses (conftest's fake PxWebApi v2 and KUHR)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from legeplan.cli import app as cli_app
from legeplan.figures import Comparison
from legeplan.register.demo import demo_register
from legeplan.report.build import PlanInputs, build_plan
from legeplan.report.chapters.nokkeltall import COMPARISON_TITLE
from legeplan.report.document import Callout, PlanDocument, Table
from legeplan.report.format import REGISTER_SOURCE
from legeplan.report.render import render_html
from legeplan.statistics.figures import (
    doctor_fte_per_10000,
    plan_comparisons,
    population,
    population_growth,
)
from legeplan.statistics.kuhr import KuhrClient
from legeplan.statistics.service import fetch_statistics
from legeplan.statistics.ssb import PxWebClient
from legeplan.storage import Storage
from legeplan.storage.statistics_tables import StatisticsStore

from .conftest import KUHR_URL, SSB_URL, FakePxWeb

CAPTION = "Kommunen sammenlignet med fylket og landet"
SANDEFJORD = "3804"  # the demo register's municipality


def _fetch(store: StatisticsStore, code: str, ssb: PxWebClient, kuhr: KuhrClient, tables: tuple[str, ...] = ()) -> None:
    options = {"table_ids": tables} if tables else {}
    fetch_statistics(store, code, ssb=ssb, kuhr=kuhr, this_year=2020, **options)  # type: ignore[arg-type]


def _plan(statistics: tuple[Comparison, ...]) -> PlanDocument:
    return build_plan(PlanInputs(register=demo_register(), generated=date(2024, 3, 1), statistics=statistics))


def _comparison_table(doc: PlanDocument) -> Table | None:
    found = [table for table in doc.tables() if table.caption == CAPTION]
    return found[0] if found else None


def _row_cells(html: str, label: str) -> list[str]:
    """The cells of the comparison table's row whose first cell is `label` (the register's key-figure table has
    rows with the same names)."""
    start = html.index(CAPTION)
    html = html[start : html.index("</table>", start)]
    match = re.search(r"<tr>\s*<td[^>]*>" + re.escape(label) + r"</td>(.*?)</tr>", html, re.S)
    assert match, f"no row {label!r}"
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)]


def test_bodo_comparison_figures_from_the_recording(
    fake_ssb: FakePxWeb, store: StatisticsStore, ssb_client: PxWebClient, kuhr_client: KuhrClient
) -> None:
    """Bodø (seed 003): 11,1 legeårsverk per 10 000 in 2020; growth 1.1.2020–1.1.2024 from 07459 itself."""
    _fetch(store, "1804", ssb_client, kuhr_client)
    seed = doctor_fte_per_10000(store, "1804", year=2020)
    assert round(seed.value, 1) == 11.1
    assert seed.citation == "SSB tabell 11996 og 07459 (2020)"
    found = {c.key: c for c in plan_comparisons(store, "1804")}
    assert list(found) == ["reservekapasitet", "listelengde", "legeaarsverk_per_10000", "befolkningsvekst"]
    reserve = found["reservekapasitet"]
    assert (reserve.municipality.value, reserve.county and reserve.county.value) == (101.1, 102.2)
    assert reserve.municipality.citation == "SSB tabell 12005 (31.12.2023)"
    growth = found["befolkningsvekst"]
    first, last = population(store, "1804", year=2020).value, population(store, "1804", year=2024).value
    assert growth.municipality.value == pytest.approx((last - first) / first)
    assert growth.municipality.citation == "SSB tabell 07459 (1.1.2020–1.1.2024)"
    assert growth.country is not None and growth.country.value == pytest.approx((5_550_203 - 5_367_580) / 5_367_580)
    assert growth.county is not None and growth.county.region == "18"
    assert population_growth(store, "1804", first=2022, last=2024).data_date_text == "1.1.2022–1.1.2024"
    fte = found["legeaarsverk_per_10000"]
    assert fte.municipality.data_date_text == "2023" and fte.county is not None and fte.county.region == "EKA18"


def test_plan_html_has_the_comparison_table_with_table_and_date(
    fake_ssb: FakePxWeb, store: StatisticsStore, ssb_client: PxWebClient, kuhr_client: KuhrClient
) -> None:
    _fetch(store, SANDEFJORD, ssb_client, kuhr_client)
    doc = _plan(plan_comparisons(store, SANDEFJORD))
    chapter = next(c for c in doc.chapters if c.id == "nokkeltall")
    assert [s.title for s in chapter.sections][:2] == ["Fastlegeordningen i tall", COMPARISON_TITLE]
    table = _comparison_table(doc)
    assert table is not None
    assert "SSB tabell 12005 (31.12.2023)" in table.source and "SSB tabell 07459 (1.1.2020–1.1.2024)" in table.source
    assert table.as_of == date(2024, 1, 1)  # the newest date a figure describes
    html = render_html(doc)
    assert CAPTION in html
    # Sandefjord 31.12.2023: 1 110 on the lists; the country 1 060; the recorded 12005 has no county EKA38
    lists = _row_cells(html, "Gjennomsnittlig listelengde")
    assert [re.sub(r"\s", "", cell) for cell in lists[:3]] == ["1110", "–", "1060"]
    assert lists[3] == "SSB tabell 12005 (31.12.2023)"
    assert _row_cells(html, "Reservekapasitet på fastlegelistene (100 = fulle lister)")[0] == "101,5"
    assert _row_cells(html, "Legeårsverk per 10 000 innbyggere")[3] == "SSB tabell 11996 og 07459 (2023)"
    growth = _row_cells(html, "Befolkningsvekst 2020–2024")
    assert growth[0].endswith("%") and growth[3] == "SSB tabell 07459 (1.1.2020–1.1.2024)"


def test_without_fetched_statistics_the_plan_says_how_to_fetch_them() -> None:
    doc = _plan(())
    assert _comparison_table(doc) is None
    chapter = next(c for c in doc.chapters if c.id == "nokkeltall")
    section = next(s for s in chapter.sections if s.title == COMPARISON_TITLE)
    callout = section.blocks[0]
    assert isinstance(callout, Callout) and callout.title == "Ingen sammenligningstall er hentet"
    html = render_html(doc)
    assert f"legeplan statistics fetch -m {SANDEFJORD}" in html
    assert "SSB tabell" not in html  # nothing typed in or computed from the register is cited as SSB


def test_register_figures_are_never_attributed_to_ssb(
    fake_ssb: FakePxWeb, store: StatisticsStore, ssb_client: PxWebClient, kuhr_client: KuhrClient
) -> None:
    """Only population is fetched: the plan compares population growth and nothing else, and the register's own
    list length, free capacity and the rest keep the register as their source."""
    _fetch(store, SANDEFJORD, ssb_client, kuhr_client, tables=("07459",))
    statistics = plan_comparisons(store, SANDEFJORD)
    assert [c.key for c in statistics] == ["befolkningsvekst"]
    doc = _plan(statistics)
    table = _comparison_table(doc)
    assert table is not None and [row[0] for row in table.rows] == ["Befolkningsvekst 2020–2024"]
    assert table.source == "SSB tabell 07459 (1.1.2020–1.1.2024)"
    key_figures = next(t for t in doc.tables() if t.caption == "Nøkkeltall for fastlegeordningen")
    assert key_figures.source == REGISTER_SOURCE
    assert any(row[0] == "Gjennomsnittlig listelengde" for row in key_figures.rows)  # the register's own figure
    for other in doc.tables():
        if other is not table:
            assert "SSB" not in other.source, other.caption
    html = render_html(doc)
    assert "SSB tabell 12005" not in html and "SSB tabell 11996" not in html
    assert html.count("SSB tabell 07459") >= 2  # the row's source and the table's source line


def test_cli_report_reads_the_cache(fake_ssb: FakePxWeb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`legeplan statistics fetch -m 3804`, then `legeplan report -m 3804`: the plan has the comparison; `--demo`
    (no cache) says how to fetch it."""
    url = f"sqlite:///{tmp_path / 'plan.sqlite'}"
    monkeypatch.setenv("LEGEPLAN_DATABASE_URL", url)
    monkeypatch.setenv("LEGEPLAN_SSB_URL", SSB_URL)
    monkeypatch.setenv("LEGEPLAN_KUHR_URL", KUHR_URL)
    storage = Storage(url)
    storage.save_register(demo_register())
    storage.dispose()
    runner = CliRunner()
    before = tmp_path / "before.html"
    result = runner.invoke(cli_app, ["report", "-m", SANDEFJORD, "--out", str(before)])
    assert result.exit_code == 0, result.output
    assert "Ingen sammenligningstall er hentet" in before.read_text(encoding="utf-8")
    fetched = runner.invoke(
        cli_app, ["statistics", "fetch", "-m", SANDEFJORD, "--tables", "12005,11996,07459", "--kuhr-years", "2015-2019"]
    )
    assert fetched.exit_code == 0, fetched.output
    out = tmp_path / "plan.html"
    result = runner.invoke(cli_app, ["report", "-m", SANDEFJORD, "--out", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert CAPTION in html and "SSB tabell 12005 (31.12.2023)" in html
    assert "Ingen sammenligningstall er hentet" not in html


def test_one_sourced_type_for_register_and_statistics() -> None:
    """`legeplan.statistics.provenance.Sourced` is `legeplan.figures.Sourced`: a register figure has no SSB citation,
    a statistics figure cites its table and date, and `with_value` keeps the source."""
    from legeplan import figures
    from legeplan.statistics import provenance

    assert provenance.Sourced is figures.Sourced and provenance.SourceKind is figures.SourceKind
    register = demo_register()
    hjemler = figures.hjemler(register)
    assert hjemler.citation == figures.register_reference(register) and "SSB" not in hjemler.citation
    assert hjemler.as_dict()["source"] == "register" and hjemler.data_date == register.as_of
    published = figures.Sourced[float](
        value=53_712.0, source=figures.SourceKind.STATISTICS, reference="SSB tabell 07459", data_date_text="1.1.2024"
    )
    rounded = published.with_value(round(published.value))
    assert rounded.value == 53_712 and rounded.citation == "SSB tabell 07459 (1.1.2024)"
