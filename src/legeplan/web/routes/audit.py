"""The audit log: paged, searchable, and as a CSV download."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from legeplan.i18n import text
from legeplan.safe_cells import neutralise
from legeplan.storage.audit_diff import flatten
from legeplan.storage.security_tables import AuditFilter
from legeplan.storage.web_tables import AuditEntry, User
from legeplan.text_rules import InputError, clean_text
from legeplan.web.auth import (
    current_user,
    require_role,
    security_of,
)
from legeplan.web.routes.common import (
    render,
    storage_of,
)

router = APIRouter()


AUDIT_PAGE_SIZE = 50


def _audit_filter(
    request: Request, user: User, who: str, action: str, q: str, since: date | None, until: date | None
) -> AuditFilter:
    for name, value in (("user", who), ("action", action), ("q", q)):
        try:
            clean_text(value, 200)
        except InputError as error:
            raise HTTPException(
                status_code=422, detail=text("error.bad_parameter", name=name, message=str(error))
            ) from error
    return AuditFilter(
        municipality_code=user.municipality_code,
        username=who.strip(),
        action=action.strip(),
        text=q.strip(),
        since=datetime.combine(since, datetime.min.time()) if since else None,
        until=datetime.combine(until + timedelta(days=1), datetime.min.time()) if until else None,
    )


def audit_rows(entry: AuditEntry) -> list[tuple[str, str, str]]:
    """An entry's changes as (field, before, after) rows with Norwegian field labels where the catalogue has them."""
    rows = []
    for path, before, after in flatten(entry.before, entry.after):
        prefix, _dot, last = path.rpartition(".")
        label = text(f"field.{last}")
        label = last if label == f"field.{last}" else label
        rows.append((f"{prefix} · {label}" if prefix else label, _audit_value(before), _audit_value(after)))
    return rows


def _audit_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    who: str = Query("", alias="user", max_length=200),
    action: str = Query("", max_length=200),
    q: str = Query("", max_length=200),
    since: date | None = Query(None, alias="from"),
    until: date | None = Query(None, alias="to"),
    page: int = Query(1, ge=1, le=100_000),
    user: User = Depends(current_user),
) -> HTMLResponse:
    """The audit log, newest first, 50 a page, filtered by user, action, text in «what» and date."""
    require_role(user, "admin")
    where = _audit_filter(request, user, who, action, q, since, until)
    entries, total = security_of(request).audit_page(where, (page - 1) * AUDIT_PAGE_SIZE, AUDIT_PAGE_SIZE)
    pages = max(1, -(-total // AUDIT_PAGE_SIZE))
    names = {m.code: m.name for m in storage_of(request).list_municipalities()}
    query = {"user": who, "action": action, "q": q, "from": since or "", "to": until or ""}
    return render(
        request,
        "audit.html",
        entries=[(e, audit_rows(e)) for e in entries],
        total=total,
        page=page,
        pages=pages,
        actions=security_of(request).audit_actions(),
        names=names,
        filters=query,
        query=urlencode({k: v for k, v in query.items() if v}),
    )


@router.get("/audit.csv")
def audit_download(
    request: Request,
    who: str = Query("", alias="user", max_length=200),
    action: str = Query("", max_length=200),
    q: str = Query("", max_length=200),
    since: date | None = Query(None, alias="from"),
    until: date | None = Query(None, alias="to"),
    user: User = Depends(current_user),
) -> Response:
    """The filtered audit log as CSV (at most 10 000 entries), formulas neutralised."""
    require_role(user, "admin")
    where = _audit_filter(request, user, who, action, q, since, until)
    entries, _total = security_of(request).audit_page(where, 0, 10_000)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["tidspunkt", "bruker", "kommune", "handling", "hva", "felt", "før", "etter"])
    for e in entries:
        for field, before, after in audit_rows(e) or [("", "", "")]:
            row = [e.at.isoformat(timespec="seconds"), e.username, e.municipality_code or "", e.action, e.entity]
            writer.writerow([neutralise(v) for v in [*row, field, before, after]])
    return Response(
        buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="endringslogg.csv"'},
    )
