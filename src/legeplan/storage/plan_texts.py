"""Stored plan text: save a version, read the latest or a given one, move the plan through its lifecycle; and the plan
documents report jobs made."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from legeplan.plan.lifecycle import PlanLifecycleError, PlanState, PlanVersion, check_transition
from legeplan.storage.plan_tables import PlanDocumentRow, PlanVersionRow
from legeplan.storage.repository import Storage


def _model(row: PlanVersionRow) -> PlanVersion:
    return PlanVersion(
        municipality_code=row.municipality_code,
        version=row.version,
        author=row.author,
        saved_at=row.saved_at,
        state=PlanState(row.state),
        state_date=row.state_date,
        case_number=row.case_number,
        register_as_of=row.register_as_of,
        files=json.loads(row.files_json),
        period_start=row.period_start,
        period_end=row.period_end,
    )


def _add(storage: Storage, version: PlanVersion, after: int | None = None) -> PlanVersion:
    """Stores `version` as the next one. With `after` (the version the caller checked against; 0 for none) it is
    stored as exactly `after + 1`, so a save that raced another one fails on the unique (municipality, version)
    instead of landing on top of it unseen."""
    with storage.session() as session:
        if after is None:
            after = session.scalar(
                select(func.max(PlanVersionRow.version)).where(
                    PlanVersionRow.municipality_code == version.municipality_code
                )
            )
        stored = version.model_copy(update={"version": (after or 0) + 1})
        session.add(
            PlanVersionRow(
                municipality_code=stored.municipality_code,
                version=stored.version,
                author=stored.author,
                saved_at=stored.saved_at,
                state=stored.state.value,
                state_date=stored.state_date,
                case_number=stored.case_number,
                register_as_of=stored.register_as_of,
                files_json=json.dumps(stored.files, ensure_ascii=False, sort_keys=True),
                period_start=stored.period_start,
                period_end=stored.period_end,
            )
        )
    return stored


class PlanTextConflict(Exception):
    """A chapter saved against a version that is no longer the latest, where someone else changed the same chapter
    in between. Holds both texts so the page can show them side by side."""

    def __init__(self, chapter_id: str, base: int, latest: PlanVersion, yours: str) -> None:
        super().__init__(f"kapittel {chapter_id}: lagret mot versjon {base}, men siste versjon er {latest.version}")
        self.chapter_id = chapter_id
        self.base = base
        self.latest = latest
        self.theirs = latest.files.get(chapter_id, "")
        self.yours = yours


def normalise_text(markdown: str) -> str:
    """Line ends as \\n (a browser's textarea sends \\r\\n) and one final newline, so a save that changes nothing
    is recognised as no change."""
    text = markdown.replace("\r\n", "\n").replace("\r", "\n").rstrip()
    return text + "\n" if text else ""


def save_plan_chapter(
    storage: Storage, code: str, chapter_id: str, markdown: str, author: str, base_version: int | None
) -> tuple[PlanVersion, bool]:
    """One chapter's text saved as a new version of the whole plan text (the other chapters as in the latest).

    `base_version` is the version the editor started from (None: there was no text yet). If a newer version exists
    and it changed this chapter, `PlanTextConflict` is raised and nothing is saved; a newer version that changed only
    other chapters is kept (the save goes on top of it). Returns the version and whether anything was saved: the same
    text again is not a new version."""
    text = normalise_text(markdown)
    for _attempt in range(3):
        latest = plan_version(storage, code)
        if latest is not None and (base_version is None or latest.version != base_version):
            base = plan_version(storage, code, base_version) if base_version is not None else None
            before = base.files.get(chapter_id, "") if base is not None else ""
            if normalise_text(latest.files.get(chapter_id, "")) != normalise_text(before):
                raise PlanTextConflict(chapter_id, base_version or 0, latest, text)
        current = latest.files.get(chapter_id, "") if latest is not None else ""
        if latest is not None and normalise_text(current) == text:
            return latest, False
        files = dict(latest.files) if latest is not None else {}
        if text:
            files[chapter_id] = text
        else:
            files.pop(chapter_id, None)
        try:
            expected = latest.version if latest is not None else 0
            return save_plan_text(storage, code, files, author, expected=expected), True
        except IntegrityError:  # another save took the same version number at the same moment: check again
            continue
    latest = plan_version(storage, code)
    assert latest is not None
    raise PlanTextConflict(chapter_id, base_version or 0, latest, text)


def plan_versions(storage: Storage, code: str) -> list[PlanVersion]:
    with storage.session() as session:
        rows = session.scalars(
            select(PlanVersionRow).where(PlanVersionRow.municipality_code == code).order_by(PlanVersionRow.version)
        ).all()
        return [_model(row) for row in rows]


def plan_version(storage: Storage, code: str, version: int | None = None) -> PlanVersion | None:
    """The given version, or the latest; None when the municipality has no stored text."""
    versions = plan_versions(storage, code)
    if version is None:
        return versions[-1] if versions else None
    return next((each for each in versions if each.version == version), None)


def save_plan_text(
    storage: Storage, code: str, files: dict[str, str], author: str, *, expected: int | None = None
) -> PlanVersion:
    """A new version of the text. Saving during høring keeps the state (changes after comments); saving after
    adoption starts the next draft. With `expected` (the latest version number the caller saw, 0 for none) a save
    that raced another one raises IntegrityError instead of silently following it."""
    if expected is None:
        latest = plan_version(storage, code)
    else:
        latest = plan_version(storage, code, expected) if expected else None
    state = latest.state if latest is not None and latest.state is PlanState.CONSULTATION else PlanState.DRAFT
    keep = latest if latest is not None and state is PlanState.CONSULTATION else None
    return _add(
        storage,
        PlanVersion(
            municipality_code=code,
            version=1,
            author=author,
            saved_at=datetime.now(),
            state=state,
            state_date=keep.state_date if keep else None,
            case_number=keep.case_number if keep else None,
            files=files,
            period_start=latest.period_start if latest is not None else None,
            period_end=latest.period_end if latest is not None else None,
        ),
        after=expected,
    )


def set_plan_period(storage: Storage, code: str, start: int, end: int, author: str) -> PlanVersion:
    """The plan period as a new version (text and state unchanged); an adopted plan's period is part of the
    decision and is not changed."""
    if end < start:
        raise ValueError(f"planperioden slutter ({end}) før den begynner ({start})")
    return _retrying(lambda: _set_period_once(storage, code, start, end, author))


def _retrying(change: Callable[[], PlanVersion], attempts: int = 3) -> PlanVersion:
    """`change` again on the newest version when another save took its version number at the same moment."""
    for _attempt in range(attempts - 1):
        try:
            return change()
        except IntegrityError:
            continue
    return change()


def _set_period_once(storage: Storage, code: str, start: int, end: int, author: str) -> PlanVersion:
    latest = plan_version(storage, code)
    if latest is None:
        return _add(
            storage,
            PlanVersion(
                municipality_code=code,
                version=1,
                author=author,
                saved_at=datetime.now(),
                period_start=start,
                period_end=end,
            ),
            after=0,
        )
    if latest.state is PlanState.ADOPTED:
        raise PlanLifecycleError("planen er vedtatt; perioden er en del av vedtaket og endres ikke")
    if (latest.period_start, latest.period_end) == (start, end):
        return latest
    return _add(
        storage,
        latest.model_copy(
            update={"author": author, "saved_at": datetime.now(), "period_start": start, "period_end": end}
        ),
        after=latest.version,
    )


def set_plan_state(
    storage: Storage,
    code: str,
    state: PlanState,
    *,
    author: str,
    when: date,
    case_number: str | None = None,
    register_as_of: date | None = None,
) -> PlanVersion:
    """Moves the latest text to `state` as a new version (the text unchanged). Adoption records `register_as_of`,
    the register date the plan's figures are frozen at. The change is made on the newest version: a text saved at
    the same moment is never reverted by it."""

    def change() -> PlanVersion:
        latest = plan_version(storage, code)
        if latest is None:
            raise LookupError(f"kommune {code} har ingen lagret plantekst; lagre den først med legeplan plan save")
        check_transition(latest.state, state)
        return _add(
            storage,
            latest.model_copy(
                update={
                    "author": author,
                    "saved_at": datetime.now(),
                    "state": state,
                    "state_date": when,
                    "case_number": case_number,
                    "register_as_of": register_as_of if state is PlanState.ADOPTED else None,
                }
            ),
            after=latest.version,
        )

    return _retrying(change)


@dataclass(frozen=True)
class StoredDocument:
    """A plan document made by a report job; `content` is read only by `plan_document_content`."""

    id: str
    municipality_code: str
    created_by: str
    created_at: datetime
    file_name: str
    media_type: str
    internal: bool
    text_version: int | None
    size: int


#: Plan documents kept per municipality; older ones are deleted when a new one is stored (they can be made again).
KEEP_DOCUMENTS = 20


def save_plan_document(
    storage: Storage,
    job_id: str,
    code: str,
    *,
    created_by: str,
    file_name: str,
    media_type: str,
    internal: bool,
    text_version: int | None,
    content: bytes,
) -> None:
    with storage.session() as session:
        session.merge(
            PlanDocumentRow(
                id=job_id,
                municipality_code=code,
                created_by=created_by,
                created_at=datetime.now(),
                file_name=file_name,
                media_type=media_type,
                internal=internal,
                text_version=text_version,
                size=len(content),
                content_b64=base64.b64encode(content).decode("ascii"),
            )
        )
        session.flush()
        kept = select(PlanDocumentRow.id).where(PlanDocumentRow.municipality_code == code)
        kept = kept.order_by(PlanDocumentRow.created_at.desc()).limit(KEEP_DOCUMENTS)
        session.execute(
            delete(PlanDocumentRow).where(
                PlanDocumentRow.municipality_code == code, PlanDocumentRow.id.not_in(kept.scalar_subquery())
            )
        )


def plan_document_content(storage: Storage, code: str, job_id: str) -> tuple[StoredDocument, bytes] | None:
    """The document made by job `job_id` for municipality `code`, with its bytes; None if there is none."""
    with storage.session() as session:
        row = session.get(PlanDocumentRow, job_id)
        if row is None or row.municipality_code != code:
            return None
        return _document(row), base64.b64decode(row.content_b64)


def plan_documents(storage: Storage, code: str, limit: int = 20) -> list[StoredDocument]:
    """The municipality's most recent plan documents, newest first (without their bytes)."""
    with storage.session() as session:
        rows = session.execute(
            select(
                PlanDocumentRow.id,
                PlanDocumentRow.municipality_code,
                PlanDocumentRow.created_by,
                PlanDocumentRow.created_at,
                PlanDocumentRow.file_name,
                PlanDocumentRow.media_type,
                PlanDocumentRow.internal,
                PlanDocumentRow.text_version,
                PlanDocumentRow.size,
            )
            .where(PlanDocumentRow.municipality_code == code)
            .order_by(PlanDocumentRow.created_at.desc())
            .limit(limit)
        ).all()
        return [StoredDocument(*row) for row in rows]


def _document(row: PlanDocumentRow) -> StoredDocument:
    return StoredDocument(
        id=row.id,
        municipality_code=row.municipality_code,
        created_by=row.created_by,
        created_at=row.created_at,
        file_name=row.file_name,
        media_type=row.media_type,
        internal=row.internal,
        text_version=row.text_version,
        size=row.size,
    )
