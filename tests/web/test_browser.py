"""End-to-end in headless chromium (Debian's /usr/bin/chromium via Playwright): log in, import a register, run a
scenario, solve a small rota. Screenshots go to test-artifacts/web/."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import uvicorn
from tests.web.conftest import DEMO_PASSWORD

from legeplan.register.demo import demo_register
from legeplan.register.io import write_xlsx
from legeplan.web.app import create_app

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("web-e2e")
    app = create_app(f"sqlite:///{folder / 'e2e.sqlite'}", demo=True, demo_password=DEMO_PASSWORD)
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    uvicorn_server = uvicorn.Server(config)
    thread = threading.Thread(target=uvicorn_server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not uvicorn_server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert uvicorn_server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    uvicorn_server.should_exit = True
    thread.join(10)
    app.state.storage.dispose()


def test_log_in_import_run_scenario_and_solve_rota(server: str, chromium_path: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    register = demo_register()
    older = register.model_copy(
        update={
            "as_of": date(2019, 8, 1),
            "municipality": register.municipality.model_copy(update={"population": 63_000}),
        }
    )
    upload = write_xlsx(older, tmp_path / "sandefjord-2019.xlsx")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="nb-NO")
        page.set_default_timeout(30_000)

        page.goto(f"{server}/m/3804")
        expect(page.get_by_role("heading", name="Logg inn")).to_be_visible()
        page.get_by_label("Brukernavn").fill("admin")
        page.get_by_label("Passord").fill("feil-passord")
        page.get_by_role("button", name="Logg inn").click()
        expect(page.get_by_role("alert")).to_contain_text("Feil brukernavn eller passord")
        page.screenshot(path=str(ARTIFACTS / "01-login-feil.png"))
        page.get_by_label("Passord").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Logg inn").click()
        expect(page.get_by_role("heading", name="Nøkkeltall for Sandefjord (demo)")).to_be_visible()
        expect(page.locator('[data-field="positions"] .value')).to_contain_text("54")
        page.screenshot(path=str(ARTIFACTS / "02-oversikt.png"), full_page=True)

        page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Register").click()
        page.get_by_role("link", name="Leger (").click()
        expect(page.locator("table.data tbody tr")).to_have_count(len(register.physicians))
        page.screenshot(path=str(ARTIFACTS / "02b-register-leger.png"))
        page.get_by_role("link", name="Ny", exact=True).click()
        page.get_by_label("Fødselsår *").fill("nitten")
        page.get_by_role("button", name="Lagre").click()
        expect(page.locator("#e-birth_year")).to_have_text("Må være et heltall.")
        expect(page.locator("#e-name")).to_have_text("Må fylles ut.")
        page.screenshot(path=str(ARTIFACTS / "02c-skjema-feil.png"), full_page=True)

        page.get_by_role("link", name="Import").click()
        page.get_by_label("Fil").set_input_files(str(upload))
        page.get_by_role("button", name="Forhåndsvis").click()
        expect(page.get_by_role("heading", name="Forhåndsvisning: Sandefjord (demo) per 01.08.2019")).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "03-import-forhandsvisning.png"), full_page=True)
        page.get_by_role("button", name="Lagre registeret").click()
        expect(page.get_by_role("status")).to_contain_text("Registeret er lagret")
        expect(page.locator('[data-field="inhabitants_per_gp"] .trend-up')).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "04-oversikt-med-trend.png"), full_page=True)

        page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Scenarier").click()
        page.get_by_role("link", name="Beregn").first.click()
        expect(page.get_by_role("heading", name="Resultat: Sandefjord")).to_be_visible()
        expect(page.locator("table.data tbody tr").first).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "05-scenario.png"), full_page=True)
        page.go_back()
        page.get_by_role("button", name="Sammenlign").click()
        expect(page.get_by_role("heading", name="Sammenlign to scenarier")).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "06-sammenligning.png"), full_page=True)

        page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Legevakt").click()
        page.get_by_label("Maks løsetid (sekunder)").fill("4")
        page.get_by_role("button", name="Løs").click()
        page.screenshot(path=str(ARTIFACTS / "07-turnus-lopende.png"))
        expect(page.locator("table.calendar").first).to_be_visible(timeout=90_000)
        expect(page.get_by_role("link", name="iCalendar")).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "08-turnus-kalender.png"), full_page=True)
        with page.expect_download() as download:
            page.get_by_role("link", name="CSV").click()
        assert download.value.suggested_filename.endswith(".csv")
        browser.close()
