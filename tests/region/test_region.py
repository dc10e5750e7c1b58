"""The regional analyses reproduce Helse Nord's published tables (seed 004) from generated records."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from typer.testing import CliRunner

from legeplan.cli import app
from legeplan.region.analysis import (
    GroupBy,
    chronic_shortage,
    competence_table,
    mobility_table,
    operating_model_distribution,
    stability_table,
    vacancy_table,
)
from legeplan.region.helse_nord import HOSPITAL_MUNICIPALITIES, PERIOD, helse_nord_dataset, with_published
from legeplan.region.models import (
    POPULATION_BANDS,
    Departure,
    LeftServiceReason,
    Place,
    RegionalDataset,
    VacancySurvey,
    band_of,
)
from legeplan.region.statistics import (
    apply_statistics,
    read_gp_lists_12005,
    read_population_07459,
    read_projection_totals_14288,
    sample_path,
)
from legeplan.register.models import OperatingModel
from legeplan.report.consistency import check_percentage, check_total


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rich wraps table cells at the runner's 80 columns; tests read whole labels."""
    from rich.console import Console

    import legeplan.cli.region_cmd as region_cmd

    monkeypatch.setattr(region_cmd, "console", Console(width=200))


@pytest.fixture(scope="module")
def dataset() -> RegionalDataset:
    return helse_nord_dataset()


def pct(value: float | None, decimals: int = 0) -> float:
    assert value is not None
    return round(value * 100, decimals)


def test_overall_stability_464_of_552_and_turnover_83_of_547(dataset: RegionalDataset) -> None:
    total = stability_table(dataset, *PERIOD).total
    assert (total.stable, total.agreements_at_end, pct(total.stability_share)) == (464, 552, 84)
    assert (total.ended, total.agreements_at_start, pct(total.turnover_share, 1)) == (83, 547, 15.2)


def test_table_8_3_by_centrality(dataset: RegionalDataset) -> None:
    rows = stability_table(dataset, *PERIOD, by=GroupBy.CENTRALITY).rows
    published = {"Nivå 3": (120, 110, 92), "Nivå 4": (136, 118, 87), "Nivå 5": (152, 123, 81), "Nivå 6": (144, 113, 78)}
    assert {r.group: (r.agreements_at_end, r.stable, pct(r.stability_share)) for r in rows} == published


def test_table_8_3_population_rows_in_the_report_do_not_add_up() -> None:
    # The report's rows by population sum to 641 agreements and 557 stable, not its own total of 552 and 464.
    agreements = {"20 000+": 187, "10-20k": 186, "5-10k": 88, "2-5k": 114, "<2000": 66}
    stable = {"20 000+": 172, "10-20k": 171, "5-10k": 70, "2-5k": 96, "<2000": 48}
    assert check_total("Tabell 8.3 avtaler etter folketall", agreements, 552) is not None
    assert check_total("Tabell 8.3 stabile etter folketall", stable, 464) is not None
    assert check_total("Tabell 8.3 avtaler etter sentralitet", [120, 136, 152, 144], 552) is None


def test_table_8_3_by_population_matches_every_row_the_total_allows(dataset: RegionalDataset) -> None:
    # The report's literal rows: four of them can hold together with the total 552/464; 10 000-19 999 (186/171)
    # cannot and is the remainder 552-187-88-114-66 = 97 agreements, 464-172-70-96-48 = 78 stable.
    table = stability_table(dataset, *PERIOD, by=GroupBy.POPULATION)
    rows = {r.group: (r.agreements_at_end, r.stable) for r in table.rows}
    assert rows == {
        "20 000 innb. eller mer": (187, 172),
        "10 000 – 19 999 innb.": (97, 78),
        "5 000 – 9 999 innb.": (88, 70),
        "2 000 – 4 999 innb.": (114, 96),
        "Under 2 000 innb.": (66, 48),
    }
    assert [pct(r.stability_share) for r in table.rows] == [92, 80, 80, 84, 73]  # printed: 92, 92, 79, 84, 73
    # and the same records still give the centrality rows and the total exactly
    centrality = stability_table(dataset, *PERIOD, by=GroupBy.CENTRALITY)
    assert [(r.agreements_at_end, r.stable) for r in centrality.rows] == [
        (120, 110),
        (136, 118),
        (152, 123),
        (144, 113),
    ]
    assert (table.total.agreements_at_end, table.total.stable, table.total.ended) == (552, 464, 83)


