"""Register pages: the list, the entity forms with optimistic concurrency, delete and the XLSX download."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel

from legeplan.i18n import text
from legeplan.register.io import write_xlsx as write_register_xlsx
from legeplan.register.models import Register
from legeplan.storage.repository import VersionConflict
from legeplan.storage.web_tables import User
from legeplan.web.auth import (
    checked_form,
    csrf_token,
    current_user,
)
from legeplan.web.conflicts import SAVE_RETRIES, ConflictRow, conflict_rows, entity_version
from legeplan.web.forms import (
    ENTITY_KINDS,
    entity_id,
    form_fields,
    form_values,
    parse_entity,
    reference_errors,
    replace_entity,
)
from legeplan.web.listing import list_page, next_id, parse_query, reference_choices
from legeplan.web.routes.common import (
    audit,
    municipality_register,
    municipality_register_keyed,
    redirect,
    render,
    render_content_cached,
    storage_of,
    xlsx_response,
)

router = APIRouter()


# --- register CRUD ---------------------------------------------------------------------------------------------------


def _kind(kind: str) -> str:
    if kind not in ENTITY_KINDS:
        raise HTTPException(status_code=404, detail=text("error.not_found"))
    return kind


@router.get("/m/{code}/register", response_class=HTMLResponse)
def register_page(
    request: Request, code: str, kind: str = "positions", user: User = Depends(current_user)
) -> HTMLResponse:
    register, version = municipality_register_keyed(request, user, code)
    kind = _kind(kind)
    fields = form_fields(kind)
    query = parse_query(request.query_params, fields)

    def content() -> dict[str, Any]:
        listing = list_page(register, kind, fields, query)
        return {"kinds": list(ENTITY_KINDS), "fields": fields, "query": query, "listing": listing, "rows": listing.rows}

    # An editor's rows carry the session's CSRF token in their delete forms: their content is the session's own.
    own = csrf_token(request) if user.role in ("editor", "admin") else None
    return render_content_cached(
        request, "register.html", (version, kind, query, own), content, code=code, register=register, kind=kind
    )


@router.get("/m/{code}/register.xlsx")
def register_download(request: Request, code: str, user: User = Depends(current_user)) -> Response:
    register = municipality_register(request, user, code)
    return xlsx_response(lambda path: write_register_xlsx(register, path), f"register-{code}-{register.as_of}.xlsx")


def _entity_form(
    request: Request,
    code: str,
    kind: str,
    old_id: str | None,
    values: dict[str, str],
    errors: dict[str, str],
    register: Register | None = None,
    status_code: int = 200,
    version: str | None = None,
    conflict: list[ConflictRow] | None = None,
) -> HTMLResponse:
    return render(
        request,
        "entity_form.html",
        status_code=status_code,
        code=code,
        kind=kind,
        old_id=old_id,
        fields=form_fields(kind),
        values=values,
        errors=errors,
        references=reference_choices(register) if register is not None else {},
        new_id=next_id(register, kind) if old_id is None and register is not None else None,
        version=version,
        conflict=conflict or [],
    )


@router.get("/m/{code}/register/{kind}/new", response_class=HTMLResponse)
def entity_new(request: Request, code: str, kind: str, user: User = Depends(current_user)) -> HTMLResponse:
    register = municipality_register(request, user, code, "editor")
    return _entity_form(request, code, _kind(kind), None, {}, {}, register)


@router.get("/m/{code}/register/{kind}/{entity}/edit", response_class=HTMLResponse)
def entity_edit(
    request: Request, code: str, kind: str, entity: str, user: User = Depends(current_user)
) -> HTMLResponse:
    register = municipality_register(request, user, code, "editor")
    found = next((e for e in getattr(register, _kind(kind)) if entity_id(e) == entity), None)
    if found is None:
        raise HTTPException(status_code=404, detail=text("error.not_found"))
    return _entity_form(request, code, kind, entity, form_values(found), {}, register, version=entity_version(found))


@dataclass(frozen=True)
class EntitySave:
    """What became of a register entity save: saved, invalid (errors by field) or conflict (the stored entity)."""

    outcome: str
    entity: BaseModel | None = None
    before: BaseModel | None = None
    errors: dict[str, str] = dataclass_field(default_factory=dict)
    current: BaseModel | None = None


def save_entity(
    request: Request, user: User, code: str, kind: str, old_id: str | None, form: Any, form_version: str | None
) -> EntitySave:
    """Validate and store one register entity, without losing anyone's update: the stored entity must still be at
    `form_version` (when given) and the register is written with a compare-and-set on its version; a save that came
    in between makes it check again against what is stored now."""
    storage = storage_of(request)
    existing: dict[str, BaseModel] = {}
    for _attempt in range(SAVE_RETRIES):
        # The version first, then the register: a save in between makes the compare-and-set fail, never pass.
        register_version = storage.register_version(code)
        register = municipality_register(request, user, code, "editor")
        entity, errors = parse_entity(kind, form, code)
        existing = {entity_id(e): e for e in getattr(register, kind)}
        if old_id is not None and old_id not in existing:
            raise HTTPException(status_code=404, detail=text("error.not_found"))
        if old_id is not None and form_version is not None and entity_version(existing[old_id]) != form_version:
            return EntitySave("conflict", current=existing[old_id])
        if entity is not None and entity_id(entity) != old_id and entity_id(entity) in existing:
            errors["id"] = text("error.exists")
        if entity is None or errors:
            return EntitySave("invalid", errors=errors)
        updated = replace_entity(register, kind, old_id, entity)
        if old_id is not None and updated == register:
            return EntitySave("unchanged", entity=entity)  # a save that changes nothing is not a change
        problems = reference_errors(updated)
        if problems:
            own = [p for p in problems if p.kind == kind and p.id == entity_id(entity)]
            field_errors = {p.field: p.message for p in own}
            others = [str(p) for p in problems if p not in own]
            if others:
                field_errors["__all__"] = "; ".join(others)
            return EntitySave("invalid", errors=field_errors)
        try:
            storage.save_register(updated, expected_version=register_version)
        except VersionConflict:
            continue  # another save came in between: check again against what is stored now
        before = existing[old_id] if old_id else None
        audit(
            request,
            user,
            code,
            text("audit.action.changed" if old_id else "audit.action.created"),
            f"{kind}/{entity_id(entity)}",
            before.model_dump(mode="json") if before is not None else None,
            entity.model_dump(mode="json"),
        )
        return EntitySave("saved", entity=entity, before=before)
    return EntitySave("conflict", current=existing.get(old_id) if old_id else None)


@router.post("/m/{code}/register/{kind}/save", response_model=None)
async def entity_save(request: Request, code: str, kind: str, user: User = Depends(current_user)) -> Response:
    form = await checked_form(request)
    kind = _kind(kind)
    old_id = str(form.get("old_id", "")) or None
    form_version = str(form.get("version", "")) or None
    values = {k: str(v) for k, v in form.items() if isinstance(v, str)}
    register = municipality_register(request, user, code, "editor")
    if old_id is None and not values.get("id", "").strip():
        values["id"] = next_id(register, kind)  # a new row gets the next free id; nobody has to invent one
    result = save_entity(request, user, code, kind, old_id, values, form_version)
    if result.outcome == "conflict":
        return _conflict(request, code, kind, old_id, result.current, values)
    if result.outcome == "invalid":
        return _entity_form(
            request, code, kind, old_id, values, result.errors, register, status_code=400, version=form_version
        )
    if result.outcome == "unchanged":
        return redirect(f"/m/{code}/register?kind={kind}", text("error.no_change"), request)
    shown = urlencode({"kind": kind, "q": entity_id(result.entity) if result.entity else "", "status": "all"})
    return redirect(f"/m/{code}/register?{shown}", text("reg.saved"), request)  # the saved row, found


def _conflict(
    request: Request, code: str, kind: str, old_id: str | None, theirs: Any, yours: dict[str, str]
) -> HTMLResponse:
    """409: the user's values stay in the form, beside what is stored now; saving again overwrites deliberately."""
    labels = {f.name: f.label for f in form_fields(kind)}
    stored = form_values(theirs) if theirs is not None else {}
    rows = [row for row in conflict_rows(labels, stored, yours) if row.differs]
    return _entity_form(
        request,
        code,
        kind,
        old_id,
        yours,
        {"__all__": text("conflict.help")},
        status_code=409,
        version=entity_version(theirs) if theirs is not None else None,
        conflict=rows,
    )


