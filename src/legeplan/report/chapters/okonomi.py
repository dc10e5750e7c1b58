"""Økonomi: the municipality's cost and the GP's income per operating model, the rates and assumptions with their
source, and a municipal top-up to the basistilskudd (legeplan.economics)."""

from __future__ import annotations

from legeplan.economics import EconomicsAssumptions, compare_operating_models, municipal_top_up
from legeplan.register.models import PositionStatus
from legeplan.report.chapters.base import ChapterContext
from legeplan.report.charts import BarChart
from legeplan.report.document import Block, Callout, Chapter, Figure, Paragraph, Table
from legeplan.report.format import count, money, number, percent

ID = "okonomi"


def _models(ctx: ChapterContext, a: EconomicsAssumptions) -> list[Block]:
    comparison = compare_operating_models(ctx.register, a)
    rows = [
        [
            row.label,
            number(row.positions_today),
            money(row.basistilskudd),
            money(row.municipal_cost),
            money(row.gp_income),
        ]
        for row in comparison.rows
    ]
    return [
        Paragraph(
            text="Tabellen viser én hjemmel med kommunens gjennomsnittlige liste "
            f"({number(comparison.listed_patients)} pasienter) i hver driftsform. "
            "Med dagens driftsformer er kommunens samlede kostnad "
            f"{money(comparison.current_municipal_cost)} per år."
        ),
        Table(
            caption="Kommunens kostnad og legens inntekt per driftsform, per hjemmel og år",
            columns=["Driftsform", "Hjemler i dag", "Basistilskudd", "Kommunens kostnad", "Legens inntekt"],
            rows=rows,
            source=comparison.source,
            as_of=comparison.as_of,
        ),
        Figure(
            caption="Kommunens kostnad per hjemmel og år etter driftsform",
            chart=BarChart(
                title="Kommunens kostnad per hjemmel",
                y_label="Tusen kroner per år",
                categories=[row.label for row in comparison.rows],
                values=[row.municipal_cost / 1000 for row in comparison.rows],
                horizontal=True,
            ),
            source=comparison.source,
            as_of=comparison.as_of,
        ),
    ]


def _assumptions(ctx: ChapterContext, a: EconomicsAssumptions) -> list[Block]:
    rates = a.basistilskudd
    filled = [p for p in ctx.register.positions if p.status is not PositionStatus.VACANT]
    top_up_per_gp = municipal_top_up(rates.knekkpunkt, share=0.5, rate=rates.rate_below_knekkpunkt)
    top_up_total = sum(
        municipal_top_up(
            p.listed_patients, share=0.5, rate=rates.rate_below_knekkpunkt, up_to_patients=rates.knekkpunkt
        )
        for p in filled
    )
    return [
        Table(
            caption="Satser og forutsetninger",
            columns=["Forutsetning", "Verdi"],
            rows=[
                [f"Basistilskudd, de første {number(rates.knekkpunkt)} pasientene", money(rates.rate_below_knekkpunkt)],
                ["Basistilskudd, pasienter over knekkpunktet", money(rates.rate_above_knekkpunkt)],
                ["Lister under dette betales som dette antallet", number(rates.floor_patients)],
                ["Egenandeler og takster per listepasient", money(a.fee_income_per_patient)],
                ["Driftskostnad per hjemmel", money(a.practice_cost_per_year)],
                ["Fastlønn", money(a.salary_per_year)],
                ["Arbeidsgiverkostnader", percent(a.employer_cost_share)],
                ["Kommunalt tilskudd i 8.2-avtale", money(a.subsidy_8_2_per_year)],
                ["Vikarkostnad per ledig hjemmel", money(a.locum_cost_per_vacancy)],
            ],
            source=a.source,
            as_of=a.as_of,
        ),
        Callout(
            title="Kommunalt tillegg til basistilskuddet",
            text="Et tillegg på 50 % av basistilskuddet for de første "
            f"{number(rates.knekkpunkt)} pasientene (Sandefjords forslag) er {money(top_up_per_gp)} "
            f"per fastlege med full liste, og {money(top_up_total)} per år for "
            f"kommunens {count(len(filled), 'besatte hjemmel', 'besatte hjemler')} med dagens lister.",
            tone="info",
        ),
    ]


def build(ctx: ChapterContext) -> Chapter:
    a = ctx.inputs.economics or EconomicsAssumptions()
    intro: list[Block] = [
        Paragraph(
            text="Kapitlet viser kommunens kostnader og legenes inntekt etter driftsform, beregnet av "
            "økonomimodulen med satsene oppgitt i tabellene."
        )
    ]
    return ctx.assemble(
        ID, default_intro=intro, computed={"driftsformer": _models(ctx, a), "forutsetninger": _assumptions(ctx, a)}
    )
