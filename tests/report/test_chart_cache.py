"""Charts are drawn once per data version: a data change is a new chart, the same data is never drawn twice, the disk
level survives the process, and a cached chart is exactly the drawn one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from legeplan.report import chart_cache, charts
from legeplan.report.charts import BarChart, LineChart, Series


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[list[str]]:
    """Counts real drawings (titles of the charts matplotlib draws), with an empty cache on a fresh disk folder."""
    monkeypatch.setenv("LEGEPLAN_CACHE_DIR", str(tmp_path))
    calls: list[str] = []
    real = charts._draw

    def counting(spec: charts.BarChart | charts.LineChart | charts.AgePyramid | charts.StackedBarChart) -> object:
        calls.append(spec.title)
        return real(spec)

    monkeypatch.setattr(charts, "_draw", counting)
    chart_cache.CHARTS.clear()
    yield calls
    chart_cache.CHARTS.clear()


def _bar(values: list[float]) -> BarChart:
    return BarChart(title="Listelengde", categories=["H01", "H02", "H03"], values=values, reference_line=1143)


def test_same_data_is_drawn_once_for_each_format(drawn: list[str]) -> None:
    first = charts.to_svg(_bar([1180, 1100, 950]))
    again = charts.to_svg(_bar([1180, 1100, 950]))
    assert first == again
    assert drawn == ["Listelengde"]
    png = charts.to_png(_bar([1180, 1100, 950]))
    assert png.startswith(b"\x89PNG") and charts.to_png(_bar([1180, 1100, 950])) == png
    assert len(drawn) == 2  # one SVG, one PNG
    assert chart_cache.CHARTS.hits == 2 and chart_cache.CHARTS.misses == 2


def test_a_data_change_gives_a_new_chart(drawn: list[str]) -> None:
    before = charts.to_svg(_bar([1180, 1100, 950]))
    after = charts.to_svg(_bar([1180, 1100, 951]))  # one list one patient longer
    assert after != before
    assert len(drawn) == 2
    # A label change (not a value) is a new chart as well.
    renamed = charts.to_svg(_bar([1180, 1100, 950]).model_copy(update={"y_label": "Pasienter"}))
    assert renamed not in (before, after)
    assert len(drawn) == 3


def test_cached_chart_is_exactly_the_drawn_one(drawn: list[str]) -> None:
    spec = LineChart(
        title="Hjemler",
        x=[2024, 2025, 2026],
        series=[Series(name="Median", values=[54, 55, 57], lower=[53, 53, 54], upper=[55, 57, 60])],
    )
    assert charts.to_svg(spec) == charts.to_svg(spec, cached=False)
    assert charts.to_png(spec, dpi=72) == charts.to_png(spec, dpi=72, cached=False)


def test_disk_level_serves_the_next_process(drawn: list[str], tmp_path: Path) -> None:
    svg = charts.to_svg(_bar([1, 2, 3]))
    files = list((tmp_path / "charts").glob("*/*.svg"))
    assert len(files) == 1 and files[0].read_text(encoding="utf-8") == svg
    chart_cache.CHARTS.clear()  # as a new process: empty memory, same folder
    assert charts.to_svg(_bar([1, 2, 3])) == svg
    assert chart_cache.CHARTS.disk_hits == 1 and len(drawn) == 1


def test_damaged_disk_file_is_drawn_again(drawn: list[str], tmp_path: Path) -> None:
    svg = charts.to_svg(_bar([1, 2, 3]))
    (file,) = (tmp_path / "charts").glob("*/*.svg")
    file.write_text("<svg><g>", encoding="utf-8")  # truncated
    chart_cache.CHARTS.clear()
    assert charts.to_svg(_bar([1, 2, 3])) == svg
    assert len(drawn) == 2
    assert file.read_text(encoding="utf-8") == svg


def test_disk_level_can_be_turned_off(drawn: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("LEGEPLAN_CACHE_DIR", "off")
    charts.to_svg(_bar([4, 5, 6]))
    chart_cache.CHARTS.clear()
    charts.to_svg(_bar([4, 5, 6]))
    assert len(drawn) == 2
    assert not (tmp_path / "charts").exists()


def test_unwritable_folder_is_ignored(drawn: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("LEGEPLAN_CACHE_DIR", str(blocker))
    assert charts.to_svg(_bar([7, 8, 9])).startswith("<svg")


def test_key_depends_on_format_and_data() -> None:
    spec = _bar([1, 2, 3]).model_dump_json()
    key = chart_cache.ChartCache.key
    assert key(spec, "svg") != key(spec, "png-200") != key(spec, "png-100")
    assert key(spec, "svg") != key(_bar([1, 2, 4]).model_dump_json(), "svg")


def test_style_version_follows_the_drawing_code(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = _bar([1, 2, 3]).model_dump_json()
    before = chart_cache.ChartCache.key(spec, "svg")
    monkeypatch.setattr(chart_cache, "style_version", lambda: "changed colours")
    assert chart_cache.ChartCache.key(spec, "svg") != before


def test_memory_level_is_bounded() -> None:
    small = chart_cache.ChartCache(entries=2)
    for number in range(3):
        small.get_or_draw(str(number), "svg", lambda: b"<svg></svg>")
    small.get_or_draw("0", "svg", lambda: b"<svg></svg>")  # evicted: drawn again (or read from disk)
    assert small.hits == 0
