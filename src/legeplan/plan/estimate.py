"""An estimate, before any plan document is made, of which sections of each chapter will say «Mangler tekst».

The plan document (legeplan.report.build) puts the «Mangler tekst» callout in a section that has neither the
municipality's own text nor anything computed. Building the document is a job (simulation, charts, PDF); the plan
page wants the answer at once. So this module decides it from what the page already has, in milliseconds: the stored
text of each section, the register, and the plan's figures and written findings (legeplan.report.facts, as the
chapter preview uses). `SOURCES` says what fills each computed section; `tests/plan/test_plan_estimate.py` checks the
estimate against the real document for several registers, so a chapter that changes what it computes must change its
row here too.

It is an estimate: the page labels it so until a document has been made, and then shows the document's own list.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from legeplan.plan.outline import OUTLINE, ChapterOutline
from legeplan.plan.text import SECTION_HEADING, strip_comments
from legeplan.register.models import PhysicianRole, Register


@dataclass(frozen=True)
class Available:
    """What the plan's data can fill, from the register and the plan's figures (no report engine)."""

    register: bool
    #: Chapter ids with at least one written finding (legeplan.report.facts.PlanFacts.findings).
    findings: frozenset[str]
    health_stations: bool
    institutions: bool
    municipal_doctors: bool
    #: Legevakt doctors of 60 or more among those taking part (the legevakt chapter's «Fritaksrett» callout).
    legevakt_aged_60: bool


Rule = Callable[[Available], bool]


def _findings(chapter_id: str) -> Rule:
    return lambda a: chapter_id in a.findings


def _register(a: Available) -> bool:
    return a.register


def _never(_a: Available) -> bool:
    """Filled only by the municipality's text, or by an input the stored plan does not have (the action plan)."""
    return False


#: (chapter, section) -> what fills the computed section; a computed section not listed is filled by the register.
SOURCES: Mapping[tuple[str, str], Rule] = {
    ("sammendrag", "hovedutfordringer"): lambda a: bool(a.findings),
    ("sammendrag", "prioriterte-tiltak"): _never,
    ("fastlegeordningen", "utfordringer"): _findings("fastlegeordningen"),
    ("legevakt", "utfordringer"): lambda a: "legevakt" in a.findings or a.legevakt_aged_60,
    ("institusjon", "status"): lambda a: a.institutions,
    ("institusjon", "utfordringer"): _findings("institusjon"),
    ("helsestasjon", "status"): lambda a: a.health_stations,
    ("helsestasjon", "utfordringer"): _findings("helsestasjon"),
    ("vikardekning", "utfordringer"): _findings("vikardekning"),
    ("samfunnsmedisin", "status"): lambda a: a.municipal_doctors,
    ("samfunnsmedisin", "utfordringer"): _findings("samfunnsmedisin"),
    ("rekruttering", "utfordringer"): _findings("rekruttering"),
    ("utdanning", "utfordringer"): _findings("utdanning"),
    **{
        (chapter, key): _findings(chapter)
        for chapter in ("samhandling", "kvalitet", "digitalisering", "beredskap", "brukerperspektiv")
        for key in ("status", "utfordringer")
    },
    ("tiltak", "budsjett"): _never,
    ("tiltak", "tiltaksplan"): _never,
}


def available(register: Register | None, previous: Register | None = None) -> Available:
    """What the data can fill: nothing without a register; else from the register and the plan's figures."""
    if register is None:
        return Available(False, frozenset(), False, False, False, False)
    from legeplan.report.chapters.institusjon import HEALTH_STATION_KINDS
    from legeplan.report.facts import compute_facts
    from legeplan.report.inputs import PlanInputs

    facts = compute_facts(PlanInputs(register=register, previous_register=previous))
    active = [p for p in register.physicians if p.active_at(register.as_of)]
    lv = facts.legevakt
    return Available(
        register=True,
        findings=frozenset(finding.chapter for finding in facts.findings()),
        health_stations=any(unit.kind in HEALTH_STATION_KINDS for unit in register.institutions),
        institutions=any(unit.kind not in HEALTH_STATION_KINDS for unit in register.institutions),
        municipal_doctors=any(p.role is PhysicianRole.MUNICIPAL for p in active),
        legevakt_aged_60=bool(lv.aged_60 and lv.participating),
    )


def _written(chapter: ChapterOutline, markdown: str) -> set[str]:
    """The keys of the sections the municipality has written something in: the file split at its `## ` headings
    the way `plan.text.render_chapter` splits it (heading = the section's title or key), comments left out."""
    by_title = {section.title.lower(): section.key for section in chapter.sections}
    by_title |= {section.key: section.key for section in chapter.sections}
    written: set[str] = set()
    key: str | None = None
    for line in strip_comments(markdown).splitlines():
        heading = SECTION_HEADING.match(line)
        if heading:
            key = by_title.get(heading.group(1).strip().lower())
        elif key and line.strip():
            written.add(key)
    return written


def estimate_missing(files: Mapping[str, str], data: Available) -> dict[str, list[str]]:
    """Per chapter id, the titles of the sections expected to get «Mangler tekst»: no own text, and nothing the data
    fills (`SOURCES`; a non-computed section is the municipality's to write)."""
    missing: dict[str, list[str]] = {}
    for chapter in OUTLINE:
        written = _written(chapter, files.get(chapter.id, ""))
        titles = []
        for section in chapter.sections:
            if section.key in written:
                continue
            rule = SOURCES.get((chapter.id, section.key), _register)
            if not (section.computed and rule(data)):
                titles.append(section.title)
        missing[chapter.id] = titles
    return missing
