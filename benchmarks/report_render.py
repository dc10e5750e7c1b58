"""Plan rendering speed: the full demo plan (`legeplan report --demo`: Sandefjord demo register with 54 hjemler,
scenario, simulation, action plan and consistency checks) as HTML, PDF and Word.

Prints wall time and CPU time (time.process_time, less sensitive to other load on a shared machine) for

* the same-run baseline: each format rendered the old way, from an empty chart cache (every chart drawn with
  matplotlib for that format, as before issue #15);
* all three formats from one built document on an empty cache (`legeplan report --out a.html --out a.pdf
  --out a.docx`): HTML and PDF share each chart's SVG;
* each format again from the disk cache alone (memory emptied: the next `legeplan report` of unchanged data): this is
  the headline figure of the README (a warm disk cache; the old path is the cold one);
* the PDF from the cache by the previous path (charts as base64 data URIs of matplotlib's own SVG), for the same-run
  ratio of the PDF's changes;

and the ratios against the baseline. Run: python benchmarks/report_render.py [--profile html|pdf|docx]
(the profile, with pyinstrument from the dev extra, is of a render from the cache).
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

from matplotlib.figure import Figure

from legeplan.cli.report_cmd import DEMO_SEED, _demo_inputs
from legeplan.report import PlanDocument, build_plan, chart_cache, render_docx, render_html, render_pdf
from legeplan.report.inputs import simulate_from_register
from legeplan.report.render.pdf_parts import LAYOUT_CACHE


def baseline_chart() -> str:
    figure = Figure()
    figure.add_subplot().bar(range(54), range(54))
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg")
    return buffer.getvalue()


def timed(
    function: Callable[[], object], repeat: int = 1, before: Callable[[], None] | None = None
) -> tuple[float, float]:
    """Median wall and CPU seconds over `repeat` runs; `before` runs untimed before each."""
    walls, cpus = [], []
    for _ in range(repeat):
        if before is not None:
            before()
        wall, cpu = time.perf_counter(), _cpu()
        function()
        walls.append(time.perf_counter() - wall)
        cpus.append(_cpu() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the PDF's second process is one)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--profile", choices=("html", "pdf", "docx"), help="pyinstrument profile of a cached render")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="legeplan-bench-"))
    os.environ["LEGEPLAN_CACHE_DIR"] = str(scratch / "cache")  # never the user's cache

    inputs = _demo_inputs(date(2021, 1, 1))
    # As `legeplan report --demo` does: the vacancy simulation from the register (1 000 runs, 10 years).
    simulation = simulate_from_register(
        inputs.register, inputs.scenario, inputs.economics, runs=1000, years=10, seed=DEMO_SEED
    )
    inputs = replace(inputs, simulation=simulation)
    baseline_chart()  # warm up matplotlib's font cache
    bare = timed(baseline_chart, 5)
    doc = build_plan(inputs)
    build = timed(lambda: build_plan(inputs), 3)
    # WeasyPrint's import and its hyphenation dictionary are loaded once per process: not part of any row.
    render_pdf(doc, scratch / "warmup.pdf")

    def forget_layouts() -> None:
        chart_cache.CHARTS.clear()
        LAYOUT_CACHE.clear()
        for path in (scratch / "cache").glob("pdf-parts/*"):
            path.unlink()

    def empty_cache() -> None:
        forget_layouts()
        for path in (scratch / "cache").glob("charts/*/*"):
            path.unlink()

    renders: dict[str, Callable[[PlanDocument], object]] = {
        "html": render_html,
        "pdf": lambda d: render_pdf(d, scratch / "plan.pdf"),
        "docx": lambda d: render_docx(d, scratch / "plan.docx"),
    }
    if args.profile:
        from pyinstrument import Profiler

        for render in renders.values():  # fill the cache
            render(doc)
        chart_cache.CHARTS.clear()
        profiler = Profiler(interval=0.002)
        with profiler:
            renders[args.profile](doc)
        print(profiler.output_text(color=False, unicode=False))
        # The tree hides library frames; the flat list names WeasyPrint's own costs (self time, top 25).
        flat = profiler.output_text(color=False, unicode=False, flat=True, time="percent_of_total")
        print("\n".join(flat.splitlines()[:32]))
        return

    def once(name: str) -> Callable[[], object]:
        return lambda: renders[name](doc)

    def previous_pdf() -> None:
        """The PDF as before the in-memory fetcher and the simplified SVG: charts as data URIs of matplotlib's SVG."""
        from weasyprint import HTML

        HTML(string=render_html(doc, inline_svg=False), base_url=str(scratch)).render().write_pdf(scratch / "p.pdf")

    def one_process() -> None:
        os.environ["LEGEPLAN_PDF_PARALLEL"] = "0"
        try:
            render_pdf(doc, scratch / "plan.pdf")
        finally:
            del os.environ["LEGEPLAN_PDF_PARALLEL"]

    def edited_chapter() -> Callable[[], object]:
        """The plan with chapter 8's title changed: that chapter and the contents are laid out again."""
        chapter = doc.chapters[7]
        edited = doc.model_copy(
            update={
                "chapters": [
                    *doc.chapters[:7],
                    chapter.model_copy(update={"title": chapter.title + " (endret)"}),
                    *doc.chapters[8:],
                ]
            }
        )
        return lambda: render_pdf(edited, scratch / "edited.pdf")

    def old_path(name: str) -> Callable[[], object]:
        return one_process if name == "pdf" else once(name)

    old = {name: timed(old_path(name), 1, empty_cache) for name in renders}
    shared = timed(lambda: [render(doc) for render in renders.values()], 1, empty_cache)
    drawn = chart_cache.CHARTS.misses
    # The PDF's headline: a plan's first PDF (charts cached as for the other formats, no chapter laid out before).
    cached = {name: timed(once(name), 3, chart_cache.CHARTS.clear) for name in renders if name != "pdf"}
    cached["pdf"] = timed(once("pdf"), 2, forget_layouts)
    previous = timed(previous_pdf, 2, chart_cache.CHARTS.clear)
    single = timed(one_process, 2, chart_cache.CHARTS.clear)

    def only_the_plan_kept() -> None:
        forget_layouts()
        render_pdf(doc, scratch / "plan.pdf")
        chart_cache.CHARTS.clear()

    edited = timed(edited_chapter(), 1, only_the_plan_kept)
    unchanged = timed(once("pdf"), 3, chart_cache.CHARTS.clear)

    print(f"demo plan: {len(doc.chapters)} chapters, {len(doc.figures())} figures, {len(doc.tables())} tables")
    print(f"bare matplotlib SVG bar chart (reference): {bare[0] * 1000:.0f} ms wall, {bare[1] * 1000:.0f} ms CPU")
    print(f"build_plan: {build[0] * 1000:.0f} ms wall, {build[1] * 1000:.0f} ms CPU")
    print("CPU counts both processes of the PDF; the wall ratio is what a user waits, against the same baseline.")
    print(f"{'render':62s} {'wall s':>8s} {'CPU s':>8s} {'wall ratio':>11s} {'CPU ratio':>10s}")

    def row(name: str, measured: tuple[float, float], base: tuple[float, float]) -> None:
        wall, cpu = measured
        print(f"{name:62s} {wall:8.2f} {cpu:8.2f} {wall / base[0]:10.2f}x {cpu / base[1]:9.2f}x")

    for name in renders:
        row(f"{name}: old path (charts drawn{', one piece' if name == 'pdf' else ''}, baseline)", old[name], old[name])
        label = "pdf: a plan's first PDF, in parts (nothing laid out before)" if name == "pdf" else f"{name}: cached"
        row(label, cached[name], old[name])
        if name == "pdf":
            row("pdf: after one chapter's title changed (the rest kept)", edited, old[name])
            row("pdf: the unchanged plan again (every part kept)", unchanged, old[name])
            row("pdf: one piece, cached charts (LEGEPLAN_PDF_PARALLEL=0)", single, old[name])
            row("pdf: previous path (data URIs, matplotlib's SVG), cache", previous, old[name])
    old_total = (sum(w for w, _ in old.values()), sum(c for _, c in old.values()))
    row("all three, old path (sum, baseline)", old_total, old_total)
    row(f"all three, one build, empty cache ({drawn} drawn)", shared, old_total)
    cached_total = (sum(w for w, _ in cached.values()), sum(c for _, c in cached.values()))
    row("all three, one build, cached charts", cached_total, old_total)
    print(
        f"pdf in parts vs one piece, both with cached charts (wall): first PDF {cached['pdf'][0] / single[0]:.2f}x, "
        f"one chapter changed {edited[0] / single[0]:.2f}x, unchanged {unchanged[0] / single[0]:.2f}x"
    )


if __name__ == "__main__":
    main()
