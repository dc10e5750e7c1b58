"""Vedlegg: Høringsuttalelser og kommunens svar. Not a chapter of the outline (the municipality writes nothing here):
while the plan is on høring or adopted, every received comment with the municipality's answer, as the saksframlegg
of the model plans sum them up (Bodø: «innkomne høringsuttalelser drøftet» in LSU before the political decision)."""

from __future__ import annotations

from legeplan.plan.consultation import CommentStatus
from legeplan.report.chapters.base import ChapterContext
from legeplan.report.document import Chapter, Paragraph, Table
from legeplan.report.format import kommune_name

ID = "horingsuttalelser"
TITLE = "Vedlegg: Høringsuttalelser og kommunens svar"
SOURCE = "Høringsuttalelser registrert i legeplan"


def build(ctx: ChapterContext) -> Chapter | None:
    comments = ctx.inputs.consultation
    if not comments:
        return None
    answered = sum(1 for comment in comments if comment.answer)
    rows = []
    for number, comment in enumerate(comments, start=1):
        status = "" if comment.status is CommentStatus.RECEIVED else comment.status.value.capitalize() + ". "
        answer = (status + comment.answer).strip() or "Ikke besvart ennå."
        rows.append(
            [
                str(number),
                f"{comment.sender}, {comment.received:%d.%m.%Y}",
                comment.chapter_title(),
                comment.text,
                answer,
            ]
        )
    municipality = kommune_name(ctx.register.municipality.name)
    intro = (
        f"{municipality} har mottatt {len(comments)} høringsuttalelse{'' if len(comments) == 1 else 'r'} til planen "
        f"og besvart {answered}. Tabellen viser hver uttalelse slik den kom inn, hvilket kapittel den gjelder, og "
        "kommunens svar og oppfølging."
    )
    table = Table(
        caption="Høringsuttalelser og kommunens svar",
        columns=["Nr.", "Fra og mottatt", "Gjelder", "Uttalelse", "Kommunens svar"],
        rows=rows,
        numeric=[True, False, False, False, False],
        widths=[0.5, 1.6, 1.4, 3.2, 3.2],
        source=SOURCE,
        as_of=max(comment.received for comment in comments),
    )
    return Chapter(id=ID, title=TITLE, blocks=[Paragraph(text=intro), table])
