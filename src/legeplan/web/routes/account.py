"""The user's own account: password change and TOTP two-factor on/off."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from legeplan.i18n import text
from legeplan.storage.web_tables import User
from legeplan.web.auth import (
    checked_form,
    current_user,
    hash_password,
    require_role,
    security_of,
    start_session,
    totp_matches,
    verify_password,
)
from legeplan.web.inputs import password_problem
from legeplan.web.routes.common import (
    audit,
    redirect,
    render,
    web_store,
)

router = APIRouter()


def _account(request: Request, user: User, status_code: int = 200, **context: Any) -> HTMLResponse:
    enabled = security_of(request).totp_secret(user.id) is not None
    new_secret = request.session.get("totp_new")
    uri = None
    if new_secret and not enabled:
        import pyotp

        uri = pyotp.TOTP(str(new_secret)).provisioning_uri(name=user.username, issuer_name="legeplan")
    context.setdefault("errors", {})
    return render(
        request,
        "account.html",
        status_code=status_code,
        totp_enabled=enabled,
        totp_secret=new_secret,
        totp_uri=uri,
        **context,
    )


@router.get("/account", response_class=HTMLResponse)
def account_page(request: Request, user: User = Depends(current_user)) -> HTMLResponse:
    return _account(request, user)


@router.post("/account/totp/start", response_class=HTMLResponse)
async def account_totp_start(request: Request, user: User = Depends(current_user)) -> HTMLResponse:
    """Admins: a new TOTP secret, kept in the session until a code from the app confirms it."""
    import pyotp

    await checked_form(request)
    require_role(user, "admin")
    request.session["totp_new"] = pyotp.random_base32()
    return _account(request, user)


@router.post("/account/totp/confirm", response_model=None)
async def account_totp_confirm(request: Request, user: User = Depends(current_user)) -> Response:
    form = await checked_form(request)
    require_role(user, "admin")
    secret = request.session.get("totp_new")
    if not secret or not totp_matches(str(secret), str(form.get("code", ""))):
        return _account(request, user, status_code=400, errors={"code": text("totp.wrong")})
    security_of(request).set_totp_secret(user.id, str(secret))
    request.session.pop("totp_new", None)
    audit(request, user, user.municipality_code, text("audit.action.totp_enabled"), f"user/{user.username}", None, None)
    return redirect("/account", text("totp.enabled"), request)


@router.post("/account/totp/off", response_model=None)
async def account_totp_off(request: Request, user: User = Depends(current_user)) -> Response:
    """Turning two-factor login off needs the password."""
    form = await checked_form(request)
    if verify_password(web_store(request), user.username, str(form.get("current_password", ""))) is None:
        return _account(request, user, status_code=400, errors={"totp_password": text("account.wrong_password")})
    security_of(request).set_totp_secret(user.id, None)
    audit(
        request, user, user.municipality_code, text("audit.action.totp_disabled"), f"user/{user.username}", None, None
    )
    return redirect("/account", text("totp.disabled"), request)


@router.post("/account/password", response_model=None)
async def account_password(request: Request, user: User = Depends(current_user)) -> Response:
    """Change one's own password: the current one is required; every session of the user ends and this browser
    gets a new one."""
    form = await checked_form(request)
    errors: dict[str, str] = {}
    if verify_password(web_store(request), user.username, str(form.get("current_password", ""))) is None:
        errors["current_password"] = text("account.wrong_password")
    weak = password_problem(str(form.get("new_password", "")), user.username)
    if weak is not None:
        errors["new_password"] = weak
    if errors:
        return _account(request, user, status_code=400, errors=errors)
    web_store(request).set_password_hash(user.id, hash_password(str(form.get("new_password", ""))))
    security_of(request).revoke_user_sessions(user.id)
    start_session(request, user)
    audit(
        request,
        user,
        user.municipality_code,
        text("audit.action.password_changed"),
        f"user/{user.username}",
        None,
        None,
    )
    return redirect("/account", text("account.password_changed"), request)
