"""What every chapter module shares: the context (inputs, computed facts, the municipality's text) and the assembly of
computed blocks with the municipality's text under the outline's sections."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from legeplan.plan.outline import CHAPTER_IDS, file_name, outline
from legeplan.plan.text import ChapterText, PlanText
from legeplan.register.models import Register
from legeplan.report.document import Block, Callout, Chapter, FindingItem, Findings, Prose, Section, Table
from legeplan.report.facts import PlanFacts, PlanFinding
from legeplan.report.format import REGISTER_SOURCE
from legeplan.report.inputs import PlanInputs


@dataclass(frozen=True)
class ChapterContext:
    inputs: PlanInputs
    facts: PlanFacts
    text: PlanText = field(default_factory=PlanText)
    findings: tuple[PlanFinding, ...] = ()

    @property
    def register(self) -> Register:
        return self.inputs.register

    @property
    def as_of(self) -> date:
        return self.inputs.register.as_of

    def chapter_text(self, chapter_id: str) -> ChapterText | None:
        return self.text.chapter(chapter_id)

    def has_text(self, chapter_id: str, key: str = "") -> bool:
        text = self.chapter_text(chapter_id)
        if text is None:
            return False
        return bool(text.section(key)) if key else bool(text.intro)

    def findings_block(self, chapter_id: str) -> list[Block]:
        items = [
            FindingItem(text=finding.text, source=finding.source, tone=finding.tone)
            for finding in self.findings
            if finding.chapter == chapter_id
        ]
        return [Findings(items=items)] if items else []

    def register_table(self, caption: str, columns: list[str], rows: list[list[str]], **extra: object) -> Table:
        return Table.model_validate(
            {"caption": caption, "columns": columns, "rows": rows, "source": REGISTER_SOURCE, "as_of": self.as_of}
            | extra
        )

    def assemble(
        self,
        chapter_id: str,
        *,
        intro: list[Block] | None = None,
        computed: dict[str, list[Block]] | None = None,
        default_intro: list[Block] | None = None,
    ) -> Chapter:
        """The chapter: the municipality's intro (or `default_intro`), `intro` blocks, then each outline section
        with the municipality's text first and the computed blocks after it. A section with neither says so."""
        chapter = outline(chapter_id)
        text = self.chapter_text(chapter_id)
        computed = computed or {}
        blocks: list[Block] = []
        if text is not None and text.intro:
            blocks.append(Prose(markdown=text.intro, origin=text.origin))
        else:
            blocks.extend(default_intro or [])
        blocks.extend(intro or [])
        sections: list[Section] = []
        for section in chapter.sections:
            content: list[Block] = []
            own = text.section(section.key) if text is not None else ""
            if own and text is not None:
                content.append(Prose(markdown=own, origin=text.origin))
            content.extend(computed.get(section.key, []))
            if not content:
                content.append(missing_text(chapter_id, section.title))
            sections.append(Section(title=section.title, blocks=content))
        if text is not None:
            for extra in text.extra():
                sections.append(Section(title=extra.title, blocks=[Prose(markdown=extra.markdown, origin=text.origin)]))
        return Chapter(id=chapter_id, title=chapter.title, blocks=blocks, sections=sections)


def missing_text(chapter_id: str, section_title: str) -> Callout:
    return Callout(
        title="Mangler tekst",
        text=f"Kommunen har ikke skrevet om «{section_title.lower()}» ennå, og tallgrunnlaget har ingenting å vise "
        f"her. Teksten skrives i {file_name(chapter_id)} under «## {section_title}» (legeplan plan init lager "
        "filene).",
        tone="info",
    )


def chapter_number(chapter_id: str) -> int:
    return CHAPTER_IDS.index(chapter_id) + 1
