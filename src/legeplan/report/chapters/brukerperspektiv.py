"""Brukerperspektivet: the municipality's text under status, utfordringer, behov and mål.

The register holds no figures for this chapter; an empty section says what the municipality has not written yet."""

from __future__ import annotations

from legeplan.report.chapters.base import ChapterContext
from legeplan.report.document import Chapter

ID = "brukerperspektiv"


def build(ctx: ChapterContext) -> Chapter:
    return ctx.assemble(ID)