def test_table_8_3_shows_the_published_figure_beside_ours(dataset: RegionalDataset) -> None:
    table = with_published(dataset, stability_table(dataset, *PERIOD, by=GroupBy.POPULATION))
    assert (
        table.published["10 000 – 19 999 innb."].agreements_at_end,
        table.published["10 000 – 19 999 innb."].stable,
    ) == (
        186,
        171,
    )
    assert [r.group for r in table.rows if table.differs(r)] == ["10 000 – 19 999 innb."]
    assert table.note is not None and "641" in table.note and "97/78" in table.note
    by_centrality = with_published(dataset, stability_table(dataset, *PERIOD, by=GroupBy.CENTRALITY))
    assert by_centrality.published["Nivå 5"].agreements_at_end == 152 and by_centrality.note is None
    assert not any(by_centrality.differs(r) for r in by_centrality.rows)
    # another period, a region or imported statistics: the published figures do not describe it
    assert not with_published(dataset, stability_table(dataset, date(2018, 1, 1), PERIOD[1])).published
    nordland = dataset.restricted_to(next(r for r in dataset.regions if r.id == "fylke-nordland"))
    assert not with_published(nordland, stability_table(nordland, *PERIOD)).published
    runner = CliRunner()
    shown = runner.invoke(app, ["region", "stability", "--by", "population"])
    assert shown.exit_code == 0 and "Helse Nord" in shown.output and "186/171 (92 %) *" in shown.output
    assert "641" in shown.output


def test_report_shows_the_published_column_and_note(tmp_path: Path) -> None:
    html = tmp_path / "region.html"
    assert CliRunner().invoke(app, ["region", "report", "--out", str(html)]).exit_code == 0
    text = html.read_text(encoding="utf-8")
    assert "Helse Nord (avtaler/stabile)" in text and "186/171 (92 %) *" in text and "97/78" in text


def test_population_grouping_covers_every_agreement(dataset: RegionalDataset) -> None:
    table = stability_table(dataset, *PERIOD, by=GroupBy.POPULATION)
    assert [r.group for r in table.rows] == [band.label for band in POPULATION_BANDS]
    assert sum(r.agreements_at_end for r in table.rows) == table.total.agreements_at_end == 552
    assert sum(r.stable for r in table.rows) == 464


def test_table_10_1_vacancies_and_chronic_shortage(dataset: RegionalDataset) -> None:
    rows = vacancy_table(dataset)
    assert [r.vacant for r in rows] == [32, 43, 47]
    assert [pct(r.vacant_share, 1) for r in rows] == [5.9, 7.6, 8.0]
    assert [pct(r.least_central_share) for r in rows] == [69, 60, 45]
    # The report prints 61 % for 2017; no whole number of 43 vacancies gives 61 % (26/43 = 60.5 %).
    assert check_percentage("Tabell 10.1 minst sentrale 2017", 26, 43, 61, decimals=0) is not None
    chronic = chronic_shortage(dataset)
    assert len(chronic.at_every_date) == 5 and chronic.by_number_of_dates == {1: 21, 2: 16, 3: 5}
    big = [dataset.municipality(c) for c in chronic.at_every_date if dataset.municipality(c).population >= 20_000]
    assert len(big) == 2 and all(m.centrality == 4 for m in big)


