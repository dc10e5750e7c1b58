"""Stored plan text: save a version, read the latest or a given one, move the plan through its lifecycle."""

from __future__ import annotations

import json
from datetime import date, datetime

from sqlalchemy import func, select

from legeplan.plan.lifecycle import PlanState, PlanVersion, check_transition
from legeplan.storage.plan_tables import PlanVersionRow
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
    )


def _add(storage: Storage, version: PlanVersion) -> PlanVersion:
    with storage.session() as session:
        latest = session.scalar(
            select(func.max(PlanVersionRow.version)).where(
                PlanVersionRow.municipality_code == version.municipality_code
            )
        )
        stored = version.model_copy(update={"version": (latest or 0) + 1})
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
            )
        )
    return stored


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


def save_plan_text(storage: Storage, code: str, files: dict[str, str], author: str) -> PlanVersion:
    """A new version of the text. Saving during høring keeps the state (changes after comments); saving after
    adoption starts the next draft."""
    latest = plan_version(storage, code)
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
        ),
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
    the register date the plan's figures are frozen at."""
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
    )
