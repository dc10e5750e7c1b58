"""Shared test fixtures: seeds location and database URLs for SQLite and (in CI) PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from legeplan.storage.repository import Storage
from legeplan.storage.schemas import temporary_schema
from legeplan.web import auth

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


# Passwords: the production argon2id parameters (64 MiB, 3 passes, 4 lanes) cost about 0,3 CPU-seconds per hash or
# check, and the tests log in hundreds of times. They use the same algorithm with the smallest cost instead; a hash
# carries its own parameters, so a check is as cheap as the hash it checks. `production_hasher` keeps the real one
# (tests/web/test_auth.py checks its parameters and that a login with a production hash works).
PRODUCTION_HASHER = auth._hasher
auth._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
auth._DUMMY_HASH = auth._hasher.hash("legeplan-dummy-password")


@pytest.fixture(scope="session")
def production_hasher() -> PasswordHasher:
    return PRODUCTION_HASHER


@pytest.fixture
def postgres_schema_url(postgres_url: str) -> Iterator[str]:
    """A PostgreSQL URL with a schema of its own (tests running at once never see each other's tables)."""
    with temporary_schema(postgres_url) as url:
        yield url


# Storage on both backends (tests/storage, tests/jobs): SQLite, and a real PostgreSQL with its own schema per test.
@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def storage_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'legeplan.sqlite'}"
        return
    with temporary_schema(request.getfixturevalue("postgres_url")) as url:
        yield url


@pytest.fixture
def storage(storage_url: str) -> Iterator[Storage]:
    store = Storage(storage_url)
    yield store
    store.dispose()


# Charts are cached on disk (legeplan.report.chart_cache): tests use a fresh folder, never the user's cache.
if "LEGEPLAN_CACHE_DIR" not in os.environ:
    import tempfile

    os.environ["LEGEPLAN_CACHE_DIR"] = tempfile.mkdtemp(prefix="legeplan-test-cache-")


# Parallel runs (pytest-xdist, `python -m pytest -n auto --dist loadgroup`, see docs/testing.md): the tests that share
# one expensive session or module fixture run on one worker, so it is built once (the browser suite's server and
# chromium, the API fuzzing's app and schema). xdist hands out the largest units (these groups) first, then the rest
# test by test.
XDIST_GROUPS = {"tests/browser": "browser", "tests/web/test_fuzz_api.py": "fuzz-api"}


def _xdist_group(item: pytest.Item) -> str | None:
    relative = item.path.relative_to(REPO_ROOT).as_posix()
    for prefix, group in XDIST_GROUPS.items():
        if relative == prefix or relative.startswith(f"{prefix}/"):
            return group
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        group = _xdist_group(item)
        if group is not None:
            item.add_marker(pytest.mark.xdist_group(group))
