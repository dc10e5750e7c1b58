"""Every page at desktop and phone width (issue #16): no sideways page scroll at 390 px, no serious or critical
axe-core violation (WCAG 2.1 AA rules), and a screenshot of each in test-artifacts/."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from .support import ACTION_TIMEOUT_MS, ARTIFACTS_DIR, DEMO_CODE, LiveServer, artifact_name, log_in

pytestmark = pytest.mark.browser

PAGES = {
    "dashboard": f"/m/{DEMO_CODE}",
    "register": f"/m/{DEMO_CODE}/register?kind=physicians",
    "register-search": f"/m/{DEMO_CODE}/register?kind=physicians&status=all&sort=birth_year&desc=1",
    "new-physician": f"/m/{DEMO_CODE}/register/physicians/new",
    "scenarios": f"/m/{DEMO_CODE}/scenarios",
    "rota": f"/m/{DEMO_CODE}/rota",
    "import": "/import",
    "users": "/admin/users",
    "audit": "/audit",
}
WIDTHS = {"desktop": (1366, 900), "phone": (390, 844)}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()


@pytest.fixture(params=list(WIDTHS))
def sized_page(request: pytest.FixtureRequest, browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    width, height = WIDTHS[request.param]
    # axe is injected with page.evaluate; the app's Content-Security-Policy must not stop the checker itself.
    context = browser.new_context(
        base_url=live_server.base_url, locale="nb-NO", viewport={"width": width, "height": height}, bypass_csp=True
    )
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    expect.set_options(timeout=ACTION_TIMEOUT_MS)
    page = context.new_page()
    log_in(page, live_server.username, live_server.password)
    page.wait_for_url(f"**/m/{DEMO_CODE}")
    try:
        yield page
    finally:
        context.close()


@pytest.mark.parametrize("name", list(PAGES))
def test_page_fits_the_screen_and_passes_axe(
    sized_page: Page, axe: Axe, name: str, request: pytest.FixtureRequest
) -> None:
    response = sized_page.goto(PAGES[name])
    assert response is not None and response.ok, f"{name}: {response.status if response else 'no response'}"
    sized_page.wait_for_load_state("networkidle")
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    sized_page.screenshot(path=str(ARTIFACTS_DIR / artifact_name(f"design-{request.node.name}")), full_page=True)
    overflow = sized_page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name} scrolls sideways by {overflow} px"
    results = axe.run(sized_page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not serious, f"{name}:\n" + "\n".join(serious)


def test_phone_menu_button_opens_the_menu(sized_page: Page) -> None:
    sized_page.goto(f"/m/{DEMO_CODE}")
    menu_button = sized_page.locator("details.menu > summary")
    register_link = sized_page.get_by_role("link", name="Register", exact=True)
    if sized_page.viewport_size and sized_page.viewport_size["width"] < 600:
        header_height = sized_page.evaluate("document.querySelector('header.top').getBoundingClientRect().height")
        assert header_height <= 80, f"the phone header is {header_height} px tall"
        expect(register_link).to_be_hidden()
        box = menu_button.bounding_box()
        assert box is not None and box["height"] >= 44
        menu_button.click()
    expect(register_link).to_be_visible()
    register_link.click()
    expect(sized_page.locator("header nav a[aria-current=page]")).to_have_text("Register")