def test_tables_9_2_and_9_3_mobility(dataset: RegionalDataset) -> None:
    size = mobility_table(dataset.departures, GroupBy.POPULATION)
    assert [(r.before, r.now) for r in size.rows] == [(10, 27), (19, 16), (14, 15), (11, 8), (16, 2), (20, 2)]
    assert (size.departures, size.still_in_health_service) == (90, 70)
    shares = [round(100 * n / 70) for n in (size.moved_up, size.moved_same, size.moved_down)]
    assert shares == [63, 31, 6]
    central = mobility_table(dataset.departures, GroupBy.CENTRALITY)
    assert [(r.group, r.before, r.now) for r in central.rows] == [
        ("1-3", 10, 34),
        ("4", 31, 23),
        ("5", 16, 11),
        ("6", 33, 2),
    ]
    assert [pct(r.before_share, 1) for r in central.rows] == [11.1, 34.4, 17.8, 36.7]
    # 64 / 33 / 3 % more / equally / less central; everyone who left a class 6 municipality moved more central
    assert (central.moved_up, central.moved_same, central.moved_down) == (45, 23, 2)
    assert all(d.now.centrality < 6 for d in dataset.departures if d.before.centrality == 6 and d.now is not None)
    assert (size.total.before, size.total.now, central.total.before, central.total.now) == (90, 70, 90, 70)
    assert size.total.group == "Alle"


def test_section_9_2_same_municipality_and_out_of_service(dataset: RegionalDataset) -> None:
    # "Bare 13 av de 90 fastlegene som sluttet ... forblir i samme kommune. Hele 9 av de 13 bor i sykehuskommuner";
    # 70 still in Norwegian health services, 10 retired, 2 long-term sick, 8 abroad.
    size = mobility_table(dataset.departures, GroupBy.POPULATION)
    assert size.same_municipality == 13 and size.left_health_service == 20
    same = [d for d in dataset.departures if d.same_municipality]
    assert sum(d.from_municipality in HOSPITAL_MUNICIPALITIES for d in same) == 9
    assert all(d.now == d.before for d in same)
    assert Counter(d.left_reason for d in dataset.departures if d.now is None) == {
        LeftServiceReason.RETIRED: 10,
        LeftServiceReason.LONG_TERM_SICK: 2,
        LeftServiceReason.ABROAD: 8,
    }
    assert [(d.group.split(" (")[0], d.count) for d in size.destinations] == [
        ("Samme kommune", 13),
        ("Annen kommune, større", 44),
        ("Annen kommune, samme størrelse", 9),
        ("Annen kommune, mindre", 4),
        ("Ikke lenger i norsk helsetjeneste", 20),
        ("Alle", 90),
    ]
    with pytest.raises(ValidationError):
        Departure(
            physician_id="x", from_municipality="1804", before=Place(population=1, centrality=3), same_municipality=True
        )
    shown = CliRunner().invoke(app, ["region", "mobility"])
    assert shown.exit_code == 0 and "Samme kommune" in shown.output and "Alle" in shown.output


def test_table_10_6_operating_models(dataset: RegionalDataset) -> None:
    first, last = operating_model_distribution(dataset)
    order = [OperatingModel.NAERINGSDRIFT, OperatingModel.SUBSIDISED_8_2, OperatingModel.FASTLONN_BONUS]
    order.append(OperatingModel.FASTLONN)
    assert (first.total, [pct(first.shares[m]) for m in order]) == (539, [36, 32, 17, 15])
    assert (last.total, [pct(last.shares[m]) for m in order]) == (572, [38, 19, 28, 15])


def test_table_10_11_competence_both_ways(dataset: RegionalDataset) -> None:
    rows, total = competence_table(dataset, GroupBy.CENTRALITY)
    assert (total.positions, total.specialists, total.in_training, total.without_lis1) == (578, 296, 219, 33)
    assert [pct(total.specialist_share), pct(total.in_training_share), pct(total.without_lis1_share)] == [51, 38, 6]
    assert [(r.positions, r.specialists, r.in_training, r.without_lis1) for r in rows] == [
        (121, 78, 28, 0),
        (153, 89, 47, 12),
        (151, 76, 73, 7),
        (153, 53, 71, 14),
    ]
    by_size, _ = competence_table(dataset, GroupBy.POPULATION)
    assert [(r.positions, r.specialists, r.in_training, r.without_lis1) for r in by_size] == [
        (204, 128, 52, 0),
        (98, 53, 38, 3),
        (91, 44, 36, 17),
        (126, 54, 58, 9),
        (59, 17, 35, 4),
    ]


