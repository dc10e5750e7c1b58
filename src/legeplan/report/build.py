"""Builds the municipal Plan for legetjenesten (`PlanDocument`) from `PlanInputs`.

The facts every chapter shares are computed once (legeplan.report.facts); the municipality's text folder is rendered
with them (legeplan.plan.text); then each chapter module (legeplan.report.chapters) lays out its part.
"""

from __future__ import annotations

from legeplan.plan.outline import CHAPTER_IDS, OUTLINE
from legeplan.plan.text import PlanText, PlanTextSource, render_plan_text
from legeplan.report.chapters import CHAPTER_BUILDERS, ChapterContext, horing
from legeplan.report.document import PlanDocument
from legeplan.report.facts import compute_facts
from legeplan.report.format import kommune_name
from legeplan.report.inputs import PlanInputs

#: The chapters every municipal plan has, in order (ids are the HTML anchors).
CHAPTERS: tuple[tuple[str, str], ...] = tuple((chapter.id, chapter.title) for chapter in OUTLINE)

assert tuple(CHAPTER_BUILDERS) == CHAPTER_IDS, "every chapter of the outline needs its module, in the same order"


def build_plan(inputs: PlanInputs) -> PlanDocument:
    """The municipal plan with all chapters of the outline, in order."""
    facts = compute_facts(inputs)
    text = inputs.text
    if isinstance(text, PlanTextSource):
        text = render_plan_text(text, facts.variables())
    context = ChapterContext(inputs=inputs, facts=facts, text=text or PlanText(), findings=tuple(facts.findings()))
    municipality = inputs.register.municipality
    consultation = horing.build(context)
    appendix = [consultation] if consultation is not None else []
    variant = "intern versjon med legenes navn" if inputs.internal else ""
    subtitle = inputs.subtitle or f"Datagrunnlag per {inputs.register.as_of.strftime('%d.%m.%Y')}"
    return PlanDocument(
        title=inputs.title,
        subtitle=f"{subtitle} – {variant}" if variant else subtitle,
        organisation=kommune_name(municipality.name),
        organisation_code=municipality.code,
        as_of=inputs.register.as_of,
        generated=inputs.generated,
        variant="municipality",
        chapters=[builder(context) for builder in CHAPTER_BUILDERS.values()] + appendix,
    )


__all__ = ["CHAPTERS", "PlanInputs", "build_plan", "kommune_name"]
