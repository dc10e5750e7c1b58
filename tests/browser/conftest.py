"""Browser fixtures: the real web app under uvicorn on a free port, and headless chromium driven by Playwright.

The server runs in a background thread of the test process on a fresh SQLite file, seeded exactly as
`legeplan serve --demo` seeds it (`create_app(demo=True)` → `seed_demo`), so the browser sees what a user would.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

from legeplan.web.app import DEMO_ADMIN, create_app

from .support import (
    ACTION_TIMEOUT_MS,
    ARTIFACTS_DIR,
    CHROMIUM_ARGS,
    DEMO_CODE,
    DEMO_PASSWORD,
    SERVER_START_TIMEOUT_S,
    LiveServer,
    artifact_name,
    broken_resource,
    free_port,
    log_in,
    wait_until_answering,
)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    database = tmp_path_factory.mktemp("browser") / "legeplan.sqlite"
    app = create_app(f"sqlite:///{database}", demo=True, demo_password=DEMO_PASSWORD)
    credentials = app.state.demo_credentials
    assert credentials is not None and credentials.username == DEMO_ADMIN, "the demo seed created no admin"
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name="legeplan-uvicorn", daemon=True)
    thread.start()
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(base_url, thread, SERVER_START_TIMEOUT_S)
        yield LiveServer(base_url, app, credentials.username, credentials.password)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        app.state.storage.dispose()


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright, chromium_path: str) -> Iterator[Browser]:
    chromium = playwright_instance.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


@pytest.fixture
def page(browser: Browser, live_server: LiveServer, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh browser context per test (own cookies); a full-page screenshot of the final state on teardown."""
    context = browser.new_context(
        base_url=live_server.base_url, locale="nb-NO", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    expect.set_options(timeout=ACTION_TIMEOUT_MS)
    browser_page = context.new_page()
    broken: list[str] = []
    browser_page.on("pageerror", lambda error: broken.append(f"JavaScript error: {error}"))
    browser_page.on("response", lambda response: broken.extend(broken_resource(response)))
    try:
        yield browser_page
    finally:
        ARTIFACTS_DIR.mkdir(exist_ok=True)
        try:
            browser_page.screenshot(path=str(ARTIFACTS_DIR / artifact_name(request.node.name)), full_page=True)
        finally:
            context.close()
    # Every page the test visited loaded its scripts, styles and images, and ran without a JavaScript error.
    assert not broken, "\n".join(broken)


@pytest.fixture
def admin_page(page: Page, live_server: LiveServer) -> Page:
    """A page logged in as the demo admin, standing on the demo municipality's dashboard."""
    log_in(page, live_server.username, live_server.password)
    expect(page).to_have_url(re.compile(rf"/m/{DEMO_CODE}$"))
    return page
