"""Fravær og vikardekning: hjemler without a permanent GP, locum cost (legeplan.economics) and the simulated
vacancies and locum cost ahead (legeplan.capacity), starting from the register's own state."""

from __future__ import annotations

from datetime import date

from legeplan.capacity import SimulationResult
from legeplan.economics import EconomicsAssumptions
from legeplan.register.models import PositionStatus
from legeplan.report.chapters.base import ChapterContext
from legeplan.report.chapters.fastlegeordningen import OPERATING_MODEL_NAMES, STATUS_NAMES
from legeplan.report.charts import LineChart, Series
from legeplan.report.document import Block, Chapter, Figure, Paragraph, Table
from legeplan.report.format import REGISTER_SOURCE, money, money_range, number, percent

ID = "vikardekning"


def simulation_blocks(
    simulation: SimulationResult, source: str, as_of: date, start: tuple[int, float, float] | None = None
) -> list[Block]:
    """Percentile bands of vacant positions and locum cost (legeplan.capacity.simulate_workforce). `start` is the
    observed (year, vacant hjemler, locum cost) on the register date, drawn as the first point of each curve, so the
    figures begin where the register's tables are."""
    bands = simulation.bands
    percentiles = sorted(simulation.percentiles)
    if not bands or len(percentiles) < 3:
        return []
    low, mid, high = percentiles[0], percentiles[len(percentiles) // 2], percentiles[-1]
    years = [float(band.year) for band in bands]
    if start is not None:
        years.insert(0, float(start[0]))
    band_label = f"P{low}–P{high}"
    runs = simulation.runs
    full_source = f"{source}; simulert med {number(runs)} kjøringer"

    def values(field: str, level: int, scale: float) -> list[float]:
        simulated = [(band.vacant if field == "vacant" else band.locum_cost_nok)[level] / scale for band in bands]
        if start is None:
            return simulated
        return [(start[1] if field == "vacant" else start[2]) / scale, *simulated]

    def series(field: str, scale: float = 1.0) -> Series:
        return Series(
            name=f"Median (P{mid})",
            values=values(field, mid, scale),
            lower=values(field, low, scale),
            upper=values(field, high, scale),
            band_label=band_label,
        )

    total = simulation.total_locum_cost_nok
    text = (
        f"Simuleringen trekker tilfeldig avgang, pensjonering og rekrutteringstid {number(runs)} ganger, med "
        f"{percent(simulation.turnover_rate)} avgang per år. "
    )
    if start is not None:
        text += (
            f"Den starter fra registeret per {as_of.strftime('%d.%m.%Y')} ({number(start[1])} ledige hjemler) "
            f"og simulerer {years[1]:.0f}–{years[-1]:.0f}. "
        )
    text += f"Båndet viser {band_label}: i {high - low} % av kjøringene ligger antallet ledige hjemler innenfor båndet."
    if mid in total and total.get(high, 0.0) > 0:
        text += (
            f" Samlet vikarkostnad over perioden er {money(total[mid])} i median "
            f"({money_range(total[low], total[high])})."
        )
    elif mid in total:
        text += " Simuleringen gir ingen vikarkostnad i perioden."
    return [
        Paragraph(text=text),
        Figure(
            caption="Ledige hjemler framover (simulering)",
            chart=LineChart(
                title="Ledige fastlegehjemler",
                y_label="Ledige hjemler",
                x=years,
                series=[series("vacant")],
                integer=True,
            ),
            source=full_source,
            as_of=as_of,
        ),
        Figure(
            caption="Vikarkostnad framover (simulering)",
            chart=LineChart(
                title="Vikarkostnad per år",
                y_label="Millioner kroner",
                x=years,
                series=[series("locum_cost_nok", 1_000_000)],
            ),
            source=full_source,
            as_of=as_of,
        ),
    ]


def _status(ctx: ChapterContext) -> list[Block]:
    register = ctx.register
    not_filled = [p for p in register.positions if p.status != PositionStatus.FILLED]
    blocks: list[Block] = [
        Paragraph(
            text="Fravær og ledige hjemler dekkes av vikarer. Ledige hjemler og langvarig vikardrift svekker "
            "kontinuiteten for pasientene og er kostbart for kommunen."
        )
    ]
    if not_filled:
        blocks.append(
            ctx.register_table(
                "Hjemler som ikke er besatt av fast lege",
                ["Hjemmel", "Status", "Listetak", "Listeførte", "Driftsform"],
                [
                    [
                        p.id,
                        STATUS_NAMES[p.status],
                        number(p.list_ceiling),
                        number(p.listed_patients),
                        OPERATING_MODEL_NAMES[p.operating_model],
                    ]
                    for p in not_filled
                ],
                numeric=[False, False, True, True, False],
            )
        )
    else:
        blocks.append(Paragraph(text="Alle hjemler er besatt av fast lege på datagrunnlagets dato."))
    locum = ctx.facts.locum
    assumptions_source = (ctx.inputs.economics or EconomicsAssumptions()).source
    blocks.append(
        Table(
            caption="Kostnad ved vikardrift i ledige hjemler",
            columns=["", "Verdi"],
            rows=[
                ["Ledige eller vikarbetjente hjemler", number(locum.vacant_positions)],
                ["Merkostnad per hjemmel per år", money(locum.cost_per_position)],
                ["Merkostnad per år", money(locum.total)],
            ],
            note=locum.explanation,
            source=f"{REGISTER_SOURCE}; {assumptions_source}",
            as_of=register.as_of,
        )
    )
    simulation = ctx.inputs.simulation
    if simulation is not None:
        scenario = ctx.inputs.scenario
        source = REGISTER_SOURCE + (f"; nye hjemler etter {scenario.source}" if scenario is not None else "")
        start = None
        if simulation.start_year == register.as_of.year + 1:
            # The simulation starts after the register date: its first point is the register's own state.
            start = (register.as_of.year, float(locum.vacant_positions), float(locum.total))
        blocks.extend(simulation_blocks(simulation, source, register.as_of, start))
    return blocks


def build(ctx: ChapterContext) -> Chapter:
    return ctx.assemble(ID, computed={"status": _status(ctx), "utfordringer": ctx.findings_block(ID)})
