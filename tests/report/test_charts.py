"""Chart functions: SVG out, titles kept, bad data named, PNG for Word."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from legeplan.report import charts
from legeplan.report.charts import ChartError, Series

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def test_bar_chart_is_svg_with_accessible_title() -> None:
    svg = charts.bar_chart(["Sentrum", "Hunstad"], [1143, 1000], title="Gjennomsnittlig liste", y_label="Pasienter")
    root = _parse(svg)
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title") is not None
    assert root.find(f"{SVG}title").text == "Gjennomsnittlig liste"  # type: ignore[union-attr]
    assert not svg.startswith("<?xml")


def test_line_chart_with_band_draws_band_and_projection_marker() -> None:
    plain = charts.line_chart([2022, 2025, 2028], {"Hjemler": [54, 55, 56]}, title="Behov")
    banded = charts.line_chart(
        [2022, 2025, 2028],
        [Series(name="Median", values=[54, 55, 56], lower=[53, 53, 52], upper=[55, 57, 60], band_label="P10–P90")],
        title="Behov",
        projection_from=2024,
    )
    _parse(banded)
    # the band is an extra filled polygon (PolyCollection) that the plain chart does not have
    assert banded.count("PolyCollection") > plain.count("PolyCollection")


def test_age_pyramid_and_stacked_bar_render() -> None:
    _parse(charts.age_pyramid(["40–49", "55–59"], [3, 1], [2, 4]))
    _parse(
        charts.stacked_bar_chart(["2020", "2021"], {"Næringsdrift": [50, 51], "Fastlønn": [2, 3]}, title="Driftsform")
    )


def test_two_charts_do_not_share_element_ids() -> None:
    first = charts.bar_chart(["a"], [1], title="En")
    second = charts.bar_chart(["a"], [2], title="To")
    ids = lambda svg: {element.get("id") for element in _parse(svg).iter() if element.get("id")}  # noqa: E731
    assert ids(first) and not ids(first) & ids(second)


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: charts.BarChart(title="t", categories=["a", "b"], values=[1]), "values"),
        (lambda: charts.BarChart(title="t", categories=[], values=[]), "categories"),
        (lambda: charts.LineChart(title="t", x=[1, 2], series=[Series(name="s", values=[1])]), "series[0].values"),
        (lambda: charts.LineChart(title="t", x=[1], series=[Series(name="s", values=[1], lower=[0])]), "series[0]"),
        (lambda: charts.AgePyramid(title="t", age_groups=["a"], women=[1], men=[-1]), "men"),
        (lambda: charts.StackedBarChart(title="t", categories=["a"], segments={"x": [1, 2]}), "segments['x']"),
    ],
)
def test_bad_chart_data_names_the_field(build: object, field: str) -> None:
    with pytest.raises(ValueError, match=re.escape(field)):
        build()  # type: ignore[operator]


def test_png_for_word() -> None:
    png = charts.to_png(charts.BarChart(title="t", categories=["a"], values=[1]), dpi=50)
    assert png.startswith(b"\x89PNG")


def test_norwegian_number() -> None:
    assert charts.norwegian_number(14_425_000) == "14 425 000"
    assert charts.norwegian_number(0.4, 2) == "0,40"
    assert charts.norwegian_number(1143.0) == "1 143"


@given(st.lists(st.tuples(st.integers(0, 110), st.sampled_from(["F", "M"])), max_size=80))
def test_age_groups_count_every_doctor_once(doctors: list[tuple[int, str]]) -> None:
    labels, women, men = charts.age_group_counts(doctors)
    assert len(labels) == len(women) == len(men)
    assert sum(women) == sum(1 for _age, sex in doctors if sex == "F")
    assert sum(men) == sum(1 for _age, sex in doctors if sex == "M")
    # 55 and 60 are group edges (legevakt exemption ages): nobody under 55 lands in a 55+ group
    over_55 = sum(women[4:]) + sum(men[4:])
    assert over_55 == sum(1 for age, _sex in doctors if age >= 55)


@settings(max_examples=8, deadline=None)
@given(st.lists(st.floats(0, 5000, allow_nan=False), min_size=1, max_size=12))
def test_any_non_negative_bar_data_gives_valid_svg(values: list[float]) -> None:
    categories = [f"H{number}" for number in range(len(values))]
    root = _parse(charts.bar_chart(categories, values, title="Listelengde"))
    assert root.find(f"{SVG}title") is not None


def test_chart_error_is_a_value_error() -> None:
    assert issubclass(ChartError, ValueError)


def test_long_legend_labels_wrap_onto_rows_that_fit_the_figure() -> None:
    from legeplan.report.charts import WIDTH_IN, _legend_columns

    short = ["Næringsdrift", "8.2", "Fastlønn", "Bonus"]
    long = ["Privat næringsdrift (hovedmodellen)", "Næringsdrift med 8.2-avtale", "Fastlønn med bonus", "Fast lønn"]
    assert _legend_columns(short) == 4
    columns = _legend_columns(long)
    assert 1 <= columns < 4
    assert sum(0.065 * len(label) + 0.45 for label in long[:columns]) <= WIDTH_IN
