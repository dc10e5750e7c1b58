"""Sammendrag: the main challenges (the written findings of every chapter, with number and source) and the
prioritised measures, as Bodø's plan opens."""

from __future__ import annotations

from legeplan.plan.outline import outline
from legeplan.report.chapters.base import ChapterContext, chapter_number
from legeplan.report.document import Block, BulletList, Chapter, FindingItem, Findings, Paragraph
from legeplan.report.format import count, kommune_name

ID = "sammendrag"


def build(ctx: ChapterContext) -> Chapter:
    facts = ctx.facts
    municipality = ctx.register.municipality
    key = facts.key
    default_intro: list[Block] = [
        Paragraph(
            text=f"{kommune_name(municipality.name)} har {count(key.positions, 'fastlegehjemmel', 'fastlegehjemler')} "
            f"og {count(key.gp_count, 'fastlege', 'fastleger')} for {key.population:,} innbyggere. ".replace(",", " ")
            + "Planen beskriver status, utfordringer og behov i hver del av legetjenesten og ender med prioriterte "
            "tiltak og virkningen på budsjettet."
        )
    ]
    items = [
        FindingItem(
            text=finding.text,
            source=finding.source,
            tone=finding.tone,
            reference=f"kapittel {chapter_number(finding.chapter)} {outline(finding.chapter).title}",
        )
        for finding in ctx.findings
    ]
    challenges: list[Block] = [Findings(title="Funn i tallgrunnlaget", items=items)] if items else []
    measures: list[Block] = []
    plan = ctx.inputs.action_plan
    if plan is not None and plan.goals and not ctx.has_text(ID, "prioriterte-tiltak"):
        measures.append(
            BulletList(
                items=[
                    f"{goal.text} ({count(len(plan.measures_for(goal.id)), 'tiltak', 'tiltak')}"
                    + (f"; {goal.area}" if goal.area else "")
                    + ")"
                    for goal in plan.goals
                ]
            )
        )
    if plan is not None and plan.goals:
        measures.append(
            Paragraph(
                text=f"Tiltakene står i kapittel {chapter_number('tiltak')} med ansvar, frist, kostnad og "
                "virkning på budsjettet år for år."
            )
        )
    return ctx.assemble(
        ID,
        default_intro=default_intro,
        computed={"hovedutfordringer": challenges, "prioriterte-tiltak": measures},
    )
