"""Stored høringsuttalelser (table plan_comment): add, list, answer. The only code that reads or writes the table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from legeplan.plan.consultation import CommentConflict, CommentDraft, CommentStatus, ConsultationComment
from legeplan.storage.plan_tables import PlanCommentRow
from legeplan.storage.repository import Storage


def _model(row: PlanCommentRow) -> ConsultationComment:
    return ConsultationComment(
        id=row.id,
        municipality_code=row.municipality_code,
        sender=row.sender,
        received=row.received,
        chapter_id=row.chapter_id,
        text=row.text,
        answer=row.answer,
        status=CommentStatus(row.status),
        revision=row.revision,
        created_by=row.created_by,
        created_at=row.created_at,
        updated_by=row.updated_by,
        updated_at=row.updated_at,
    )


def add_comment(storage: Storage, code: str, draft: CommentDraft, author: str) -> ConsultationComment:
    now = datetime.now()
    with storage.session() as session:
        row = PlanCommentRow(
            municipality_code=code,
            sender=draft.sender,
            received=draft.received,
            chapter_id=draft.chapter_id,
            text=draft.text,
            answer=draft.answer,
            status=draft.status.value,
            revision=1,
            created_by=author,
            created_at=now,
            updated_by=author,
            updated_at=now,
        )
        session.add(row)
        session.flush()
        return _model(row)


def list_comments(storage: Storage, code: str) -> list[ConsultationComment]:
    """The municipality's comments by date received, then as entered."""
    with storage.session() as session:
        rows = session.scalars(
            select(PlanCommentRow)
            .where(PlanCommentRow.municipality_code == code)
            .order_by(PlanCommentRow.received, PlanCommentRow.id)
        ).all()
        return [_model(row) for row in rows]


def get_comment(storage: Storage, code: str, comment_id: int) -> ConsultationComment | None:
    with storage.session() as session:
        row = session.get(PlanCommentRow, comment_id)
        return _model(row) if row is not None and row.municipality_code == code else None


def update_comment(
    storage: Storage, code: str, comment_id: int, draft: CommentDraft, author: str, expected_revision: int
) -> ConsultationComment:
    """The comment replaced by `draft` if it is still at `expected_revision` (compare-and-set, so of two users
    answering at once one gets `CommentConflict`); LookupError when there is no such comment."""
    with storage.session() as session:
        result = session.execute(
            update(PlanCommentRow)
            .where(
                PlanCommentRow.id == comment_id,
                PlanCommentRow.municipality_code == code,
                PlanCommentRow.revision == expected_revision,
            )
            .values(
                sender=draft.sender,
                received=draft.received,
                chapter_id=draft.chapter_id,
                text=draft.text,
                answer=draft.answer,
                status=draft.status.value,
                revision=PlanCommentRow.revision + 1,
                updated_by=author,
                updated_at=datetime.now(),
            )
        )
        changed = getattr(result, "rowcount", 0)
    current = get_comment(storage, code, comment_id)
    if current is None:
        raise LookupError(f"fant ingen høringsuttalelse nummer {comment_id} for kommune {code}")
    if not changed:
        raise CommentConflict(current, expected_revision)
    return current


def answer_comment(
    storage: Storage,
    code: str,
    comment_id: int,
    answer: str,
    status: CommentStatus,
    author: str,
    expected_revision: int | None = None,
) -> ConsultationComment:
    """Sets the municipality's answer and status; `expected_revision` None takes the current one (the CLI)."""
    current = get_comment(storage, code, comment_id)
    if current is None:
        raise LookupError(f"fant ingen høringsuttalelse nummer {comment_id} for kommune {code}")
    draft = CommentDraft.model_validate(
        current.model_dump(include=set(CommentDraft.model_fields)) | {"answer": answer, "status": status}
    )
    return update_comment(
        storage, code, comment_id, draft, author, current.revision if expected_revision is None else expected_revision
    )
