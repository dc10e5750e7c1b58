"""The Content-Security-Policy in a real browser: no inline script anywhere, yet Swagger UI, htmx and the confirm
dialogs (now a static script reading data-confirm) still work."""

from __future__ import annotations

import pytest
from playwright.sync_api import ConsoleMessage, Dialog, Page, expect

from .support import DEMO_CODE, LiveServer

pytestmark = pytest.mark.browser


def test_pages_run_under_the_csp_and_confirm_dialogs_still_ask(admin_page: Page, live_server: LiveServer) -> None:
    page = admin_page
    violations: list[str] = []

    def watch(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            violations.append(message.text)

    page.on("console", watch)
    page.goto("/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("legeplan")
    page.goto(f"/m/{DEMO_CODE}")
    expect(page.locator("figure.chart svg").first).to_be_visible()

    page.goto(f"/m/{DEMO_CODE}/register?kind=institutions")
    offices_before = live_server.app.state.storage.load_register(DEMO_CODE).institutions
    questions: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        questions.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.get_by_role("button", name="Slett").first.click()
    page.wait_for_timeout(300)
    assert questions and questions[0].startswith("Slette ") and questions[0].endswith("?")
    assert live_server.app.state.storage.load_register(DEMO_CODE).institutions == offices_before
    assert not violations, violations
