"""A kommuneoverlege (editor of the demo municipality) writes the legevakt chapter: opens it from the plan overview,
previews the text with a figure filled in and a stray tag shown as text, saves it as a new version."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from legeplan.storage.plan_texts import plan_version
from legeplan.web.auth import hash_password

from .support import DEMO_CODE, LiveServer, log_in

pytestmark = pytest.mark.browser

USER = "kommuneoverlege"
PASSWORD = "Legevakt-nord-2024"


def test_kommuneoverlege_edits_previews_and_saves_a_chapter(page: Page, live_server: LiveServer) -> None:
    store = live_server.app.state.web_store
    if store.user_with_hash(USER) is None:
        store.add_user(USER, hash_password(PASSWORD), "editor", DEMO_CODE)
    before = plan_version(live_server.app.state.storage, DEMO_CODE)
    log_in(page, USER, PASSWORD)
    page.goto(f"/m/{DEMO_CODE}/plan")
    expect(page.get_by_role("heading", level=1)).to_have_text("Plan for legetjenesten")
    page.get_by_role("link", name=re.compile(r"^\d+\. Legevakt$")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"Legevakt$"))

    editor = page.get_by_label("Tekst (Markdown)")
    editor.fill(
        "## Status\n\nLegevakten har {{ leger_legevakt }} leger i vaktordningen. <em>ikke markup</em>\n\n"
        "## Mål\n\n- Ingen ubesatte vakter i 2026"
    )
    page.get_by_role("button", name="Forhåndsvis").click()
    preview = page.locator("#preview")
    expect(preview.get_by_role("heading", name="Status")).to_be_visible()
    expect(preview).to_contain_text(re.compile(r"Legevakten har \d+ leger i vaktordningen"))
    expect(preview).to_contain_text("<em>ikke markup</em>")  # shown as text, not as a tag
    expect(preview.locator("em")).to_have_count(0)
    expect(preview.get_by_role("listitem")).to_have_text("Ingen ubesatte vakter i 2026")

    page.get_by_role("button", name="Lagre ny versjon").click()
    expect(page.get_by_role("status")).to_contain_text("Lagret som versjon")
    saved = plan_version(live_server.app.state.storage, DEMO_CODE)
    assert saved is not None and saved.author == USER
    assert saved.version == (before.version + 1 if before is not None else 1)
    assert "{{ leger_legevakt }}" in saved.files["legevakt"]  # the name is kept, so the figure stays true
    expect(editor).to_have_value(re.compile(r"Legevakten har \{\{ leger_legevakt \}\} leger"))
