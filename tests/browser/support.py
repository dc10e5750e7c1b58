"""Helpers the browser tests share: the running server's handle, starting and waiting for it, logging in."""

from __future__ import annotations

import re
import socket
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI
from playwright.sync_api import Page, Response

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS_DIR = REPO_ROOT / "test-artifacts"
DEMO_PASSWORD = "demo-passord-nettleser-1"
DEMO_CODE = "3804"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Two shared cores: pages that run an engine (dashboard projection, scenarios, rota) can take seconds.
ACTION_TIMEOUT_MS = 30_000
SERVER_START_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class LiveServer:
    """A running app: where to reach it, the app itself (to check the database behind the browser), the login."""

    base_url: str
    app: FastAPI
    username: str
    password: str


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_until_answering(url: str, server_thread: threading.Thread, timeout_s: float) -> None:
    """Poll the login page until the server answers; fail early if the server thread died."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not server_thread.is_alive():
            raise RuntimeError(f"uvicorn stopped before answering on {url}")
        try:
            with urllib.request.urlopen(f"{url}/login", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    raise RuntimeError(f"the web app did not answer on {url} within {timeout_s:.0f} s")


PAGE_RESOURCES = frozenset({"script", "stylesheet", "image", "font"})


def broken_resource(response: Response) -> list[str]:
    """A script, style sheet, image or font the page asked for and did not get (e.g. a missing htmx.min.js)."""
    if response.request.resource_type in PAGE_RESOURCES and response.status >= 400:
        return [f"{response.request.resource_type} {response.url} answered {response.status}"]
    return []


def artifact_name(node_name: str) -> str:
    """A file name for a test's screenshot (parametrised ids contain brackets and spaces)."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", node_name) + ".png"


def snapshot(page: Page, node_name: str, step: str) -> None:
    """A full-page screenshot of an intermediate state (the fixture takes the final one)."""
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS_DIR / artifact_name(f"{node_name}-{step}")), full_page=True)


def log_in(page: Page, username: str, password: str) -> None:
    """Fill and submit the login form the way a user does."""
    page.goto("/login")
    page.get_by_label("Brukernavn").fill(username)
    page.get_by_label("Passord").fill(password)
    page.get_by_role("button", name="Logg inn").click()
