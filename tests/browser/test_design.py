"""Every page at desktop and phone width (issue #16): no sideways page scroll at 390 px, no serious or critical
axe-core violation (WCAG 2.1 AA rules), and a screenshot of each in test-artifacts/."""

from __future__ import annotations

import re
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
    "scenario-result": f"/m/{DEMO_CODE}/scenarios/1",
    "scenario-compare": f"/m/{DEMO_CODE}/scenarios/compare?a=1&b=2",
    "rota": f"/legevakt/prov/{DEMO_CODE}",
    "import": "/import",
    "users": "/admin/users",
    "audit": "/audit",
    "plan": f"/m/{DEMO_CODE}/plan",
    "plan-chapter": f"/m/{DEMO_CODE}/plan/chapter/legevakt",
    "plan-versions": f"/m/{DEMO_CODE}/plan/versions?chapter=legevakt&a=1&b=1",
    "plan-comments": f"/m/{DEMO_CODE}/plan/comments",
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


# Contrast of an element's text against the first opaque background behind it (WCAG 2.1 formula).
CONTRAST_SCRIPT = """
element => {
  const rgb = text => text.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => [r, g, b]
    .map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  let node = element, background = null;
  while (node && !background) {
    const colour = rgb(getComputedStyle(node).backgroundColor);
    if (colour.length < 4 || colour[3] > 0) background = colour.slice(0, 3);
    node = node.parentElement;
  }
  const [a, b] = [lum(rgb(getComputedStyle(element).color)), lum(background || [255, 255, 255])];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}
"""


def test_rota_calendar_is_a_readable_agenda_on_a_phone(
    browser: Browser, live_server: LiveServer, axe: Axe, request: pytest.FixtureRequest
) -> None:
    """Issue #16 item 2: at 390 px the month grid becomes one block per day with its weekday, holidays on their own
    line, day numbers at ≥ 4,5:1 contrast, no sideways scroll and no serious axe violation."""
    context = browser.new_context(
        base_url=live_server.base_url, locale="nb-NO", viewport={"width": 390, "height": 844}, bypass_csp=True
    )
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    page = context.new_page()
    try:
        log_in(page, live_server.username, live_server.password)
        page.wait_for_url(f"**/m/{DEMO_CODE}")
        page.goto(f"/legevakt/prov/{DEMO_CODE}")
        page.get_by_label("Eksempel: 9 leger, 4 uker").check()
        page.get_by_label("Lengste tid å lete etter en bedre turnus (sekunder)").fill("3")
        page.get_by_role("button", name="Lag turnus").click()
        expect(page.locator("table.calendar").first).to_be_visible(timeout=60_000)
        ARTIFACTS_DIR.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS_DIR / artifact_name(f"design-{request.node.name}")), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        expect(page.locator("table.calendar thead").first).to_be_hidden()
        # Easter Monday 2026 (6 April): weekday before the number, the holiday's name on its own readable line.
        day = (
            page.locator("table.calendar td")
            .filter(has=page.locator(".daynum", has_text=re.compile(r"^6$")))
            .filter(has=page.locator(".holiday"))
        )
        expect(day).to_have_count(1)
        before = day.locator(".daynum").evaluate("e => getComputedStyle(e, '::before').content")
        assert before == '"Man "', before
        holiday = day.locator(".holiday")
        assert float(holiday.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 14
        holiday_box, number_box = holiday.bounding_box(), day.locator(".daynum").bounding_box()
        assert holiday_box and number_box and holiday_box["y"] >= number_box["y"] + number_box["height"] - 1
        assert holiday_box["x"] + holiday_box["width"] <= 390
        contrasts = [n.evaluate(CONTRAST_SCRIPT) for n in page.locator(".daynum, .holiday, .duty small").all()[:60]]
        assert min(contrasts) >= 4.5, min(contrasts)
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
        serious = [v["id"] for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
        assert not serious, serious
    finally:
        context.close()
