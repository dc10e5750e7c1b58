"""Helsestasjon og skolehelsetjeneste: doctor hours in health stations and school health (legeplan.duties)."""

from __future__ import annotations

from legeplan.report.chapters.base import ChapterContext
from legeplan.report.chapters.institusjon import HEALTH_STATION_KINDS, units_table
from legeplan.report.document import Block, Chapter

ID = "helsestasjon"


def build(ctx: ChapterContext) -> Chapter:
    units = tuple(unit for unit in ctx.register.institutions if unit.kind in HEALTH_STATION_KINDS)
    status: list[Block] = (
        units_table(ctx.register, units, "Legetimer i helsestasjon og skolehelsetjeneste") if units else []
    )
    return ctx.assemble(ID, computed={"status": status})
