"""Users and roles in the browser: an admin creates a reader, who then sees the municipality but cannot change it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .support import DEMO_CODE, LiveServer, log_in

pytestmark = pytest.mark.browser

READER = "leser-nettleser"
READER_PASSWORD = "lesepassord-123"


def test_admin_creates_a_reader_who_can_look_but_not_change(admin_page: Page, live_server: LiveServer) -> None:
    page = admin_page
    page.get_by_role("navigation").get_by_role("link", name="Brukere").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Brukere")
    page.get_by_label("Brukernavn").fill(READER)
    # Too short a password is refused field by field, and no user is created.
    page.get_by_label("Passord (minst 12 tegn)").fill("kort")
    page.get_by_label("Rolle").select_option("viewer")
    page.get_by_label("Kommune", exact=True).fill(DEMO_CODE)
    page.get_by_role("button", name="Opprett bruker").click()
    expect(page.get_by_text("Passordet må ha minst 12 tegn.")).to_be_visible()
    assert live_server.app.state.web_store.user_with_hash(READER) is None

    page.get_by_label("Passord (minst 12 tegn)").fill(READER_PASSWORD)
    page.get_by_label("Rolle").select_option("viewer")
    page.get_by_role("button", name="Opprett bruker").click()
    expect(page.get_by_role("status")).to_have_text("Brukeren er opprettet.")
    reader_row = page.get_by_role("row").filter(has=page.get_by_role("cell", name=READER, exact=True))
    expect(reader_row).to_contain_text("Leser")
    expect(reader_row).to_contain_text(DEMO_CODE)

    page.get_by_role("button", name="Logg ut").click()
    log_in(page, READER, READER_PASSWORD)
    expect(page).to_have_url(re.compile(rf"/m/{DEMO_CODE}$"))
    expect(page.get_by_text(f"{READER} · Leser")).to_be_visible()
    expect(page.locator("li.figure").first).to_be_visible()
    menu = page.get_by_role("navigation")
    for hidden in ("Import", "Brukere", "Endringslogg"):
        expect(menu.get_by_role("link", name=hidden, exact=True)).to_have_count(0)

    page.goto(f"/m/{DEMO_CODE}/scenarios")
    expect(page.get_by_role("link", name="Vis resultat").first).to_be_visible()
    expect(page.get_by_role("link", name="Endre")).to_have_count(0)
    expect(page.get_by_role("button", name="Opprett")).to_have_count(0)

    page.goto(f"/legevakt/prov/{DEMO_CODE}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Prøv en turnus")
    expect(page.get_by_role("button", name="Lag turnus")).to_have_count(0)

    response = page.goto("/import")
    assert response is not None and response.status == 403
    expect(page.get_by_text("Du har ikke tilgang til dette.")).to_be_visible()
