"""Importing a register workbook through the browser: preview first, per-row errors, nothing written on bad input."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from legeplan.register.demo import demo_register
from legeplan.register.io import write_xlsx
from legeplan.register.models import Register

from .support import DEMO_CODE, LiveServer

pytestmark = pytest.mark.browser

HJEMLER_SHEET = "hjemler"
LISTED_HEADER = "listeinnbyggere"
NEW_ADDRESS = "Testveien 1, 3210 Sandefjord"


def stored_register(live_server: LiveServer) -> Register:
    """The newest register the app has stored for the demo municipality (what the browser's actions changed)."""
    storage = live_server.app.state.storage
    newest = max(storage.snapshot_dates(DEMO_CODE))
    register: Register = storage.load_register(DEMO_CODE, newest)
    return register


def set_cell(path: Path, sheet_name: str, row_id: str, header: str, value: str | int) -> int:
    """Overwrite one cell, found by the row's id and the column's header; returns the 1-based sheet row edited."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook[sheet_name]
    headers = [cell.value for cell in sheet[1]]
    column = headers.index(header) + 1
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row=row, column=1).value == row_id:
            sheet.cell(row=row, column=column).value = value
            workbook.save(path)
            return row
    raise AssertionError(f"{row_id} is not in the {sheet_name} sheet of {path}")


def office_addresses(register: Register) -> dict[str, str | None]:
    return {office.id: office.address for office in register.offices}


IMPORT_TIMEOUT_MS = 60_000


def upload(page: Page, path: Path) -> None:
    page.goto("/import")
    expect(page.get_by_role("heading", level=1)).to_have_text("Importer register (Excel eller CSV)")
    page.get_by_label("Fil").set_input_files(str(path))
    page.get_by_role("button", name="Forhåndsvis").click()
    # The file is checked by a background job; the page polls its progress, then shows the preview or the errors.
    expect(page).to_have_url(re.compile(r"/import/[0-9a-f]+$"))
    expect(page.locator("#progress")).to_have_count(0, timeout=IMPORT_TIMEOUT_MS)


def test_import_preview_then_save(admin_page: Page, live_server: LiveServer, tmp_path: Path) -> None:
    # The change is an office address, so the dashboard's figures (checked against seed 001) stay as they are.
    register = demo_register()
    office = register.offices[0]
    assert office.address != NEW_ADDRESS
    workbook = write_xlsx(register, tmp_path / "register.xlsx")
    set_cell(workbook, "legekontor", office.id, "adresse", NEW_ADDRESS)

    upload(admin_page, workbook)

    preview = admin_page.locator("section.card").filter(has=admin_page.get_by_role("heading", level=2))
    expect(preview.get_by_role("heading", level=2)).to_have_text("Forhåndsvisning: Sandefjord (demo) per 01.08.2020")
    counts = (
        f"{len(register.offices)} legekontorer, {len(register.positions)} hjemler, "
        f"{len(register.physicians)} leger, {len(register.institutions)} institusjoner"
    )
    expect(preview.get_by_text(counts)).to_be_visible()
    # The demo seed already holds this date, so the preview warns that it replaces it.
    expect(preview.get_by_text("Erstatter registerversjonen per 01.08.2020.")).to_be_visible()
    expect(preview.locator("li.figure").first).to_be_visible()
    # Preview only: nothing is stored until the user confirms.
    assert office_addresses(stored_register(live_server))[office.id] == office.address

    admin_page.get_by_role("button", name="Lagre registeret").click()

    expect(admin_page).to_have_url(re.compile(rf"/m/{DEMO_CODE}$"))
    expect(admin_page.get_by_role("status")).to_have_text("Registeret er lagret.")
    assert office_addresses(stored_register(live_server))[office.id] == NEW_ADDRESS


def test_broken_import_shows_the_row_and_changes_nothing(
    admin_page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    register = demo_register()
    position_id = register.positions[2].id
    workbook = write_xlsx(register, tmp_path / "broken.xlsx")
    row = set_cell(workbook, HJEMLER_SHEET, position_id, LISTED_HEADER, -12)
    before = stored_register(live_server)

    upload(admin_page, workbook)

    errors = admin_page.get_by_role("alert")
    expect(errors.get_by_role("heading", level=2)).to_have_text("1 feil i filen. Ingenting er lagret.")
    cells = errors.locator("tbody tr").first.locator("td")
    expect(cells.nth(0)).to_have_text(f"broken.xlsx:{HJEMLER_SHEET}")
    expect(cells.nth(1)).to_have_text(str(row))
    expect(cells.nth(2)).to_have_text(LISTED_HEADER)
    expect(cells.nth(3)).to_contain_text("-12")
    expect(admin_page.get_by_role("button", name="Lagre registeret")).to_have_count(0)
    # The form is offered again for a corrected file.
    expect(admin_page.get_by_label("Fil")).to_be_visible()
    assert stored_register(live_server) == before
