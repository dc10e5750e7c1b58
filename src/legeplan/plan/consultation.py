"""Høring: the comments a plan receives while it is on høring, and the municipality's answer to each.

The model plans say who the plan went to (Sandefjord: ALU, kommunalt ansatte leger, SU, eldrerådet; Bodø: every
doctor and the kommuneoverleger, the comments discussed in LSU before the political decision). Each comment is kept
as received (sender as given, date, chapter or the plan as a whole, the text) with the municipality's answer and what
was done with it; the adopted plan carries them as the appendix «Høringsuttalelser og kommunens svar»."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

from legeplan.plan.outline import CHAPTER_IDS, outline

#: Longest comment or answer kept (a long høringsuttalelse is summarised or attached; this bounds a form field).
MAX_TEXT = 20_000


class CommentStatus(StrEnum):
    """What the municipality did with a comment, in the words saksframlegg use."""

    RECEIVED = "mottatt"
    FOLLOWED = "tatt til følge"
    PARTLY = "delvis tatt til følge"
    NOT_FOLLOWED = "ikke tatt til følge"
    NOTED = "tatt til orientering"


class CommentDraft(BaseModel):
    """What a user enters: sender, date received, chapter (None: the plan as a whole) and the comment."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    sender: str = Field(min_length=1, max_length=200)
    received: date
    chapter_id: str | None = None
    text: str = Field(min_length=1, max_length=MAX_TEXT)
    answer: str = Field(default="", max_length=MAX_TEXT)
    status: CommentStatus = CommentStatus.RECEIVED

    @field_validator("chapter_id")
    @classmethod
    def _known_chapter(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if value not in CHAPTER_IDS:
            raise ValueError(f"ukjent kapittel «{value}»")
        return value


class ConsultationComment(CommentDraft):
    """A stored comment: its number within the municipality, who entered or last changed it, and a revision that
    guards against two users overwriting each other's answer."""

    id: int = Field(ge=1)
    municipality_code: str
    revision: int = Field(ge=1)
    created_by: str
    created_at: datetime
    updated_by: str
    updated_at: datetime

    def chapter_title(self) -> str:
        """«Legevakt», or «Hele planen» for a general comment."""
        return outline(self.chapter_id).title if self.chapter_id else "Hele planen"


class CommentConflict(Exception):
    """The comment was changed by someone else since the form was opened."""

    def __init__(self, current: ConsultationComment, expected: int) -> None:
        super().__init__(f"høringsuttalelse {current.id} er endret (versjon {expected}, nå {current.revision})")
        self.current = current
        self.expected = expected
