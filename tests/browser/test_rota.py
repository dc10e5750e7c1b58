"""Solving a legevakt rota from the browser: the progress indicator polls until done, then the calendar shows."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from legeplan.i18n import NORWEGIAN_MONTHS
from legeplan.legevakt import RotaProblem, RotaSolution

from .support import DEMO_CODE, LiveServer, snapshot

pytestmark = pytest.mark.browser

TIME_LIMIT_S = 5
TIME_LIMIT_LABEL = "Lengste tid å lete etter en bedre turnus (sekunder)"
# Two shared cores: the solve itself is capped at TIME_LIMIT_S, the rest is queueing and polling slack.
SOLVE_TIMEOUT_MS = 60_000
MONTHS = list(NORWEGIAN_MONTHS)
# Per calendar cell in the period: month heading, day number, and each duty's "shift: doctor" title.
CALENDAR_SCRIPT = """
() => [...document.querySelectorAll("section.month")].flatMap(section =>
  [...section.querySelectorAll("td:not(.outside)")].map(cell => ({
    month: section.querySelector("h2").textContent.trim(),
    day: Number(cell.querySelector(".daynum").textContent),
    duties: [...cell.querySelectorAll(".duty")].map(duty => duty.getAttribute("title")),
  })))
"""


def shown_duties(page: Page) -> Counter[tuple[date, str]]:
    """(date, doctor) for every duty the calendar shows, read from the rendered page."""
    shown: Counter[tuple[date, str]] = Counter()
    for cell in page.evaluate(CALENDAR_SCRIPT):
        month_name, year = cell["month"].rsplit(" ", 1)
        day = date(int(year), MONTHS.index(month_name) + 1, cell["day"])
        for title in cell["duties"]:
            doctor = title.split(": ", 1)[1].removesuffix(" (bakvakt)")
            shown[(day, doctor)] += 1
    return shown


def test_solve_small_rota_shows_progress_then_calendar(
    admin_page: Page, live_server: LiveServer, request: pytest.FixtureRequest
) -> None:
    admin_page.get_by_role("navigation").get_by_role("link", name="Legevakter", exact=True).click()
    admin_page.get_by_role("link", name="Prøv en turnus", exact=True).click()  # the one-off lives under «Legevakter»
    expect(admin_page.get_by_role("heading", level=1)).to_have_text("Prøv en turnus")
    admin_page.get_by_label("Eksempel: 9 leger, 4 uker").check()
    admin_page.get_by_label(TIME_LIMIT_LABEL).fill(str(TIME_LIMIT_S))
    admin_page.get_by_role("button", name="Lag turnus").click()

    expect(admin_page).to_have_url(re.compile(rf"/legevakt/prov/{DEMO_CODE}/[^/]+$"))
    job_id = admin_page.url.rsplit("/", 1)[1]
    progress = admin_page.locator("#progress")
    expect(progress).to_be_visible()
    expect(progress.locator("progress")).to_be_attached()
    snapshot(admin_page, request.node.name, "progress")
    # htmx polls every second and is sent to the calendar when the solve is done.
    expect(progress).to_have_count(0, timeout=SOLVE_TIMEOUT_MS)
    expect(admin_page.locator("table.calendar").first).to_be_visible(timeout=SOLVE_TIMEOUT_MS)
    snapshot(admin_page, request.node.name, "calendar")

    saved = live_server.app.state.web_store.rota(job_id)
    assert saved is not None and saved.solution_json, "the finished solve was not stored"
    problem = RotaProblem.model_validate_json(saved.problem_json)
    solution = RotaSolution.model_validate_json(saved.solution_json)
    assert solution.assignments, f"the small example got no rota (status {solution.status})"
    status = admin_page.locator("p.status")
    expect(status).to_contain_text(re.compile(r"^Beste (mulig|funnet) turnus"))
    expect(status).to_contain_text(f"{len(solution.assignments)} vakter")
    expect(status).to_contain_text("30.03.2026–26.04.2026")
    expect(admin_page.get_by_role("heading", name="mars 2026")).to_be_visible()
    expect(admin_page.get_by_role("heading", name="april 2026")).to_be_visible()

    names = {doctor.id: doctor.name for doctor in problem.doctors}
    expected = Counter((a.date, names[a.doctor]) for a in solution.assignments)
    shown = shown_duties(admin_page)
    assert shown == expected
    assert all(problem.start <= day <= problem.end for day, _doctor in shown)
    for fmt in ("CSV", "Excel", "iCalendar"):
        expect(admin_page.get_by_role("link", name=fmt, exact=True)).to_be_visible()

    # The finished rota is listed on the rota page.
    admin_page.goto(f"/legevakt/prov/{DEMO_CODE}")
    expect(admin_page.locator(f'a[href="/legevakt/prov/{DEMO_CODE}/{job_id}"]')).to_be_visible()


def test_bad_time_limit_is_refused_and_no_solve_starts(admin_page: Page, live_server: LiveServer) -> None:
    jobs_before = len(live_server.app.state.web_store.rotas(DEMO_CODE))
    admin_page.goto(f"/legevakt/prov/{DEMO_CODE}")
    admin_page.get_by_label(TIME_LIMIT_LABEL).fill("0")
    admin_page.get_by_role("button", name="Lag turnus").click()

    field = admin_page.locator(".field.invalid").filter(has=admin_page.get_by_label(TIME_LIMIT_LABEL))
    expect(field.locator(".field-error")).to_have_text("Må være mellom 1 og 600 sekunder.")
    expect(admin_page.get_by_label(TIME_LIMIT_LABEL)).to_have_value("0")
    expect(admin_page.locator("#progress")).to_have_count(0)
    assert len(live_server.app.state.web_store.rotas(DEMO_CODE)) == jobs_before
