"""The user's jobs across the app (imports, solves) with their progress."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from legeplan.storage.web_tables import User
from legeplan.web.auth import (
    current_user,
    require_role,
)
from legeplan.web.routes.common import (
    job_queue,
    render,
)

router = APIRouter()


# --- jobs ----------------------------------------------------------------------------------------------------------


@router.get("/jobs", response_class=HTMLResponse)
def jobs_page(request: Request, user: User = Depends(current_user)) -> HTMLResponse:
    """Background jobs of the user's municipality (all for a user without one): state, progress, attempts, errors."""
    require_role(user, "editor")
    jobs = job_queue(request).store.recent(user.municipality_code, limit=100)
    return render(request, "jobs.html", jobs=jobs)
