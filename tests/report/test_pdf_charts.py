"""The PDF's charts (issue #15): WeasyPrint is given each chart's SVG from memory, simplified to fewer nodes, and the
picture is the same as the chart drawn from matplotlib's own SVG."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from legeplan.report.charts import AgePyramid, BarChart, LineChart, Series, StackedBarChart, to_svg
from legeplan.report.render.pdf import CHART_SCHEME, print_html, print_svg

LINE = LineChart(
    title="Ledige hjemler",
    x=[2024, 2025, 2026, 2027],
    series=[Series(name="Median", values=[2.0, 3.0, 2.5, 4.0]), Series(name="P90", values=[4.0, 5.0, 6.0, 7.0])],
    y_label="Hjemler",
)
BARS = BarChart(
    title="Listelengde", categories=[f"H{n:03d}" for n in range(1, 30)], values=[900.0 + n for n in range(29)]
)
PYRAMID = AgePyramid(title="Alder", age_groups=["<40", "40–49", "50–59", "60+"], women=[3, 5, 4, 2], men=[2, 4, 6, 1])
STACKED = StackedBarChart(
    title="Timer", categories=["2024", "2025"], segments={"Dag": [10.0, 12.0], "Natt": [4.0, 5.0]}
)


def _nodes(svg: str | bytes) -> list[ElementTree.Element]:
    return list(ElementTree.fromstring(svg).iter())


def _texts(svg: str | bytes) -> list[str]:
    return [node.text or "" for node in _nodes(svg) if node.tag.endswith("}text")]


def _kept(key: str, value: str) -> bool:
    return key != "id" and not (key == "transform" and re.fullmatch(r"rotate\(-0 \S+ \S+\)", value))


def _attributes(node: ElementTree.Element) -> tuple[tuple[str, str], ...]:
    """The node's attributes with its `style` declarations as attributes of their own (what they mean for it)."""
    pairs = {key: value for key, value in node.attrib.items() if key != "style" and _kept(key, value)}
    for declaration in node.get("style", "").split(";"):
        name, _, value = declaration.partition(":")
        if name.strip():
            pairs[name.strip()] = value.strip()
    return tuple(sorted(pairs.items()))


def _drawn(svg: str | bytes) -> list[tuple[str, tuple[tuple[str, str], ...]]]:
    """Every drawing element (path, use, text, rect …) with its attributes and style except ids and rotations by 0°,
    in document order."""
    skip = ("}g", "}svg", "}metadata", "}title", "}defs", "}style")
    return [
        (node.tag, _attributes(node))
        for node in _nodes(svg)
        if node.tag.startswith("{http://www.w3.org/2000/svg}") and not node.tag.endswith(skip)
    ]


@pytest.mark.parametrize("spec", [LINE, BARS, PYRAMID, STACKED], ids=["line", "bars", "pyramid", "stacked"])
def test_print_svg_keeps_every_drawn_element_with_fewer_nodes(
    spec: LineChart | BarChart | AgePyramid | StackedBarChart,
) -> None:
    svg = to_svg(spec)
    simple = print_svg(svg)
    assert len(_nodes(simple)) < 0.6 * len(_nodes(svg))
    assert _texts(simple) == [text for text in _texts(svg) if text]  # every label, in order (the title is gone)
    assert _drawn(simple) == _drawn(svg)
    # Every reference (markers used by <use>, clip paths) still finds its target.
    ids = {node.get("id") for node in _nodes(simple)} - {None}
    assert set(re.findall(r'(?:href="#|url\(#)([^")]+)', simple.decode())) <= ids
    assert b"<metadata" not in simple and b"<title" not in simple
    assert b"rotate(-0 " not in simple and simple.count(b"rotate(-90 ") == svg.count("rotate(-90 ")
    # No style left for WeasyPrint to parse: matplotlib's universal rule is the root's attributes.
    assert b"style" not in simple
    root = ElementTree.fromstring(simple)
    assert (root.get("stroke-linejoin"), root.get("stroke-linecap")) == ("round", "butt")


@pytest.mark.parametrize(
    "sheet",
    [
        "rect { fill: red }",
        "* { opacity: 0.5 }",
        "* { fill: red !important }",
        "* { fill: red } rect { fill: blue }",
        "* { stroke: red }",
    ],
)
def test_styles_stay_styles_where_attributes_would_mean_something_else(sheet: str) -> None:
    """A stylesheet rule beats a presentation attribute and what a group passes down: with any rule but a universal
    one of inherited properties, or with a group that sets one of the rule's properties (the rule, not the group,
    decides its children's value), the styles are kept as they are."""
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><defs><style>{sheet}</style></defs>'
        '<g style="stroke: green"><rect width="5" height="5" style="fill: green"/></g></svg>'
    )
    simple = print_svg(svg).decode()
    assert 'style="fill: green"' in simple and sheet in simple


def test_groups_that_carry_a_style_or_clip_are_kept() -> None:
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">'
        '<defs><clipPath id="p1"><rect x="0" y="0" width="5" height="5"/></clipPath></defs>'
        '<g id="a"><g id="b" clip-path="url(#p1)"><path id="c" d="M 0 0 L 9 9"/></g>'
        '<g id="d" style="opacity: 0.5"><text x="1" y="1">H1</text></g></g></svg>'
    )
    simple = print_svg(svg).decode()
    assert 'clip-path="url(#p1)"' in simple and 'id="p1"' in simple
    assert 'opacity="0.5"' in simple and "style" not in simple
    assert 'id="a"' not in simple and 'id="c"' not in simple
    root = ElementTree.fromstring(simple)
    assert [child.tag.rpartition("}")[2] for child in root] == ["defs", "g", "g"]


def test_print_html_serves_each_chart_once_from_memory() -> None:
    from legeplan.actions import example_action_plan
    from legeplan.register.demo import demo_register
    from legeplan.report.build import PlanInputs, build_plan

    doc = build_plan(PlanInputs(register=demo_register(), action_plan=example_action_plan()))
    html, images = print_html(doc)
    assert len(images) == len(doc.figures()) >= 3
    assert "data:image" not in html
    sources = re.findall(r'<img class="chart" alt="[^"]+" src="([^"]+)">', html)
    assert sources == list(images) and all(source.startswith(f"{CHART_SCHEME}:") for source in sources)
    assert all(data.startswith(b"<svg") for data in images.values())


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize(
    "spec",
    [LINE, BARS, PYRAMID, STACKED],
    ids=["line", "bars", "pyramid", "stacked"],
)
def test_the_simplified_chart_is_the_same_picture(
    spec: LineChart | BarChart | AgePyramid | StackedBarChart, tmp_path: Path
) -> None:
    """Both SVGs through WeasyPrint, rasterised: the same pixels."""
    from weasyprint import HTML

    from legeplan.report.render.pdf import _fetcher

    for name, data in (("matplotlib", to_svg(spec).encode()), ("print", print_svg(to_svg(spec)))):
        url = f"{CHART_SCHEME}:1"
        page = f'<html><body style="margin:0"><img style="width:170mm" src="{url}"></body></html>'
        HTML(string=page, url_fetcher=_fetcher({url: data})).write_pdf(tmp_path / f"{name}.pdf")
        subprocess.run(
            ["pdftoppm", "-r", "100", "-png", "-singlefile", str(tmp_path / f"{name}.pdf"), str(tmp_path / name)],
            check=True,
        )
    from PIL import Image, ImageChops

    images = [Image.open(tmp_path / f"{name}.png").convert("RGB") for name in ("matplotlib", "print")]
    assert images[0].getbbox() is not None and ImageChops.difference(*images).getbbox() is None
