"""The plan in the web app (/m/{code}/plan): overview, per-chapter text editor with server-side preview, versions and
diffs, the lifecycle utkast → høring → vedtatt, høringsuttalelser with answers, and the plan document made by a job.

Nothing here runs the report engine: «Lag plan» enqueues a `report` job (legeplan.jobs.handlers.plan_report) and the
pages show its progress and the stored file. The preview only renders one chapter's Markdown with the plan's figures
(legeplan.report.facts, milliseconds)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from legeplan.i18n import text
from legeplan.jobs.handlers import REPORT_FORMATS
from legeplan.plan.consultation import MAX_TEXT, CommentConflict, CommentDraft, CommentStatus, ConsultationComment
from legeplan.plan.diff import line_diff
from legeplan.plan.lifecycle import PlanLifecycleError, PlanState, PlanVersion
from legeplan.plan.outline import CHAPTER_IDS, OUTLINE, ChapterOutline, outline
from legeplan.plan.text import chapter_template, strip_comments
from legeplan.plan.variables import TEXT_VARIABLES
from legeplan.register.models import Register
from legeplan.storage.job_tables import JobRecord
from legeplan.storage.plan_comments import add_comment, get_comment, list_comments, update_comment
from legeplan.storage.plan_texts import (
    PlanTextConflict,
    plan_document_content,
    plan_documents,
    plan_version,
    plan_versions,
    save_plan_chapter,
    set_plan_period,
    set_plan_state,
)
from legeplan.storage.web_tables import User
from legeplan.text_rules import InputError, clean_text
from legeplan.web.api import ERRORS, ConflictOut
from legeplan.web.auth import check_csrf, checked_form, current_user, has_role, require_scope
from legeplan.web.routes.common import (
    audit,
    job_queue,
    load_register_or_none,
    redirect,
    render,
    storage_of,
)

router = APIRouter()

REPORT_KIND = "report"
#: Simulation runs of the plan document's vacancy simulation (as `legeplan report`).
REPORT_SIMULATION_RUNS = 1000


# --- helpers ---------------------------------------------------------------------------------------------------------


def _chapter(chapter_id: str) -> ChapterOutline:
    if chapter_id not in CHAPTER_IDS:
        raise HTTPException(status_code=404, detail=text("error.not_found"))
    return outline(chapter_id)


def _has_text(markdown: str) -> bool:
    """Text beyond the guide: anything left once comments and headings are taken out."""
    lines = [line for line in strip_comments(markdown).splitlines() if line.strip() and not line.startswith("#")]
    return bool(lines)


def _values(request: Request, code: str, stored: PlanVersion | None) -> dict[str, str]:
    """The figures `{{ names }}` stand for, from the register the plan uses (the frozen date once adopted)."""
    from legeplan.report.facts import compute_facts
    from legeplan.report.inputs import PlanInputs

    storage = storage_of(request)
    as_of = stored.register_as_of if stored is not None else None
    register: Register | None
    try:
        register = storage.load_register(code, as_of=as_of)
    except LookupError:
        register = load_register_or_none(request, code)
    if register is None:
        return {}
    return compute_facts(PlanInputs(register=register)).variables()


@dataclass(frozen=True)
class ChapterStatus:
    chapter: ChapterOutline
    number: int
    has_text: bool
    #: Sections with neither text nor data in the latest plan document, or before any document the estimate
    #: (legeplan.plan.estimate); None: neither (no register).
    missing: list[str] | None
    #: `missing` is the estimate, not a made document's own list.
    estimated: bool = False


def _latest_report(request: Request, code: str) -> JobRecord | None:
    jobs = job_queue(request).store.recent(code, limit=50)
    return next((job for job in jobs if job.kind == REPORT_KIND and job.state == "done"), None)


def _statuses(
    stored: PlanVersion | None, report: JobRecord | None, estimate: dict[str, list[str]] | None = None
) -> list[ChapterStatus]:
    files = stored.files if stored is not None else {}
    missing: dict[str, list[str]] | None = None
    if report is not None and isinstance(report.result, dict) and isinstance(report.result.get("missing"), dict):
        missing = {str(k): [str(s) for s in v] for k, v in report.result["missing"].items()}
    estimated = missing is None and estimate is not None
    if estimated:
        missing = estimate
    return [
        ChapterStatus(
            chapter=chapter,
            number=number,
            has_text=_has_text(files.get(chapter.id, "")),
            missing=None if missing is None else missing.get(chapter.id, []),
            estimated=estimated,
        )
        for number, chapter in enumerate(OUTLINE, start=1)
    ]


def _estimate(request: Request, code: str, stored: PlanVersion | None) -> dict[str, list[str]] | None:
    """Before any plan document: which sections will lack both text and data, from the stored text, the register
    the plan uses (the frozen date once adopted, with the earliest earlier snapshot as the job takes it) and the
    plan's figures; milliseconds, no report engine. None without a register."""
    from legeplan.plan.estimate import available, estimate_missing

    storage = storage_of(request)
    try:
        register = storage.load_register(code, as_of=stored.register_as_of if stored is not None else None)
    except LookupError:
        return None
    earlier = [when for when in storage.snapshot_dates(code) if when < register.as_of]
    previous = storage.load_register(code, as_of=earlier[0]) if earlier else None
    return estimate_missing(stored.files if stored is not None else {}, available(register, previous))


