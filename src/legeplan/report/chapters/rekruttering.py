"""Rekruttering og stabilisering: retirements ahead (legeplan.capacity.retirements_by_year), stability against the
region and the municipality's strategy (Vefsn vedlegg 2)."""

from __future__ import annotations

from itertools import accumulate

from legeplan.figures import gps as count_gps
from legeplan.register.keyfigures import LIST_HOLDING_ROLES
from legeplan.report.chapters.base import ChapterContext
from legeplan.report.charts import StackedBarChart
from legeplan.report.document import Block, Chapter, Figure, Paragraph
from legeplan.report.format import REGISTER_SOURCE, count

ID = "rekruttering"
RETIRED_EARLIER = "Nådd pensjonsalderen tidligere i perioden"
RETIRING_THAT_YEAR = "Når pensjonsalderen dette året"


def retirement_blocks(ctx: ChapterContext) -> list[Block]:
    """How many of today's fastleger reach the retirement age each year of the plan period, at the retirement age
    of the capacity scenario (default 70)."""
    facts = ctx.facts
    retirement_age = facts.retirement_age
    when = ctx.as_of
    gps = count_gps(ctx.register).value  # fastleger and ALIS, as every other chapter counts them
    if not gps:
        return []
    per_year = facts.retirements
    first, last = min(per_year), max(per_year)
    total = sum(per_year.values())
    if not total:
        return [
            Paragraph(
                text=f"Ingen av kommunens {count(gps, 'fastlege', 'fastleger')} når pensjonsalderen "
                f"{retirement_age} år innen {last}."
            )
        ]
    earlier = list(accumulate(per_year.values(), initial=0))[:-1]
    peak = max(per_year.values())
    peak_years = [str(year) for year, n in per_year.items() if n == peak]
    text = (
        f"Med pensjonsalder {retirement_age} år når {total} av kommunens {count(gps, 'fastlege', 'fastleger')} "
        f"pensjonsalderen i {first}–{last}, og de må erstattes i tillegg til nye hjemler"
        + (f"; flest i {' og '.join(peak_years)} ({peak})." if peak > 1 and len(peak_years) <= 2 else ".")
    )
    if any(
        p.age_at(when) > retirement_age
        for p in ctx.register.physicians
        if p.role in LIST_HOLDING_ROLES and p.active_at(when)
    ):
        text += f" Fastleger som allerede er over {retirement_age} år, er talt med i {first}."
    scenario_source = "dimensjoneringsscenarioet" if ctx.inputs.scenario is not None else "standard"
    return [
        Paragraph(text=text),
        Figure(
            caption=f"Fastleger som når pensjonsalderen ({retirement_age} år), per år og samlet, {first}–{last}",
            # Stacked on the earlier years' retirements, so each bar's height is how many of today's fastleger have
            # reached the age by then, and its top segment how many reach it that year.
            chart=StackedBarChart(
                title="Fastleger som når pensjonsalderen",
                y_label="Fastleger (samlet fra " + str(first) + ")",
                integer=True,
                categories=[str(year) for year in per_year],
                segments={
                    RETIRED_EARLIER: [float(n) for n in earlier],
                    RETIRING_THAT_YEAR: [float(n) for n in per_year.values()],
                },
            ),
            source=f"{REGISTER_SOURCE} (fødselsår); pensjonsalder {retirement_age} år ({scenario_source})",
            as_of=when,
        ),
    ]


def build(ctx: ChapterContext) -> Chapter:
    return ctx.assemble(ID, computed={"status": retirement_blocks(ctx), "utfordringer": ctx.findings_block(ID)})
