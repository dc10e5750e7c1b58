"""Shared test fixtures: seeds location and database URLs for SQLite and (in CI) PostgreSQL."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SEEDS_DIR = REPO_ROOT.parent / "shared" / "seeds"


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    if not SEEDS_DIR.is_dir():
        pytest.skip("../shared/seeds is not beside the checkout")
    return SEEDS_DIR


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """A real PostgreSQL URL; CI must provide one, a developer machine may skip."""
    url = os.environ.get("LEGEPLAN_TEST_POSTGRES_URL")
    if not url:
        if _in_ci():
            pytest.fail("LEGEPLAN_TEST_POSTGRES_URL is not set in CI: .ci/run must start PostgreSQL")
        pytest.skip("LEGEPLAN_TEST_POSTGRES_URL not set")
    return url


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = os.environ.get("LEGEPLAN_CHROMIUM", "/usr/bin/chromium")
    if not Path(path).exists():
        if _in_ci():
            pytest.fail(f"chromium not found at {path}: .ci/run must install it")
        pytest.skip("chromium not installed")
    return path
