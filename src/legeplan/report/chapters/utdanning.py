"""Utdanning: LIS1 and ALIS, doctors by role and specialisation (kompetanseforskriften)."""

from __future__ import annotations

from legeplan.register.models import PhysicianRole, SpecialistStatus
from legeplan.report.chapters.base import ChapterContext
from legeplan.report.chapters.organisering import ROLE_NAMES
from legeplan.report.document import Block, Chapter, Paragraph

ID = "utdanning"
SPECIALIST_NAMES: dict[SpecialistStatus, str] = {
    SpecialistStatus.SPECIALIST: "Spesialist",
    SpecialistStatus.IN_TRAINING: "Under spesialisering",
    SpecialistStatus.NONE: "Ikke spesialist",
}


def _status(ctx: ChapterContext) -> list[Block]:
    active = [p for p in ctx.register.physicians if p.active_at(ctx.as_of)]
    rows = [
        [
            ROLE_NAMES[role],
            *(str(sum(1 for p in active if p.role == role and p.specialist_status == s)) for s in SpecialistStatus),
        ]
        for role in PhysicianRole
    ]
    totals = [str(sum(1 for p in active if p.specialist_status == s)) for s in SpecialistStatus]
    return [
        Paragraph(
            text="Kommunen skal legge til rette for LIS1-stillinger og for at leger uten spesialitet i "
            "allmennmedisin kommer i et utdanningsløp (ALIS) innen ett år (kompetanseforskriften). Tabellen viser "
            f"legene etter rolle og spesialiseringsstatus: {ctx.facts.lis1} LIS1 og {ctx.facts.alis} ALIS."
        ),
        ctx.register_table(
            "Leger etter rolle og spesialisering",
            ["Rolle", *(SPECIALIST_NAMES[s] for s in SpecialistStatus)],
            rows,
            total_rows=[["Sum", *totals]],
        ),
    ]


def build(ctx: ChapterContext) -> Chapter:
    return ctx.assemble(ID, computed={"status": _status(ctx)})