def test_dataset_rejects_records_for_unknown_municipalities(dataset: RegionalDataset) -> None:
    bad = VacancySurvey(municipality_code="0000", survey_date=date(2019, 1, 1), positions=3, vacant=1)
    with pytest.raises(ValidationError, match="unknown municipality 0000"):
        RegionalDataset.model_validate({**dict(dataset), "vacancy_surveys": (*dataset.vacancy_surveys, bad)})
    with pytest.raises(ValidationError, match="exceeds positions"):
        VacancySurvey(municipality_code="1804", survey_date=date(2019, 1, 1), positions=1, vacant=2)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10), st.sampled_from([None, GroupBy.CENTRALITY, GroupBy.POPULATION]))
def test_groups_add_up_to_the_total_in_every_region(region_index: int, by: GroupBy | None) -> None:
    dataset = helse_nord_dataset()
    region = dataset.regions[region_index % len(dataset.regions)]
    part = dataset.restricted_to(region)
    table = stability_table(part, *PERIOD, by=by)
    assert sum(r.agreements_at_end for r in table.rows) == table.total.agreements_at_end
    assert sum(r.stable for r in table.rows) == table.total.stable
    assert all(0 <= (r.stability_share or 0) <= 1 for r in table.rows)


@given(st.integers(0, 200_000))
def test_every_population_has_exactly_one_band(population: int) -> None:
    assert sum(1 for band in POPULATION_BANDS if band.contains(population)) == 1
    assert band_of(population).contains(population)


def test_ssb_12005_and_07459_samples() -> None:
    stats = {(s.municipality_code, s.year): s for s in read_gp_lists_12005(sample_path("12005"))}
    sandefjord = stats[("3804", 2020)]
    assert (sandefjord.lists, sandefjord.average_list_length, sandefjord.reserve_capacity_percent) == (54, 1143, 1.6)
    population = read_population_07459(sample_path("07459"))
    assert population[("1804", 2021)] == 52_803


def test_ssb_reader_names_a_wrong_table(tmp_path: Path) -> None:
    from legeplan.capacity.ssb import JsonStatError

    wrong = json.loads(sample_path("07459").read_text(encoding="utf-8"))
    path = tmp_path / "wrong.json"
    path.write_text(json.dumps(wrong), encoding="utf-8")
    with pytest.raises(JsonStatError, match="12005"):
        read_gp_lists_12005(path)


