"""Regional analysis speed: table 8.3 (stability by centrality) on the generated Helse Nord set and on copies of its
agreements ×10 and ×50 (as if a region held 50 times as many fastlegeavtaler), plus the whole regional report as HTML.

Prints absolute times and ratios against the baseline measured in the same run: the same stability table on the
record set as generated (552 agreements at the end of the period). Run: python benchmarks/region_scale.py
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from legeplan.region.analysis import GroupBy, stability_table
from legeplan.region.helse_nord import PERIOD, helse_nord_dataset
from legeplan.region.models import RegionalDataset
from legeplan.region.report import build_regional_report
from legeplan.report import render_html


def timed(action: Callable[[], object], repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def scaled(dataset: RegionalDataset, factor: int) -> RegionalDataset:
    """The agreements copied `factor` times under new position and physician ids (same municipalities)."""
    copies = [
        agreement.model_copy(
            update={
                "position_id": f"{agreement.position_id}-x{copy}",
                "physician_id": None if agreement.physician_id is None else f"{agreement.physician_id}-x{copy}",
            }
        )
        for copy in range(factor)
        for agreement in dataset.agreements
    ]
    return dataset.model_copy(update={"agreements": tuple(copies)})


def main() -> None:
    start, end = PERIOD
    started = time.perf_counter()
    dataset = helse_nord_dataset()
    print(
        f"generate Helse Nord dataset (87 municipalities, {len(dataset.agreements)} agreements): "
        f"{time.perf_counter() - started:.3f} s"
    )
    baseline = timed(lambda: stability_table(dataset, start, end, GroupBy.CENTRALITY))
    print(f"baseline: table 8.3 by centrality, ×1: {baseline * 1000:.1f} ms")
    for factor in (10, 50):
        bigger = scaled(dataset, factor)
        total = stability_table(bigger, start, end).total
        seconds = timed(lambda bigger=bigger: stability_table(bigger, start, end, GroupBy.CENTRALITY))
        print(
            f"table 8.3 ×{factor} ({total.agreements_at_end} agreements at end, {total.stable} stable): "
            f"{seconds * 1000:.1f} ms = {seconds / baseline:.1f} × baseline"
        )
    report = timed(lambda: render_html(build_regional_report(dataset, start, end, source="benchmark")), repeats=1)
    print(f"regional report as HTML (all tables and charts): {report:.2f} s = {report / baseline:.0f} × baseline")


if __name__ == "__main__":
    main()
