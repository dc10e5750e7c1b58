"""The plan in the web app: edit a chapter with a server-side preview (raw HTML escaped, figures filled in), save as
versions with a diff, a stale save gets a conflict (409 in the API too), adoption freezes the data, høring comments
with answers, roles, and the plan document made by a job."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from html import unescape
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from legeplan.i18n import NB, text
from legeplan.register.demo import demo_register
from legeplan.report.facts import compute_facts
from legeplan.report.inputs import PlanInputs
from legeplan.storage.plan_comments import list_comments
from legeplan.storage.plan_texts import plan_version, plan_versions

Login = Callable[[str], tuple[TestClient, str]]
CHAPTER = "/m/3804/plan/chapter/legevakt"


def _form(page: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))


def _save(client: TestClient, token: str, markdown: str, base: str) -> object:
    return client.post(CHAPTER, data={"csrf_token": token, "markdown": markdown, "base_version": base})


def test_preview_escapes_raw_html_and_fills_in_the_figures(login: Login) -> None:
    client, token = login("redaktor")
    page = client.get(CHAPTER)
    assert page.status_code == 200
    assert "Legevaktsentralen svarer 116 117" in page.text  # the demo's example text, stored as version 1
    guide = client.get("/m/1804/plan/chapter/legevakt")
    assert guide.status_code == 404  # another municipality is not found
    assert "{{ ledig_kapasitet }}" in unescape(page.text)  # the list of figures with their current values
    markdown = "<script>alert('x')</script>\n\n## Status\n\nLedig kapasitet er {{ ledig_kapasitet }}."
    preview = client.post(f"{CHAPTER}/preview", data={"markdown": markdown}, headers={"X-CSRF-Token": token})
    assert preview.status_code == 200
    assert "<script>" not in preview.text and "&lt;script&gt;" in preview.text
    expected = compute_facts(PlanInputs(register=demo_register())).variables()["ledig_kapasitet"]
    assert f"Ledig kapasitet er {expected}." in preview.text and "<h3>Status</h3>" in preview.text
    bad = client.post(f"{CHAPTER}/preview", data={"markdown": "{{ tull }}"}, headers={"X-CSRF-Token": token})
    assert "ukjent tall" in unescape(bad.text)
    assert client.post(f"{CHAPTER}/preview", data={"markdown": "x"}).status_code == 403  # no CSRF token


def test_save_versions_diff_and_a_stale_save_is_a_conflict(login: Login, app: FastAPI) -> None:
    kari, kari_token = login("redaktor")
    demo = _form(kari.get(CHAPTER).text)["base_version"]
    assert demo == "1"  # the demo's text
    first = _save(kari, kari_token, "## Status\n\nTo leger går vakt.", demo)
    assert first.status_code == 303  # type: ignore[attr-defined]
    opened = _form(kari.get(CHAPTER).text)
    assert opened["base_version"] == "2"
    admin, admin_token = login("admin")
    second = _save(admin, admin_token, "## Status\n\nTre leger går vakt.", "2")
    assert second.status_code == 303  # type: ignore[attr-defined]
    versions = plan_versions(app.state.storage, "3804")
    assert [(v.version, v.author) for v in versions] == [(1, "demo"), (2, "redaktor"), (3, "admin")]
    # Kari saves from the page she opened at version 2: a conflict showing both texts, nothing saved.
    stale = _save(kari, kari_token, "## Status\n\nFire leger går vakt.", opened["base_version"])
    assert stale.status_code == 409  # type: ignore[attr-defined]
    body = unescape(stale.text)  # type: ignore[attr-defined]
    assert NB["conflict.title"] in body and "Tre leger går vakt." in body and "Fire leger går vakt." in body
    assert len(plan_versions(app.state.storage, "3804")) == 3
    # The same text again is no new version.
    _save(admin, admin_token, "## Status\n\nTre leger går vakt.\n", "3")
    assert len(plan_versions(app.state.storage, "3804")) == 3
    diff = kari.get("/m/3804/plan/versions", params={"chapter": "legevakt", "a": 2, "b": 3})
    assert diff.status_code == 200
    assert "<del>To</del>" in diff.text and "<ins>Tre</ins>" in diff.text


def test_api_chapter_save_gets_409_on_a_stale_version(login: Login) -> None:
    client, token = login("redaktor")
    url = "/api/municipalities/3804/plan/chapters/innledning"
    read = client.get(url).json()
    assert read["version"] == 1 and read["markdown"].startswith("Planen er kommunens første")  # the demo text
    headers = {"X-CSRF-Token": token}
    assert client.put(url, json={"markdown": "Første."}, headers=headers).status_code == 409  # no base: stale
    saved = client.put(url, json={"markdown": "Første.", "base_version": 1}, headers=headers)
    assert saved.status_code == 200 and saved.json()["version"] == 2
    client.put(url, json={"markdown": "Andre.", "base_version": 2}, headers=headers)
    stale = client.put(url, json={"markdown": "Tredje.", "base_version": 2}, headers=headers)
    assert stale.status_code == 409
    assert stale.json()["current"] == {"version": 3, "markdown": "Andre.\n"}
    assert stale.json()["yours"] == {"markdown": "Tredje.\n"}
    assert "Konflikt" in stale.json()["detail"]


def test_viewer_reads_but_cannot_edit(login: Login) -> None:
    editor, token = login("redaktor")
    _save(editor, token, "## Status\n\nLegevakten har {{ leger_legevakt }} leger. <b>fet?</b>", "1")
    viewer, viewer_token = login("leser")
    page = viewer.get(CHAPTER)
    assert page.status_code == 200 and "<textarea" not in page.text and "&lt;b&gt;" in page.text
    assert "{{ leger_legevakt }}" not in page.text.split("variables-title")[0]
    assert _save(viewer, viewer_token, "Nei.", "2").status_code == 403  # type: ignore[attr-defined]
    assert viewer.get("/m/3804/plan").status_code == 200
    other, _ = login("bodo")  # admin of another municipality: not found at all
    assert other.get(CHAPTER).status_code == 404


def test_hearing_then_adoption_freezes_the_figures(login: Login, app: FastAPI) -> None:
    client, token = login("redaktor")
    _save(client, token, "## Status\n\nTekst.", "1")
    wrong = client.post("/m/3804/plan/period", data={"csrf_token": token, "period_start": "2028", "period_end": "2025"})
    assert wrong.status_code == 400 and NB["plan.web.period_error"] in unescape(wrong.text)
    period = {"csrf_token": token, "period_start": "2025", "period_end": "2028"}
    assert client.post("/m/3804/plan/period", data=period).status_code == 303
    missing_case = client.post(
        "/m/3804/plan/state", data={"csrf_token": token, "state": "vedtatt", "date": "2020-12-10"}
    )
    assert missing_case.status_code == 400 and NB["plan.web.case_needed"] in unescape(missing_case.text)
    hearing = client.post("/m/3804/plan/state", data={"csrf_token": token, "state": "høring", "date": "2020-09-01"})
    assert hearing.status_code == 303
    adopted = client.post(
        "/m/3804/plan/state",
        data={"csrf_token": token, "state": "vedtatt", "date": "2020-12-10", "case_number": "20/123"},
    )
    assert adopted.status_code == 303
    stored = plan_version(app.state.storage, "3804")
    assert stored is not None and stored.state.value == "vedtatt" and stored.case_number == "20/123"
    assert stored.register_as_of == demo_register().as_of  # the register date on the day of the decision
    assert stored.files == plan_versions(app.state.storage, "3804")[1].files  # the text frozen with it
    assert stored.period() == "2025–2028"
    overview = client.get("/m/3804/plan")
    assert "Vedtatt 10.12.2020, sak 20/123" in overview.text and "frosset per 01.08.2020" in overview.text
    again = client.post("/m/3804/plan/state", data={"csrf_token": token, "state": "utkast", "date": "2021-01-01"})
    assert again.status_code == 409
    assert client.post("/m/3804/plan/period", data=period | {"period_end": "2029"}).status_code == 409
    assert "2025–2028" in overview.text


def test_comments_are_added_answered_and_guarded(login: Login, app: FastAPI) -> None:
    client, token = login("redaktor")
    added = client.post(
        "/m/3804/plan/comments",
        data={
            "csrf_token": token,
            "sender": "Allmennlegeutvalget (ALU)",
            "received": "2020-09-20",
            "chapter_id": "legevakt",
            "comment": "Bakvakt mangler.\nSe vedlegg.",
            "answer": "",
            "status": "mottatt",
        },
    )
    assert added.status_code == 303
    (comment,) = list_comments(app.state.storage, "3804")
    assert comment.text == "Bakvakt mangler.\nSe vedlegg." and comment.chapter_id == "legevakt"
    form = client.get(f"/m/3804/plan/comments/{comment.id}")
    assert form.status_code == 200 and 'name="revision" value="1"' in form.text
    values = {
        "csrf_token": token,
        "sender": comment.sender,
        "received": "2020-09-20",
        "chapter_id": "legevakt",
        "comment": comment.text,
        "answer": "Bakvakt innføres fra 2021.",
        "status": "tatt til følge",
        "revision": "1",
    }
    assert client.post(f"/m/3804/plan/comments/{comment.id}", data=values).status_code == 303
    stale = client.post(f"/m/3804/plan/comments/{comment.id}", data=values | {"answer": "Nei."})
    assert stale.status_code == 409 and "Bakvakt innføres fra 2021." in stale.text
    (answered,) = list_comments(app.state.storage, "3804")
    assert answered.answer == "Bakvakt innføres fra 2021." and answered.revision == 2
    bad = client.post("/m/3804/plan/comments", data={"csrf_token": token, "sender": "", "received": "igår"})
    assert bad.status_code == 400 and NB["plan.web.date_error"] in unescape(bad.text)
    listing = client.get("/m/3804/plan/comments")
    assert "Bakvakt innføres fra 2021." in listing.text and "1 av 1 besvart" in listing.text


def test_a_viewer_cannot_make_the_internal_version(login: Login) -> None:
    viewer, token = login("leser")
    response = viewer.post("/m/3804/plan/document", data={"csrf_token": token, "format": "pdf", "internal": "1"})
    assert response.status_code == 403


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_the_plan_document_is_made_by_a_job_with_the_text(login: Login, app: FastAPI, tmp_path: Path) -> None:
    client, token = login("redaktor")
    _save(client, token, "## Status\n\nLegevaktsamarbeidet Vestfold dekker natt.", "1")
    started = client.post("/m/3804/plan/document", data={"csrf_token": token, "format": "pdf"})
    assert started.status_code == 303
    page_url = started.headers["location"]
    job_id = page_url.rsplit("/", 1)[-1]
    job = app.state.job_queue.get(job_id)
    assert job is not None and job.kind == "report" and job.payload["internal"] is False
    finished = app.state.job_queue.wait(job_id, timeout=300)
    assert finished is not None and finished.state == "done", finished and finished.error
    page = client.get(page_url)
    assert "download-plan" in page.text
    download = client.get(f"{page_url}/download")
    assert download.status_code == 200 and download.headers["content-type"] == "application/pdf"
    assert download.content.startswith(b"%PDF")
    pdf = tmp_path / "plan.pdf"
    pdf.write_bytes(download.content)
    words = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Legevaktsamarbeidet Vestfold dekker natt." in " ".join(words.split())
    assert "Lokaler og utstyr" in finished.result["missing"]["legevakt"]
    overview = client.get("/m/3804/plan")
    assert "plan-for-legetjenesten-3804-offentlig.pdf" in overview.text
    viewer, _ = login("leser")
    assert viewer.get(f"{page_url}/download").status_code == 200  # the public version is for every role


def test_before_any_document_the_page_estimates_what_is_missing(login: Login) -> None:
    """No «Lag plan» yet: each chapter row shows an estimate (labelled «Anslag») from the register, the figures and
    the stored text, instead of «–»; writing a section takes it off the list at once."""
    client, token = login("redaktor")

    def legevakt_row() -> str:
        page = client.get("/m/3804/plan").text
        assert text("plan.web.estimate_note") in page and text("plan.web.missing_unknown") not in page
        found = re.search(r'<tr data-chapter="legevakt">(.*?)</tr>', page, re.S)
        assert found is not None
        return found.group(1)

    assert "Anslag: alle deler får innhold" in legevakt_row()  # the demo's text covers every section
    saved = _save(client, token, "## Lokaler og utstyr\n\nNye lokaler i 2027.", "1")
    assert getattr(saved, "status_code", None) == 303
    row = legevakt_row()
    expected = (
        "Legevaktsentral og nødnett, Bakvakt og kompetansekrav, Interkommunalt samarbeid, Identifiserte behov, Mål"
    )
    assert f"Anslag: mangler trolig data: {expected}" in row and "Lokaler og utstyr" not in row
