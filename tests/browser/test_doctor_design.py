"""The doctor's pages and the legevaktsjef's request pages at desktop and phone width: no sideways page scroll at
390 px and no serious or critical axe-core violation (WCAG 2.1 A/AA), as test_design.py checks the other pages."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from legeplan.web.auth import hash_password
from web.living_setup import PASSWORD, Living, add_lege, build

from .support import ACTION_TIMEOUT_MS, ARTIFACTS_DIR, DEMO_CODE, LiveServer, artifact_name, log_in
from .test_design import AXE_TAGS, WIDTHS

pytestmark = pytest.mark.browser

LEGE = "lege-design"
SJEF = "sjef-design"


@pytest.fixture(scope="module")
def living(live_server: LiveServer) -> Living:
    app = live_server.app
    made = build(app.state.storage, name="Legevakt for designtest", who=SJEF)
    add_lege(app.state.web_store, LEGE, made.a.id)
    app.state.web_store.add_user(SJEF, hash_password(PASSWORD), "editor", DEMO_CODE)
    return made


def pages(living: Living) -> dict[str, tuple[str, str]]:
    m = living.monday
    return {
        "mine-vakter": (LEGE, "/lege"),
        "periode": (LEGE, f"/lege/periode/{living.period.id}"),
        "onsker": (LEGE, f"/lege/periode/{living.draft.id}/onsker"),
        "bytt": (LEGE, f"/lege/periode/{living.period.id}/bytt?vakt={m}%7Ckveld%7Cvakt"),
        "gi-bort": (LEGE, f"/lege/periode/{living.period.id}/gi-bort?vakt={m}%7Ckveld%7Cvakt"),
        "meldinger": (LEGE, "/meldinger"),
        "sjef-foresporsler": (SJEF, f"/lege/sjef/{living.legevakt.id}/foresporsler"),
        "sjef-onsker": (SJEF, f"/lege/sjef/{living.legevakt.id}/onsker"),
    }


@pytest.fixture(params=list(WIDTHS))
def width(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def context_page(browser: Browser, live_server: LiveServer, width: str) -> Iterator[Page]:
    w, h = WIDTHS[width]
    context = browser.new_context(
        base_url=live_server.base_url, locale="nb-NO", viewport={"width": w, "height": h}, bypass_csp=True
    )
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    expect.set_options(timeout=ACTION_TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.mark.parametrize(
    "name", ["mine-vakter", "periode", "onsker", "bytt", "gi-bort", "meldinger", "sjef-foresporsler", "sjef-onsker"]
)
def test_doctor_page_fits_and_passes_axe(
    context_page: Page, living: Living, name: str, request: pytest.FixtureRequest
) -> None:
    user, path = pages(living)[name]
    log_in(context_page, user, PASSWORD)
    context_page.wait_for_load_state("networkidle")
    response = context_page.goto(path)
    assert response is not None and response.ok, f"{name}: {response.status if response else 'no response'}"
    context_page.wait_for_load_state("networkidle")
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    context_page.screenshot(path=str(ARTIFACTS_DIR / artifact_name(f"design-{request.node.name}")), full_page=True)
    overflow = context_page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name} scrolls sideways by {overflow} px"
    results = Axe().run(context_page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not serious, f"{name}:\n" + "\n".join(serious)