@router.post("/m/{code}/register/{kind}/{entity}/delete", response_model=None)
async def entity_delete(
    request: Request, code: str, kind: str, entity: str, user: User = Depends(current_user)
) -> Response:
    await checked_form(request)
    kind = _kind(kind)
    storage = storage_of(request)
    for _attempt in range(SAVE_RETRIES):
        register_version = storage.register_version(code)
        register = municipality_register(request, user, code, "editor")
        existing = {entity_id(e): e for e in getattr(register, kind)}
        if entity not in existing:
            raise HTTPException(status_code=404, detail=text("error.not_found"))
        updated = replace_entity(register, kind, entity, None)
        problems = reference_errors(updated)
        if problems:
            request.session["flash"] = text("error.in_use", users=", ".join(p.id for p in problems))
            return redirect(f"/m/{code}/register?kind={kind}")
        try:
            storage.save_register(updated, expected_version=register_version)
        except VersionConflict:
            continue
        break
    else:
        return redirect(f"/m/{code}/register?kind={kind}", text("conflict.title"), request)
    audit(
        request,
        user,
        code,
        text("audit.action.deleted"),
        f"{kind}/{entity}",
        existing[entity].model_dump(mode="json"),
        None,
    )
    return redirect(f"/m/{code}/register?kind={kind}", text("reg.deleted"), request)
