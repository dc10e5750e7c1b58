"""User administration: create, delete and change role, each scoped to what the admin may manage."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from legeplan.i18n import text
from legeplan.storage.web_tables import ROLES, User
from legeplan.web.auth import (
    can_see,
    checked_form,
    current_user,
    hash_password,
    require_role,
    security_of,
)
from legeplan.web.inputs import password_problem, username_problem
from legeplan.web.routes.common import (
    audit,
    load_register_or_none,
    redirect,
    render,
    storage_of,
    web_store,
)

router = APIRouter()


# --- users and audit -------------------------------------------------------------------------------------------------


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(request: Request, user: User = Depends(current_user)) -> HTMLResponse:
    require_role(user, "admin")
    return render(
        request,
        "users.html",
        users=_visible_users(request, user),
        roles=ROLES,
        errors={},
        values={},
        physicians=physician_choices(request, user),
    )


def physician_choices(request: Request, admin: User) -> list[tuple[str, str]]:
    """The register physicians a login with the role lege can be tied to: («kode:id», «Navn (id, kommune)») of the
    active physicians in the newest register of each municipality the admin may see."""
    choices = []
    for municipality in storage_of(request).list_municipalities():
        if not can_see(admin, municipality.code):
            continue
        register = load_register_or_none(request, municipality.code)
        if register is None:
            continue
        for physician in sorted(register.physicians, key=lambda p: (p.name, p.id)):
            if physician.end_date is None or physician.end_date >= register.as_of:
                label = f"{physician.name} ({physician.id}, {municipality.name})"
                choices.append((f"{municipality.code}:{physician.id}", label))
    return choices


def _visible_users(request: Request, admin: User) -> list[User]:
    return [
        u
        for u in web_store(request).list_users()
        if can_see(admin, u.municipality_code or "") or admin.municipality_code is None
    ]


def validate_new_user(request: Request, admin: User, form: Any) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    username = str(form.get("username", "")).strip()
    password = str(form.get("password", ""))
    role = str(form.get("role", ""))
    code = str(form.get("municipality_code", "")).strip() or None
    problem = username_problem(username, [u.username for u in web_store(request).list_users()])
    if problem is not None:
        errors["username"] = problem
    weak = password_problem(password, username)
    if weak is not None:
        errors["password"] = weak
    if role not in ROLES:
        errors["role"] = text("error.choice")
    if admin.municipality_code is not None and code != admin.municipality_code:
        errors["municipality_code"] = text("error.forbidden")
    elif code is not None and code not in {m.code for m in storage_of(request).list_municipalities()}:
        errors["municipality_code"] = text("users.municipality_unknown")
    physician = str(form.get("physician", "")).strip()
    email = str(form.get("email", "")).strip() or None
    if role == "lege":
        # A lege is a physician of a register the admin may see; the login belongs to that municipality.
        if physician not in {value for value, _ in physician_choices(request, admin)}:
            errors["physician"] = text("users.physician_required")
        else:
            code = physician.partition(":")[0]
            errors.pop("municipality_code", None)
    if email is not None and ("@" not in email or len(email) > 320):
        errors["email"] = text("users.email_invalid")
    values = {"username": username, "password": password, "role": role, "municipality_code": code}
    return {**values, "physician": physician if role == "lege" else None, "email": email}, errors


@router.post("/admin/users", response_model=None)
async def user_create(request: Request, user: User = Depends(current_user)) -> Response:
    form = await checked_form(request)
    require_role(user, "admin")
    values, errors = validate_new_user(request, user, form)
    if errors:
        shown = {k: str(v or "") for k, v in values.items() if k != "password"}
        return render(
            request,
            "users.html",
            status_code=400,
            users=_visible_users(request, user),
            roles=ROLES,
            errors=errors,
            values=shown,
            physicians=physician_choices(request, user),
        )
    created = web_store(request).add_user(
        values["username"], hash_password(values["password"]), values["role"], values["municipality_code"]
    )
    if values["physician"] or values["email"]:
        code, _, physician_id = str(values["physician"] or "").partition(":")
        linked = web_store(request).link_physician(
            created.id, code or None, physician_id or None, values["email"] or ""
        )
        created = linked or created
    audit(
        request,
        user,
        created.municipality_code,
        text("audit.action.user_created"),
        f"user/{created.username}",
        None,
        {
            "username": created.username,
            "role": created.role,
            "municipality_code": created.municipality_code,
            "physician_id": created.physician_id,
        },
    )
    return redirect("/admin/users", text("users.created"), request)


def _managed_user(request: Request, admin: User, user_id: int) -> User:
    """A user the admin may manage; anyone else (or an id out of range) is not found."""
    target = web_store(request).get_user(user_id) if 0 < user_id < 2**31 else None
    if target is None or target not in _visible_users(request, admin):
        raise HTTPException(status_code=404, detail=text("error.not_found"))
    return target


@router.post("/admin/users/{user_id}/delete", response_model=None)
async def user_delete(request: Request, user_id: int, user: User = Depends(current_user)) -> Response:
    await checked_form(request)
    require_role(user, "admin")
    target = _managed_user(request, user, user_id)
    if target.id == user.id:
        return redirect("/admin/users", text("users.not_self"), request)
    security_of(request).revoke_user_sessions(target.id)
    web_store(request).delete_user(user_id)
    audit(
        request,
        user,
        target.municipality_code,
        text("audit.action.user_deleted"),
        f"user/{target.username}",
        {"username": target.username, "role": target.role, "municipality_code": target.municipality_code},
        None,
    )
    return redirect("/admin/users", text("users.deleted"), request)


@router.post("/admin/users/{user_id}/role", response_model=None)
async def user_role(request: Request, user_id: int, user: User = Depends(current_user)) -> Response:
    """Change a user's role; the user's sessions end, so the new role applies from the next login."""
    form = await checked_form(request)
    require_role(user, "admin")
    target = _managed_user(request, user, user_id)
    role = str(form.get("role", ""))
    if target.id == user.id:
        return redirect("/admin/users", text("users.not_self_role"), request)
    if role not in ROLES:
        raise HTTPException(status_code=422, detail=text("error.choice"))
    if role == target.role:
        return redirect("/admin/users", text("error.no_change"), request)
    if role == "lege" and target.physician_id is None:
        return redirect("/admin/users", text("users.lege_needs_physician"), request)
    web_store(request).set_role(target.id, role)
    security_of(request).revoke_user_sessions(target.id)
    audit(
        request,
        user,
        target.municipality_code,
        text("audit.action.role_changed"),
        f"user/{target.username}",
        {"role": target.role},
        {"role": role},
    )
    return redirect("/admin/users", text("users.role_changed"), request)