def _parse_date(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        return None


# --- overview, state -------------------------------------------------------------------------------------------------


@router.get("/m/{code}/plan", response_class=HTMLResponse)
def plan_overview(request: Request, code: str, user: User = Depends(current_user)) -> HTMLResponse:
    require_scope(user, code)
    return _overview(request, user, code)


def _overview(
    request: Request, user: User, code: str, *, errors: dict[str, str] | None = None, status_code: int = 200
) -> HTMLResponse:
    storage = storage_of(request)
    versions = plan_versions(storage, code)
    stored = versions[-1] if versions else None
    report = _latest_report(request, code)
    estimate = _estimate(request, code, stored) if report is None else None
    documents = plan_documents(storage, code, limit=10)
    if not has_role(user, "editor"):
        documents = [document for document in documents if not document.internal]
    return render(
        request,
        "plan.html",
        status_code=status_code,
        code=code,
        stored=stored,
        versions=list(reversed(versions)),
        statuses=_statuses(stored, report, estimate),
        comments=list_comments(storage, code),
        documents=documents,
        register=load_register_or_none(request, code),
        can_edit=has_role(user, "editor"),
        errors=errors or {},
        states=PlanState,
        today=date.today().isoformat(),
    )


@router.post("/m/{code}/plan/state", response_model=None)
async def plan_state(request: Request, code: str, user: User = Depends(current_user)) -> Response:
    """Send on høring (with date), adopt (kommunestyre's date and case number) or take back to utkast."""
    form = await checked_form(request)
    require_scope(user, code, "editor")
    errors: dict[str, str] = {}
    try:
        new_state = PlanState(str(form.get("state", "")))
    except ValueError:
        new_state = None
        errors["state"] = text("plan.web.state_unknown")
    when = _parse_date(str(form.get("date", "")))
    if when is None:
        errors["date"] = text("plan.web.date_error")
    case_number = str(form.get("case_number", "")).strip() or None
    if new_state is PlanState.ADOPTED and case_number is None:
        errors["case_number"] = text("plan.web.case_needed")
    if errors or new_state is None or when is None:
        return _overview(request, user, code, errors=errors, status_code=400)
    storage = storage_of(request)
    frozen = None
    if new_state is PlanState.ADOPTED:
        frozen = max((each for each in storage.snapshot_dates(code) if each <= when), default=None)
    before = plan_version(storage, code)
    try:
        saved = set_plan_state(
            storage,
            code,
            new_state,
            author=user.username,
            when=when,
            case_number=case_number,
            register_as_of=frozen,
        )
    except (PlanLifecycleError, LookupError) as error:
        return _overview(request, user, code, errors={"state": str(error)}, status_code=409)
    audit(
        request,
        user,
        code,
        text("audit.action.plan_state"),
        f"plan/{saved.version}",
        {"state": before.state.value if before else None},
        {"state": saved.state.value, "date": when.isoformat(), "case_number": case_number, "register_as_of": frozen},
    )
    return redirect(f"/m/{code}/plan", text("plan.web.state_saved", state=saved.describe()), request)


@router.post("/m/{code}/plan/period", response_model=None)
async def plan_period(request: Request, code: str, user: User = Depends(current_user)) -> Response:
    """The plan period in years, as a new version (text and state unchanged)."""
    form = await checked_form(request)
    require_scope(user, code, "editor")
    raw = (str(form.get("period_start", "")).strip(), str(form.get("period_end", "")).strip())
    if not all(value.isdigit() and 2000 <= int(value) <= 2100 for value in raw) or int(raw[1]) < int(raw[0]):
        return _overview(request, user, code, errors={"period": text("plan.web.period_error")}, status_code=400)
    storage = storage_of(request)
    before = plan_version(storage, code)
    try:
        saved = set_plan_period(storage, code, int(raw[0]), int(raw[1]), user.username)
    except PlanLifecycleError as error:
        return _overview(request, user, code, errors={"period": str(error)}, status_code=409)
    audit(
        request,
        user,
        code,
        text("audit.action.changed"),
        f"plan/{saved.version}/periode",
        {"period": before.period() if before else ""},
        {"period": saved.period()},
    )
    return redirect(f"/m/{code}/plan", text("plan.web.period_saved", period=saved.period()), request)


# --- chapter text ----------------------------------------------------------------------------------------------------


def _editor(
    request: Request,
    user: User,
    code: str,
    chapter: ChapterOutline,
    *,
    markdown: str | None = None,
    base_version: int | None = None,
    conflict: PlanTextConflict | None = None,
    error: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    storage = storage_of(request)
    stored = plan_version(storage, code)
    current = stored.files.get(chapter.id) if stored is not None else None
    if markdown is None:
        markdown = current if current is not None else chapter_template(chapter)
        base_version = stored.version if stored is not None else None
    values = _values(request, code, stored)
    diff = line_diff(conflict.theirs, conflict.yours) if conflict is not None else []
    return render(
        request,
        "plan_chapter.html",
        status_code=status_code,
        code=code,
        chapter=chapter,
        number=CHAPTER_IDS.index(chapter.id) + 1,
        stored=stored,
        markdown=markdown,
        base_version=base_version,
        variables=[(name, values.get(name, ""), meaning) for name, meaning in TEXT_VARIABLES.items()],
        conflict=conflict,
        diff=diff,
        error=error,
        can_edit=has_role(user, "editor"),
        preview=_preview(chapter.id, markdown, values),
    )


def _preview(chapter_id: str, markdown: str, values: dict[str, str]) -> Any:
    from legeplan.plan.preview import preview_chapter

    return preview_chapter(chapter_id, markdown, values)


@router.get("/m/{code}/plan/chapter/{chapter_id}", response_class=HTMLResponse)
def chapter_page(request: Request, code: str, chapter_id: str, user: User = Depends(current_user)) -> HTMLResponse:
    require_scope(user, code)
    return _editor(request, user, code, _chapter(chapter_id))


@router.post("/m/{code}/plan/chapter/{chapter_id}/preview", response_class=HTMLResponse)
async def chapter_preview(
    request: Request, code: str, chapter_id: str, user: User = Depends(current_user)
) -> HTMLResponse:
    """The text as the plan will show it (htmx swaps it into the page); raw HTML in the text is shown as text."""
    form = await checked_form(request)
    require_scope(user, code, "editor")
    chapter = _chapter(chapter_id)
    stored = plan_version(storage_of(request), code)
    preview = _preview(chapter.id, str(form.get("markdown", "")), _values(request, code, stored))
    return render(request, "plan_preview.html", code=code, preview=preview)


def _base_version(raw: object) -> int | None:
    value = str(raw or "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise HTTPException(status_code=422, detail=text("error.bad_parameter", name="base_version", message=""))
    return int(value)


@router.post("/m/{code}/plan/chapter/{chapter_id}", response_model=None)
async def chapter_save(request: Request, code: str, chapter_id: str, user: User = Depends(current_user)) -> Response:
    """Save the chapter as a new version; a version saved by someone else since the form was opened, with another
    text for this chapter, is a conflict (409) showing both texts."""
    form = await checked_form(request)
    require_scope(user, code, "editor")
    chapter = _chapter(chapter_id)
    markdown = str(form.get("markdown", ""))
    base = _base_version(form.get("base_version"))
    storage = storage_of(request)
    try:
        saved, changed = save_plan_chapter(storage, code, chapter.id, markdown, user.username, base)
    except PlanTextConflict as conflict:
        return _editor(
            request,
            user,
            code,
            chapter,
            markdown=markdown,
            base_version=conflict.latest.version,
            conflict=conflict,
            status_code=409,
        )
    if not changed:
        return redirect(f"/m/{code}/plan/chapter/{chapter.id}", text("plan.web.unchanged"), request)
    audit(
        request,
        user,
        code,
        text("audit.action.plan_text"),
        f"plan/{saved.version}/{chapter.id}",
        {"version": base},
        {"version": saved.version, "chapter": chapter.id},
    )
    return redirect(f"/m/{code}/plan/chapter/{chapter.id}", text("plan.web.saved", version=saved.version), request)


# --- versions and diff -----------------------------------------------------------------------------------------------


@router.get("/m/{code}/plan/versions", response_class=HTMLResponse)
def versions_page(
    request: Request,
    code: str,
    chapter: str = "",
    a: int | None = None,
    b: int | None = None,
    user: User = Depends(current_user),
) -> HTMLResponse:
    """Every saved version (who, when, state) and the diff of one chapter between two of them."""
    require_scope(user, code)
    versions = plan_versions(storage_of(request), code)
    by_number = {each.version: each for each in versions}
    chosen = _chapter(chapter) if chapter else None
    old = by_number.get(a) if a is not None else None
    new = by_number.get(b) if b is not None else None
    if chosen is not None and (old is None or new is None) and len(versions) >= 2:
        old, new = old or versions[-2], new or versions[-1]
    diff = None
    if chosen is not None and old is not None and new is not None:
        diff = line_diff(old.files.get(chosen.id, ""), new.files.get(chosen.id, ""))
    changed: dict[int, list[str]] = {}
    previous: dict[str, str] = {}
    for each in versions:
        changed[each.version] = [cid for cid in CHAPTER_IDS if each.files.get(cid, "") != previous.get(cid, "")]
        previous = each.files
    return render(
        request,
        "plan_versions.html",
        code=code,
        versions=list(reversed(versions)),
        changed=changed,
        chapters=OUTLINE,
        chosen=chosen,
        old=old,
        new=new,
        diff=diff,
    )


# --- høring comments -------------------------------------------------------------------------------------------------


def _comment_form(form: Any) -> tuple[CommentDraft | None, dict[str, str], dict[str, str]]:
    values = {name: str(form.get(name, "")) for name in ("sender", "received", "chapter_id", "comment", "answer")}
    values["status"] = str(form.get("status", CommentStatus.RECEIVED.value))
    errors: dict[str, str] = {}
    received = _parse_date(values["received"])
    if received is None:
        errors["received"] = text("plan.web.date_error")
    try:
        status = CommentStatus(values["status"])
    except ValueError:
        errors["status"] = text("plan.web.status_unknown")
        status = CommentStatus.RECEIVED
    if errors or received is None:
        return None, errors, values
    try:
        draft = CommentDraft(
            sender=values["sender"],
            received=received,
            chapter_id=values["chapter_id"] or None,
            text=values["comment"],
            answer=values["answer"],
            status=status,
        )
    except ValidationError as error:
        names = {"sender": "sender", "text": "comment", "answer": "answer", "chapter_id": "chapter_id"}
        for item in error.errors():
            field = names.get(str(item["loc"][0]) if item["loc"] else "", "comment")
            errors[field] = text("plan.web.comment_field_error", field=text(f"plan.web.field.{field}"))
        return None, errors, values
    return draft, errors, values


def _comments_page(
    request: Request,
    user: User,
    code: str,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    editing: ConsultationComment | None = None,
    conflict: CommentConflict | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "plan_comments.html",
        status_code=status_code,
        code=code,
        comments=list_comments(storage_of(request), code),
        chapters=OUTLINE,
        statuses=list(CommentStatus),
        values=values or {"received": date.today().isoformat(), "status": CommentStatus.RECEIVED.value},
        errors=errors or {},
        editing=editing,
        conflict=conflict,
        stored=plan_version(storage_of(request), code),
        can_edit=has_role(user, "editor"),
    )


@router.get("/m/{code}/plan/comments", response_class=HTMLResponse)
def comments_page(request: Request, code: str, user: User = Depends(current_user)) -> HTMLResponse:
    require_scope(user, code)
    return _comments_page(request, user, code)


def _store_comment(request: Request, user: User, code: str, draft: CommentDraft) -> ConsultationComment:
    """A new høring comment, stored and audited (the page and the API add comments the same way)."""
    saved = add_comment(storage_of(request), code, draft, user.username)
    audit(
        request,
        user,
        code,
        text("audit.action.created"),
        f"plan/comment/{saved.id}",
        None,
        saved.model_dump(mode="json", include={"sender", "received", "chapter_id", "status"}),
    )
    return saved


@router.post("/m/{code}/plan/comments", response_model=None)
async def comment_add(request: Request, code: str, user: User = Depends(current_user)) -> Response:
    form = await checked_form(request)
    require_scope(user, code, "editor")
    draft, errors, values = _comment_form(form)
    if draft is None:
        return _comments_page(request, user, code, values=values, errors=errors, status_code=400)
    saved = _store_comment(request, user, code, draft)
    return redirect(f"/m/{code}/plan/comments", text("plan.web.comment_added", id=saved.id), request)


def _comment_values(comment: ConsultationComment) -> dict[str, str]:
    return {
        "sender": comment.sender,
        "received": comment.received.isoformat(),
        "chapter_id": comment.chapter_id or "",
        "comment": comment.text,
        "answer": comment.answer,
        "status": comment.status.value,
        "revision": str(comment.revision),
    }


@router.get("/m/{code}/plan/comments/{comment_id}", response_class=HTMLResponse)
def comment_page(request: Request, code: str, comment_id: int, user: User = Depends(current_user)) -> HTMLResponse:
    require_scope(user, code)
    comment = get_comment(storage_of(request), code, comment_id)
    if comment is None:
        raise HTTPException(status_code=404, detail=text("error.not_found"))
    return _comments_page(request, user, code, values=_comment_values(comment), editing=comment)


@router.post("/m/{code}/plan/comments/{comment_id}", response_model=None)
async def comment_update(request: Request, code: str, comment_id: int, user: User = Depends(current_user)) -> Response:
    """The comment and the municipality's answer; a stale form (someone answered meanwhile) is a conflict."""
    form = await checked_form(request)
    require_scope(user, code, "editor")
    storage = storage_of(request)
    comment = get_comment(storage, code, comment_id)
    if comment is None:
        raise HTTPException(status_code=404, detail=text("error.not_found"))
    draft, errors, values = _comment_form(form)
    revision_raw = str(form.get("revision", ""))
    revision = int(revision_raw) if revision_raw.isdigit() else comment.revision
    values["revision"] = str(revision)
    if draft is None:
        return _comments_page(request, user, code, values=values, errors=errors, editing=comment, status_code=400)
    try:
        saved = update_comment(storage, code, comment_id, draft, user.username, revision)
    except CommentConflict as conflict:
        values["revision"] = str(conflict.current.revision)
        return _comments_page(
            request, user, code, values=values, editing=conflict.current, conflict=conflict, status_code=409
        )
    audit(
        request,
        user,
        code,
        text("audit.action.changed"),
        f"plan/comment/{comment_id}",
        _comment_values(comment),
        _comment_values(saved),
    )
    return redirect(f"/m/{code}/plan/comments", text("plan.web.comment_saved", id=comment_id), request)


# --- the plan document as a job --------------------------------------------------------------------------------------


def _report_job(request: Request, user: User, code: str, job_id: str) -> JobRecord:
    require_scope(user, code)
    job = job_queue(request).get(job_id)
    if job is None or job.kind != REPORT_KIND or job.municipality_code != code:
        raise HTTPException(status_code=404, detail=text("error.not_found"))
    if job.payload.get("internal") and not has_role(user, "editor"):
        raise HTTPException(status_code=404, detail=text("error.not_found"))
    return job


@router.post("/m/{code}/plan/document", response_model=None)
async def document_start(request: Request, code: str, user: User = Depends(current_user)) -> Response:
    """«Lag plan»: a report job for PDF, DOCX or HTML, public or (editor/admin) internal. Nothing is built here."""
    form = await checked_form(request)
    require_scope(user, code)
    fmt = str(form.get("format", "pdf"))
    internal = str(form.get("internal", "")) in ("1", "on", "true")
    if fmt not in REPORT_FORMATS:
        raise HTTPException(status_code=422, detail=text("job.report.bad_format", format=fmt[:10]))
    if internal and not has_role(user, "editor"):
        raise HTTPException(status_code=403, detail=text("error.forbidden"))
    if load_register_or_none(request, code) is None:
        return _overview(request, user, code, errors={"document": text("reg.none")}, status_code=400)
    job = job_queue(request).enqueue(
        REPORT_KIND,
        user.username,
        code,
        {"format": fmt, "internal": internal, "simulation_runs": REPORT_SIMULATION_RUNS},
    )
    audit(request, user, code, text("audit.action.plan_document"), f"plan/document/{job.id}", None, {"format": fmt})
    return redirect(f"/m/{code}/plan/document/{job.id}")


@router.get("/m/{code}/plan/document/{job_id}", response_class=HTMLResponse)
def document_page(request: Request, code: str, job_id: str, user: User = Depends(current_user)) -> HTMLResponse:
    job = _report_job(request, user, code, job_id)
    poll_url = f"/m/{code}/plan/document/{job_id}/progress"
    return render(request, "plan_document.html", code=code, job=job, poll_url=poll_url)


@router.get("/m/{code}/plan/document/{job_id}/progress", response_model=None)
def document_progress(request: Request, code: str, job_id: str, user: User = Depends(current_user)) -> Response:
    """Polled by htmx every second; reloads the page (with its download link) when the job has finished."""
    job = _report_job(request, user, code, job_id)
    if job.finished:
        return Response(status_code=200, headers={"HX-Redirect": f"/m/{code}/plan/document/{job_id}"})
    return render(request, "job_progress.html", job=job, poll_url=f"/m/{code}/plan/document/{job_id}/progress")


@router.get("/m/{code}/plan/document/{job_id}/download", response_model=None)
def document_download(request: Request, code: str, job_id: str, user: User = Depends(current_user)) -> Response:
    require_scope(user, code)
    found = plan_document_content(storage_of(request), code, job_id)
    if found is None or (found[0].internal and not has_role(user, "editor")):
        raise HTTPException(status_code=404, detail=text("error.not_found"))
    document, content = found
    audit(request, user, code, text("audit.action.download"), f"plan/document/{job_id}", None, None)
    disposition = "inline" if document.media_type == "application/pdf" else "attachment"
    return Response(
        content,
        media_type=document.media_type,
        headers={"Content-Disposition": f'{disposition}; filename="{document.file_name}"'},
    )


# --- API: a chapter's text with a version (409 on a stale save) ------------------------------------------------------


class ChapterTextOut(BaseModel):
    chapter_id: str
    version: int | None
    markdown: str


class ChapterTextIn(BaseModel):
    markdown: str = Field(max_length=100_000)
    #: The version the text was read at (GET); None when there was no text yet.
    base_version: int | None = None


@router.get(
    "/api/municipalities/{code}/plan/chapters/{chapter_id}",
    response_model=ChapterTextOut,
    tags=["api"],
    responses=ERRORS,
)
def api_chapter(request: Request, code: str, chapter_id: str, user: User = Depends(current_user)) -> ChapterTextOut:
    require_scope(user, code)
    chapter = _chapter(chapter_id)
    stored = plan_version(storage_of(request), code)
    return ChapterTextOut(
        chapter_id=chapter.id,
        version=stored.version if stored is not None else None,
        markdown=stored.files.get(chapter.id, "") if stored is not None else "",
    )


@router.put(
    "/api/municipalities/{code}/plan/chapters/{chapter_id}",
    response_model=ChapterTextOut,
    tags=["api"],
    responses={**ERRORS, 409: {"model": ConflictOut, "description": "Stale `base_version`: someone else changed it"}},
)
def api_chapter_save(
    request: Request, code: str, chapter_id: str, body: ChapterTextIn, user: User = Depends(current_user)
) -> Any:
    check_csrf(request)
    require_scope(user, code, "editor")
    chapter = _chapter(chapter_id)
    try:
        markdown = clean_text(body.markdown, 100_000, multiline=True)
    except InputError as error:
        raise HTTPException(
            status_code=422, detail=text("error.bad_parameter", name="markdown", message=str(error))
        ) from error
    try:
        saved, changed = save_plan_chapter(
            storage_of(request), code, chapter.id, markdown, user.username, body.base_version
        )
    except PlanTextConflict as conflict:
        message = text(
            "conflict.api",
            entity=f"plan/{chapter.id}",
            expected=body.base_version if body.base_version is not None else 0,
            current=conflict.latest.version,
        )
        return JSONResponse(
            {
                "detail": message,
                "current": {"version": conflict.latest.version, "markdown": conflict.theirs},
                "yours": {"markdown": conflict.yours},
            },
            status_code=409,
        )
    if changed:
        audit(
            request,
            user,
            code,
            text("audit.action.plan_text"),
            f"plan/{saved.version}/{chapter.id}",
            {"version": body.base_version},
            {"version": saved.version, "chapter": chapter.id},
        )
    return ChapterTextOut(chapter_id=chapter.id, version=saved.version, markdown=saved.files.get(chapter.id, ""))


# --- høring comments in the API --------------------------------------------------------------------------------------


class CommentOut(BaseModel):
    """A høringsuttalelse with the municipality's answer; `revision` is what a PUT must send back."""

    id: int
    sender: str
    received: date
    chapter_id: str | None
    text: str
    answer: str
    status: CommentStatus
    revision: int
    created_by: str
    updated_by: str


class CommentIn(BaseModel):
    """A new høringsuttalelse as received: sender, date, chapter (None: the plan as a whole), text; the answer and
    status may be given at once."""

    model_config = ConfigDict(extra="forbid")

    sender: str = Field(min_length=1, max_length=200)
    received: date
    chapter_id: str | None = Field(None, max_length=40)
    text: str = Field(min_length=1, max_length=MAX_TEXT)
    answer: str = Field("", max_length=MAX_TEXT)
    status: CommentStatus = CommentStatus.RECEIVED


class CommentAnswerIn(BaseModel):
    """The municipality's answer to a comment and what it did with it, checked against `revision` (from GET)."""

    model_config = ConfigDict(extra="forbid")

    revision: int = Field(ge=1, le=2_000_000_000)
    answer: str = Field(max_length=MAX_TEXT)
    status: CommentStatus


def _comment_out(comment: ConsultationComment) -> CommentOut:
    return CommentOut.model_validate(comment.model_dump(include=set(CommentOut.model_fields)))


def _clean(name: str, value: str, *, multiline: bool = True) -> str:
    try:
        return clean_text(value, MAX_TEXT, multiline=multiline).strip()
    except InputError as error:
        raise HTTPException(
            status_code=422, detail=text("error.bad_parameter", name=name, message=str(error))
        ) from error


def _draft(values: dict[str, Any]) -> CommentDraft:
    """A checked draft; 422 naming the field (Norwegian) when the model refuses it, e.g. an unknown chapter."""
    try:
        return CommentDraft.model_validate(values)
    except ValidationError as error:
        item = error.errors()[0]
        field = str(item["loc"][0]) if item["loc"] else "text"
        message = str(item.get("ctx", {}).get("error", "")) or text(
            "plan.web.comment_field_error", field=text(f"plan.web.field.{_FORM_NAME.get(field, 'comment')}")
        )
        raise HTTPException(status_code=422, detail=text("error.bad_parameter", name=field, message=message)) from error


_FORM_NAME = {"sender": "sender", "text": "comment", "answer": "answer", "chapter_id": "chapter_id"}


@router.get(
    "/api/municipalities/{code}/plan/comments",
    response_model=list[CommentOut],
    tags=["api"],
    responses=ERRORS,
)
def api_comments(request: Request, code: str, user: User = Depends(current_user)) -> list[CommentOut]:
    """The høringsuttalelser by date received, with the municipality's answers (every role of the municipality)."""
    require_scope(user, code)
    return [_comment_out(c) for c in list_comments(storage_of(request), code)]


@router.get(
    "/api/municipalities/{code}/plan/comments/{comment_id}",
    response_model=CommentOut,
    tags=["api"],
    responses=ERRORS,
)
def api_comment(request: Request, code: str, comment_id: int, user: User = Depends(current_user)) -> CommentOut:
    require_scope(user, code)
    comment = get_comment(storage_of(request), code, comment_id)
    if comment is None:
        raise HTTPException(status_code=404, detail=text("error.not_found"))
    return _comment_out(comment)


@router.post(
    "/api/municipalities/{code}/plan/comments",
    response_model=CommentOut,
    status_code=201,
    tags=["api"],
    responses=ERRORS,
)
def api_comment_add(request: Request, code: str, body: CommentIn, user: User = Depends(current_user)) -> CommentOut:
    """Register a høringsuttalelse (editor or admin), as the page «Høringsuttalelser» does; audited."""
    check_csrf(request)
    require_scope(user, code, "editor")
    draft = _draft(
        {
            "sender": _clean("sender", body.sender, multiline=False),
            "received": body.received,
            "chapter_id": body.chapter_id or None,
            "text": _clean("text", body.text),
            "answer": _clean("answer", body.answer),
            "status": body.status,
        }
    )
    saved = _store_comment(request, user, code, draft)
    return _comment_out(saved)


@router.put(
    "/api/municipalities/{code}/plan/comments/{comment_id}",
    response_model=CommentOut,
    tags=["api"],
    responses={**ERRORS, 409: {"model": ConflictOut, "description": "Stale `revision`: someone else answered since"}},
)
def api_comment_answer(
    request: Request, code: str, comment_id: int, body: CommentAnswerIn, user: User = Depends(current_user)
) -> Any:
    """Answer a høringsuttalelse (editor or admin): the answer and status, if the comment is still at `revision`;
    otherwise 409 with the stored comment (`current`) and what was sent (`yours`), nothing saved. Audited."""
    check_csrf(request)
    require_scope(user, code, "editor")
    storage = storage_of(request)
    comment = get_comment(storage, code, comment_id)
    if comment is None:
        raise HTTPException(status_code=404, detail=text("error.not_found"))
    answer = _clean("answer", body.answer)
    draft = _draft(
        comment.model_dump(include=set(CommentDraft.model_fields)) | {"answer": answer, "status": body.status}
    )
    try:
        saved = update_comment(storage, code, comment_id, draft, user.username, body.revision)
    except CommentConflict as conflict:
        message = text(
            "conflict.api",
            entity=f"plan/comment/{comment_id}",
            expected=body.revision,
            current=conflict.current.revision,
        )
        return JSONResponse(
            {
                "detail": message,
                "current": _comment_out(conflict.current).model_dump(mode="json"),
                "yours": {"revision": body.revision, "answer": answer, "status": body.status.value},
            },
            status_code=409,
        )
    except LookupError as error:
        raise HTTPException(status_code=404, detail=text("error.not_found")) from error
    audit(
        request,
        user,
        code,
        text("audit.action.changed"),
        f"plan/comment/{comment_id}",
        {"answer": comment.answer, "status": comment.status.value, "revision": comment.revision},
        {"answer": saved.answer, "status": saved.status.value, "revision": saved.revision},
    )
    return _comment_out(saved)
