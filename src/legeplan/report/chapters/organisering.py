"""Organisering og administrasjon: offices and the municipality's doctors by role (Bodø 4, Vefsn 3.7). Aggregated:
the public plan names no doctor."""

from __future__ import annotations

from legeplan.register.models import PhysicianRole
from legeplan.report.chapters.base import ChapterContext
from legeplan.report.document import Block, Chapter

ID = "organisering"

ROLE_NAMES: dict[PhysicianRole, str] = {
    PhysicianRole.GP: "Fastleger",
    PhysicianRole.ALIS: "ALIS (allmennlege i spesialisering)",
    PhysicianRole.LIS1: "LIS1",
    PhysicianRole.MUNICIPAL: "Kommuneleger uten liste",
    PhysicianRole.LOCUM: "Vikarer",
}


def _offices(ctx: ChapterContext) -> list[Block]:
    register = ctx.register
    active = [p for p in register.physicians if p.active_at(ctx.as_of)]
    position_office = {position.id: position.office_id for position in register.positions}
    rows = []
    for office in register.offices:
        positions = [p for p in register.positions if p.office_id == office.id]
        doctors = [p for p in active if p.position_id and position_office.get(p.position_id) == office.id]
        rows.append([office.name, str(len(positions)), str(len(doctors))])
    blocks: list[Block] = []
    if rows:
        blocks.append(
            ctx.register_table(
                "Legekontor med hjemler og leger",
                ["Legekontor", "Hjemler", "Leger med hjemmel"],
                rows,
                total_rows=[["Sum", str(sum(int(r[1]) for r in rows)), str(sum(int(r[2]) for r in rows))]],
            )
        )
    role_rows = [[name, str(sum(1 for p in active if p.role is role))] for role, name in ROLE_NAMES.items()]
    blocks.append(
        ctx.register_table(
            "Leger i kommunen etter rolle",
            ["Rolle", "Leger"],
            [row for row in role_rows if row[1] != "0"] or role_rows[:1],
            total_rows=[["Sum", str(len(active))]],
        )
    )
    return blocks


def build(ctx: ChapterContext) -> Chapter:
    return ctx.assemble(ID, computed={"organisering": _offices(ctx)})
