"""Login (with TOTP), logout and the home page that sends a user to their municipality."""

from __future__ import annotations

import contextlib

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from legeplan.i18n import text
from legeplan.storage.web_tables import User
from legeplan.web.auth import (
    LoginRequired,
    can_see,
    check_totp,
    checked_form,
    current_user,
    end_session,
    pending_totp_user,
    security_of,
    session_user,
    start_session,
    throttled_login,
)
from legeplan.web.routes.common import (
    audit,
    redirect,
    render,
    storage_of,
)

router = APIRouter()


# --- login and home --------------------------------------------------------------------------------------------------


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request) -> HTMLResponse:
    return render(request, "login.html", error=None, username="")


@router.post("/login", response_model=None)
async def login(request: Request) -> Response:
    form = await request.form()
    username = str(form.get("username", ""))
    try:
        user = throttled_login(request, username, str(form.get("password", "")))
    except HTTPException as error:
        return render(request, "login.html", status_code=error.status_code, error=error.detail, username=username)
    if user is None:
        return render(request, "login.html", status_code=400, error=text("login.failed"), username=username)
    if security_of(request).totp_secret(user.id) is not None:
        start_session(request, user, pending_totp=True)
        return redirect("/login/totp")
    start_session(request, user)
    return redirect("/")


@router.get("/login/totp", response_model=None)
def login_totp_page(request: Request) -> Response:
    if pending_totp_user(request) is None:
        return redirect("/login")
    return render(request, "login_totp.html", error=None)


@router.post("/login/totp", response_model=None)
async def login_totp(request: Request) -> Response:
    """The second step for users with two-factor login: the code from the authenticator app."""
    form = await checked_form(request)
    user = pending_totp_user(request)
    if user is None:
        return redirect("/login")
    try:
        right = check_totp(request, user, str(form.get("code", "")))
    except HTTPException as error:
        return render(request, "login_totp.html", status_code=error.status_code, error=error.detail)
    if not right:
        return render(request, "login_totp.html", status_code=400, error=text("totp.wrong"))
    start_session(request, user)
    return redirect("/")


@router.post("/logout")
async def logout(request: Request) -> RedirectResponse:
    await checked_form(request)
    user: User | None = None
    with contextlib.suppress(LoginRequired):
        user = session_user(request)
    end_session(request)
    if user is not None:
        audit(request, user, user.municipality_code, text("audit.action.logout"), f"user/{user.username}", None, None)
    return redirect("/login")


@router.get("/", response_model=None)
def home(request: Request, user: User = Depends(current_user)) -> Response:
    if user.role == "lege":
        return redirect("/lege")  # «Mine vakter»
    visible = [m for m in storage_of(request).list_municipalities() if can_see(user, m.code)]
    if len(visible) == 1:
        return redirect(f"/m/{visible[0].code}")
    return render(request, "home.html", visible=visible)