def test_cli_region_commands(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["region", "stability", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["total"]["stable"] == 464
    by = runner.invoke(app, ["region", "stability", "--by", "population"])
    assert by.exit_code == 0 and "Under 2 000" in by.output
    for command in (["vacancies"], ["mobility", "--by", "centrality"], ["operating-models"], ["competence"], ["list"]):
        outcome = runner.invoke(app, ["region", *command])
        assert outcome.exit_code == 0, (command, outcome.output)
    unknown = runner.invoke(app, ["region", "stability", "--region", "nowhere"])
    assert unknown.exit_code != 0 and "ukjent region" in unknown.output
    html = tmp_path / "region.html"
    assert runner.invoke(app, ["region", "report", "--out", str(html)]).exit_code == 0
    text = html.read_text(encoding="utf-8")
    assert "Stabilitet og turnover" in text and "464" in text and "<svg" in text
    stats = runner.invoke(app, ["region", "statistics", str(sample_path("12005")), "--json"])
    assert stats.exit_code == 0 and '"average_list_length": 1143.0' in stats.stdout


PROJECTION_14288 = Path(__file__).parents[2] / "src" / "legeplan" / "capacity" / "data" / "ssb_14288_bodo.json"


def test_statistics_reads_14288_and_names_unknown_tables(tmp_path: Path) -> None:
    assert read_projection_totals_14288(PROJECTION_14288)[("1804", 2025)] == 53_289
    runner = CliRunner()
    shown = runner.invoke(app, ["region", "statistics", str(PROJECTION_14288), "--json"])
    assert shown.exit_code == 0, shown.output
    assert {"municipality_code": "1804", "year": 2025, "population": 53289} in json.loads(shown.stdout)
    other = json.loads(sample_path("07459").read_text(encoding="utf-8"))
    other["extension"]["px"]["tableid"] = "04231"
    path = tmp_path / "other.json"
    path.write_text(json.dumps(other), encoding="utf-8")
    refused = runner.invoke(app, ["region", "statistics", str(path)])
    assert refused.exit_code != 0 and "04231" in refused.output and "12005" in refused.output
    assert "14288" in refused.output and "07459" in refused.output
    with_projection = runner.invoke(app, ["region", "stability", "--statistics", str(PROJECTION_14288)])
    assert with_projection.exit_code != 0 and "07459" in with_projection.output


def test_statistics_feed_the_regional_dataset(dataset: RegionalDataset, tmp_path: Path) -> None:
    applied = apply_statistics(dataset, [sample_path("07459"), sample_path("12005")])
    # 07459 for 2019 (the dataset is as of March 2019) replaces Bodø's, Vefsn's and Tromsø's populations
    assert applied.municipality("1804").population == read_population_07459(sample_path("07459"))[("1804", 2019)]
    assert set(applied.imported_population) == {"1804", "1824", "1902"}
    figures = {s.municipality_code: s for s in applied.list_statistics}
    assert set(figures) == {"1804", "1824", "1902"} and all(s.year == 2019 for s in figures.values())
    assert figures["1804"].average_list_length == 1074
    # a population that crosses a band boundary moves the agreements to the other band
    small = json.loads(sample_path("07459").read_text(encoding="utf-8"))
    small["value"] = [4_000 if i < 6 else v for i, v in enumerate(small["value"])]  # Bodø: 2 x 2 000 per year
    path = tmp_path / "ssb_07459_small.json"
    path.write_text(json.dumps(small), encoding="utf-8")
    moved = apply_statistics(dataset, [path])
    assert moved.municipality("1804").population == 8_000
    before = {r.group: r.agreements_at_end for r in stability_table(dataset, *PERIOD, by=GroupBy.POPULATION).rows}
    after = {r.group: r.agreements_at_end for r in stability_table(moved, *PERIOD, by=GroupBy.POPULATION).rows}
    bodo = sum(1 for a in dataset.agreements if a.municipality_code == "1804" and a.end_date is None)
    assert after["5 000 – 9 999 innb."] == before["5 000 – 9 999 innb."] + bodo
    assert not with_published(moved, stability_table(moved, *PERIOD, by=GroupBy.POPULATION)).published
    html = tmp_path / "region.html"
    result = CliRunner().invoke(
        app,
        [
            "region",
            "report",
            "--out",
            str(html),
            "--statistics",
            str(sample_path("07459")),
            "--statistics",
            str(sample_path("12005")),
        ],
    )
    assert result.exit_code == 0, result.output
    text = html.read_text(encoding="utf-8")
    assert "Offentlig statistikk (SSB)" in text and "Bodø (1804)" in text and "1 074" in text


def test_chronic_shortage_names_are_marked_as_generated() -> None:
    shown = CliRunner().invoke(app, ["region", "vacancies"])
    assert shown.exit_code == 0 and "generert eksempel" in shown.output


def test_the_published_12005_shape_is_read_with_reservekapasitet_as_free_share() -> None:
    """SSB's table has region dimension KOKkommuneregion0000 and KOS… codes, and gives reservekapasitet as an
    index where 100 means full lists: 101,8 is 1,8 % free places, not 101,8 %."""
    from legeplan.region.statistics import read_gp_lists_12005

    path = Path(__file__).parents[1] / "stats" / "fixtures" / "ssb_12005.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    sizes = document["size"]
    dims = [document["dimension"][name]["category"]["index"] for name in document["id"]]

    def raw(region: str, content: str, year: str) -> float:
        i, j, k = dims[0][region], dims[1][content], dims[2][year]
        return float(document["value"][(i * sizes[1] + j) * sizes[2] + k])

    read = {(s.municipality_code, s.year): s for s in read_gp_lists_12005(path)}
    vefsn = read[("1824", 2023)]
    assert vefsn.reserve_capacity_percent == pytest.approx(raw("1824", "KOSreservekapasi0000", "2023") - 100)
    assert vefsn.average_list_length == raw("1824", "KOSgjsnlisteleng0000", "2023")
    assert vefsn.lists == raw("1824", "KOSantallavtaler0001", "2023")
    assert vefsn.open_lists == raw("1824", "KOSaapnelister0000", "2023")
    assert all(s.reserve_capacity_percent is None or s.reserve_capacity_percent < 50 for s in read.values())
