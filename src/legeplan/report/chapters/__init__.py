"""One module per chapter of the municipal plan; each holds its data calls and its layout and returns a `Chapter`.

`CHAPTER_BUILDERS` lists them in the order of legeplan.plan.outline.OUTLINE (the union of the Vefsn, Sandefjord
and Bodø plans' chapters)."""

from __future__ import annotations

from collections.abc import Callable

from legeplan.report.chapters import (
    befolkning,
    beredskap,
    brukerperspektiv,
    digitalisering,
    fastlegeordningen,
    helsestasjon,
    innledning,
    institusjon,
    kvalitet,
    legevakt,
    nokkeltall,
    okonomi,
    organisering,
    rammer,
    rekruttering,
    samfunnsmedisin,
    samhandling,
    sammendrag,
    tiltak,
    utdanning,
    vikardekning,
)
from legeplan.report.chapters.base import ChapterContext
from legeplan.report.document import Chapter

ChapterBuilder = Callable[[ChapterContext], Chapter]

CHAPTER_BUILDERS: dict[str, ChapterBuilder] = {
    sammendrag.ID: sammendrag.build,
    innledning.ID: innledning.build,
    rammer.ID: rammer.build,
    befolkning.ID: befolkning.build,
    organisering.ID: organisering.build,
    nokkeltall.ID: nokkeltall.build,
    fastlegeordningen.ID: fastlegeordningen.build,
    legevakt.ID: legevakt.build,
    institusjon.ID: institusjon.build,
    helsestasjon.ID: helsestasjon.build,
    vikardekning.ID: vikardekning.build,
    samfunnsmedisin.ID: samfunnsmedisin.build,
    rekruttering.ID: rekruttering.build,
    utdanning.ID: utdanning.build,
    samhandling.ID: samhandling.build,
    kvalitet.ID: kvalitet.build,
    digitalisering.ID: digitalisering.build,
    beredskap.ID: beredskap.build,
    brukerperspektiv.ID: brukerperspektiv.build,
    okonomi.ID: okonomi.build,
    tiltak.ID: tiltak.build,
}

__all__ = ["CHAPTER_BUILDERS", "ChapterBuilder", "ChapterContext"]
