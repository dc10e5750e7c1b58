"""The doctor's journey (issue #12): log in as a lege, enter a wish, see the published rota, ask to swap a duty with a
colleague; the legevaktsjef approves in a second browser context; the doctor sees the swapped duty in «Mine vakter»
and the answer in «Meldinger»."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from legeplan.storage.rota_store import RotaStore
from legeplan.web.auth import hash_password
from web.living_setup import PASSWORD, add_lege, build

from .support import ACTION_TIMEOUT_MS, DEMO_CODE, LiveServer, log_in, snapshot

pytestmark = pytest.mark.browser

SJEF = "sjef-nettleser"


def test_doctor_wishes_sees_rota_swaps_and_gets_the_answer(
    page: Page, browser: Browser, live_server: LiveServer, request: pytest.FixtureRequest
) -> None:
    app = live_server.app
    living = build(app.state.storage, name="Legevakt for legens reise", who=SJEF)
    add_lege(app.state.web_store, "lege-nettleser", living.a.id)
    app.state.web_store.add_user(SJEF, hash_password(PASSWORD), "editor", DEMO_CODE)
    m = living.monday
    tuesday = (m + timedelta(days=1)).strftime("%d.%m.%Y")

    # Log in as the doctor: «Mine vakter» first.
    log_in(page, "lege-nettleser", PASSWORD)
    expect(page).to_have_url(re.compile(r"/lege$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mine vakter")
    block = page.locator("section.legevakt").filter(has_text="Legevakt for legens reise")
    expect(block.locator("table.own-shifts tbody tr")).to_have_count(2)

    # A wish for the draft period, before its deadline.
    block.locator("article.period").filter(has_text="Sommerperiode").get_by_role(
        "link", name="Ønsker og fravær"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ønsker og fravær")
    page.get_by_label("Type").select_option("wish_off")
    day = living.draft.start + timedelta(days=3)
    page.get_by_label("Fra").fill(day.isoformat())
    page.get_by_label("Til").fill(day.isoformat())
    page.get_by_label("Merknad").fill("Konfirmasjon")
    page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_role("status")).to_have_text("Lagret.")
    expect(page.locator("table.entries")).to_contain_text("Ønsker fri")
    store = RotaStore(app.state.storage)
    assert [e.kind for e in store.availability(living.draft.id, living.a.id)] == ["wish_off"]

    # The whole published rota, read-only, with every doctor's name.
    page.goto(f"/lege/periode/{living.period.id}")
    expect(page.locator("table.calendar").first).to_contain_text(living.b.name)
    expect(page.get_by_role("button", name="Lagre")).to_have_count(0)

    # Ask to swap the Monday kveld for colleague D's Tuesday natt.
    page.locator("table.own-shifts tbody tr").first.get_by_role("link", name="Bytt vakt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bytt vakt")
    page.get_by_label("Bytt med").select_option(f"{living.d.id}|{m + timedelta(days=1)}|natt")
    page.get_by_label("Begrunnelse").fill("Familieselskap")
    page.get_by_role("button", name="Send forespørsel").click()
    expect(page.get_by_role("status")).to_contain_text("sendt til legevaktsjefen")
    expect(page.locator("table.requests")).to_contain_text("Venter på legevaktsjefen")
    snapshot(page, request.node.name, "sent")

    # The legevaktsjef approves in a second browser context (own cookies).
    context = browser.new_context(
        base_url=live_server.base_url, locale="nb-NO", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    sjef = context.new_page()
    try:
        log_in(sjef, SJEF, PASSWORD)
        sjef.goto("/lege")
        sjef.locator("li").filter(has_text="Legevakt for legens reise").get_by_role(
            "link", name=re.compile("Forespørsler")
        ).click()
        item = sjef.locator("article.request").first
        expect(item).to_contain_text(living.a.name)
        item.get_by_role("button", name="Godkjenn").click()
        expect(sjef.get_by_role("status")).to_have_text("Godkjent. Turnusen er lagret som versjon 2.")
    finally:
        context.close()

    # The doctor sees the swapped duty and the answer.
    page.goto("/lege")
    block = page.locator("section.legevakt").filter(has_text="Legevakt for legens reise")
    expect(block.locator("table.own-shifts").first).to_contain_text(tuesday)
    badge = page.get_by_role("navigation").get_by_role("link", name=re.compile("Meldinger"))
    expect(badge).to_contain_text("1")
    badge.click()
    expect(page.locator("ul.inbox")).to_contain_text("Forespørselen din er godkjent")
    current = store.current_version(living.period.id)
    assert current is not None and current.number == 2 and current.source == "swap"
