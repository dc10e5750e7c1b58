"""Samfunnsmedisin og kommuneoverlege (Bodø 7, Vefsn 9): the municipality's doctors without a list and its text."""

from __future__ import annotations

from legeplan.register.models import PhysicianRole
from legeplan.report.chapters.base import ChapterContext
from legeplan.report.document import Block, Chapter, Paragraph
from legeplan.report.format import count

ID = "samfunnsmedisin"


def build(ctx: ChapterContext) -> Chapter:
    municipal = sum(1 for p in ctx.register.physicians if p.active_at(ctx.as_of) and p.role is PhysicianRole.MUNICIPAL)
    status: list[Block] = []
    if municipal:
        status.append(
            Paragraph(
                text=f"Registeret har {count(municipal, 'kommunelege', 'kommuneleger')} uten liste "
                "(kommuneoverlege, sykehjemsleger og andre kommunale legestillinger)."
            )
        )
    return ctx.assemble(ID, computed={"status": status})
