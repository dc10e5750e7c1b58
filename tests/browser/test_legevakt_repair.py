"""The legevaktsjef's journey when a doctor falls ill: open a published period, mark the doctor ill for a week, and see
the repaired rota with every changed assignment listed (issue #12)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from legeplan import living_rota as live
from legeplan.legevakt import example_problem
from legeplan.legevakt.model import Role
from legeplan.legevakt.repair import duties_in_absence
from legeplan.storage.rota_store import RotaStore

from .support import ARTIFACTS_DIR, DEMO_CODE, LiveServer, log_in, snapshot

pytestmark = pytest.mark.browser

REPAIR_TIMEOUT_MS = 90_000
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def test_mark_a_doctor_ill_for_a_week_and_see_the_repaired_rota(
    admin_page: Page, live_server: LiveServer, request: pytest.FixtureRequest
) -> None:
    # The premise: a published period of the small example (9 doctors, four weeks of Easter 2026).
    store = RotaStore(live_server.app.state.storage)
    legevakt = store.create_legevakt("Sandefjord legevakt (nettlesertest)", [DEMO_CODE], "sjef")
    problem = example_problem("small")
    period = store.create_period(legevakt.id, problem, "sjef", name="Påsken 2026 (nettlesertest)")
    live.solve_now(store, period.id, "sjef", time_limit_s=3)
    store.publish(period.id, "sjef", expected_version=2)
    before = store.current_version(period.id)
    assert before is not None
    start = problem.start + timedelta(days=7)
    end = start + timedelta(days=6)
    ill = "moe"
    assert any(a.doctor == ill and start <= a.date <= end for a in before.assignments)

    page = admin_page
    page.goto("/legevakt")
    page.get_by_role("link", name=legevakt.name).click()
    page.get_by_role("link", name=period.name).click()
    expect(page.locator("#period-state")).to_have_text("Publisert")
    page.locator("#a-doctor").select_option(ill)
    page.locator("#a-from").fill(start.isoformat())
    page.locator("#a-to").fill(end.isoformat())
    page.locator("#a-why").fill("Influensa")
    snapshot(page, request.node.name, "form")
    page.locator("#absence-submit").click()

    # The repair runs as a job; the progress page polls, then the period shows what changed.
    changes = page.locator("#changes")
    expect(changes).to_be_visible(timeout=REPAIR_TIMEOUT_MS)
    after = store.current_version(period.id)
    assert after is not None and after.number == 2 and after.source == "repair"
    event = store.events(period.id, kind="repair")[0]
    rows = changes.locator("tbody tr")
    expect(rows).to_have_count(len(event.detail["changes"]))
    names = {d.id: d.name for d in problem.doctors}
    for index, change in enumerate(event.detail["changes"]):
        cells = rows.nth(index).locator("td")
        year, month, day = change["date"].split("-")
        expect(cells.nth(0)).to_have_text(f"{day}.{month}.{year}")
        expect(cells.nth(2)).to_have_text(names[change["from_doctor"]] if change["from_doctor"] else "–")
        expect(cells.nth(3)).to_have_text(names[change["to_doctor"]] if change["to_doctor"] else "–")
    expect(changes).to_contain_text(f"{names[ill]} er borte {start:%d.%m.%Y}–{end:%d.%m.%Y}")
    # Every one of the ill doctor's duties that week is among the changes, and the doctor has none left.
    his = {(a.date.isoformat(), a.shift_type) for a in duties_in_absence(problem, before.assignments, ill, start, end)}
    listed = {(c["date"], c["shift_type"]) for c in event.detail["changes"] if c["from_doctor"] == ill}
    assert his == listed
    assert not [a for a in after.assignments if a.doctor == ill and start <= a.date <= end]
    # The published version is still readable beside the new one.
    expect(page.get_by_role("link", name="versjon 1")).to_be_visible()


@pytest.fixture(scope="module")
def published_period(live_server: LiveServer) -> tuple[int, int]:
    """(legevakt id, period id) of a solved, published period with one manual edit, for the design checks."""
    store = RotaStore(live_server.app.state.storage)
    legevakt = store.create_legevakt("Sandefjord legevakt (utforming)", [DEMO_CODE], "sjef")
    period = store.create_period(legevakt.id, example_problem("small"), "sjef", name="Påsken 2026 (utforming)")
    live.solve_now(store, period.id, "sjef", time_limit_s=3)
    store.publish(period.id, "sjef", expected_version=2)
    store.create_calendar_token(legevakt.id, "moe", "sjef")
    return legevakt.id, period.id


@pytest.mark.parametrize("width", [1366, 390])
@pytest.mark.parametrize("name", ["list", "legevakt", "period", "events", "coverage", "candidates"])
def test_legevakt_pages_fit_the_screen_and_pass_axe(
    browser: Browser, live_server: LiveServer, published_period: tuple[int, int], name: str, width: int
) -> None:
    legevakt_id, period_id = published_period
    store = RotaStore(live_server.app.state.storage)
    rota = store.current_version(period_id) or pytest.fail()
    first = next(a for a in rota.assignments if a.role is Role.VAKT)  # «erstatter» replaces a vakt, not a bakvakt
    paths = {
        "list": "/legevakt",
        "legevakt": f"/legevakt/{legevakt_id}",
        "period": f"/legevakt/periode/{period_id}",
        "events": f"/legevakt/periode/{period_id}/hendelser",
        "coverage": f"/legevakt/periode/{period_id}/dekning",
        "candidates": f"/legevakt/periode/{period_id}/kandidater?dato={first.date}&vakt={first.shift_type}"
        f"&erstatter={first.doctor}",
    }
    context = browser.new_context(
        base_url=live_server.base_url, locale="nb-NO", viewport={"width": width, "height": 900}, bypass_csp=True
    )
    try:
        page = context.new_page()
        log_in(page, live_server.username, live_server.password)
        page.wait_for_url(f"**/m/{DEMO_CODE}")
        response = page.goto(paths[name])
        assert response is not None and response.ok, name
        page.wait_for_load_state("networkidle")
        ARTIFACTS_DIR.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS_DIR / f"design-legevakt-{name}-{width}.png"), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} scrolls sideways by {overflow} px at {width} px"
        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
        serious = [
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert not serious, f"{name}:\n" + "\n".join(serious)
    finally:
        context.close()
