"""Logging in and the dashboard, in a real browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .support import LiveServer, log_in, snapshot

pytestmark = pytest.mark.browser

# Seed 001 (Sandefjord): 54 fastlegehjemler with an average list of 1 143, 1 013 free places (1,6 %), and 40 of the
# 54 fastleger specialists in allmennmedisin. The demo municipality is built on these figures.
SEED_FIGURES = {
    "positions": "54",
    "average_list_length": "1 143,0",
    "free_places": "1 013",
    "free_capacity_share": "1,6 %",
    "specialist_share": "74,1 %",
}


def test_wrong_password_shows_an_error_and_stays_on_login(
    page: Page, live_server: LiveServer, request: pytest.FixtureRequest
) -> None:
    log_in(page, live_server.username, live_server.password + "-feil")
    expect(page.get_by_role("alert")).to_have_text("Feil brukernavn eller passord.")
    expect(page).to_have_url(re.compile(r"/login$"))
    # The form keeps the username so the user only retypes the password.
    expect(page.get_by_label("Brukernavn")).to_have_value(live_server.username)
    snapshot(page, request.node.name, "error")
    # Not logged in: the dashboard sends us back to the login page.
    page.goto("/m/3804")
    expect(page).to_have_url(re.compile(r"/login$"))


def test_login_lands_on_the_demo_dashboard_with_figures_and_charts(page: Page, live_server: LiveServer) -> None:
    log_in(page, live_server.username, live_server.password)
    expect(page).to_have_url(re.compile(r"/m/3804$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Nøkkeltall for Sandefjord (demo)")
    expect(page.get_by_text(f"{live_server.username} · ")).to_be_visible()
    expect(page.get_by_text("Register per 01.08.2020")).to_be_visible()
    figures = page.locator("li.figure")
    expect(figures.first).to_be_visible()
    assert figures.count() >= 4
    for index in range(figures.count()):
        figure = figures.nth(index)
        expect(figure.locator(".label")).not_to_be_empty()
        expect(figure.locator(".value")).not_to_be_empty()
    for field, value in SEED_FIGURES.items():
        # The value, then the trend arrow against the demo's earlier register version (2019-02-01).
        pattern = r"\s".join(re.escape(part) for part in value.split(" "))  # the page groups with a no-break space
        expected = re.compile(rf"^{pattern}\s[▲▼▶]$")
        expect(page.locator(f'li.figure[data-field="{field}"] .value')).to_have_text(expected)
    expect(page.locator('li.figure[data-field="positions"] .trend-text')).to_have_text(
        re.compile(r"^uendret siden \d\d\.\d\d\.\d{4}$")
    )
    expect(page.locator(".trend-up").first).to_be_visible()
    # Charts are inline SVG that the browser actually lays out with a real size.
    charts = page.locator("figure.chart svg")
    expect(charts.first).to_be_visible()
    assert charts.count() >= 2
    box = charts.first.bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] > 50
    for caption in ("Listekapasitet per legekontor", "Fastleger etter alder og kjønn"):
        chart = page.get_by_role("img", name=caption)
        expect(chart).to_be_visible()
        expect(chart.locator("path, rect, polyline, line").first).to_be_attached()


def test_logout_ends_the_session(admin_page: Page) -> None:
    admin_page.get_by_role("button", name="Logg ut").click()
    expect(admin_page).to_have_url(re.compile(r"/login$"))
    admin_page.goto("/m/3804")
    expect(admin_page).to_have_url(re.compile(r"/login$"))
