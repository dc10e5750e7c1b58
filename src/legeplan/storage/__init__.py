"""All database access lives behind this package (SQLAlchemy 2 + Alembic). Engines never import it."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

DEFAULT_DATABASE_URL = "sqlite:///legeplan.sqlite"

if TYPE_CHECKING:
    from legeplan.storage.repository import RegisterNotFoundError, Storage, StorageError

__all__ = [
    "DEFAULT_DATABASE_URL",
    "RegisterNotFoundError",
    "Storage",
    "StorageError",
    "database_url",
    "open_storage",
]


def database_url() -> str:
    """SQLite file in the working directory unless LEGEPLAN_DATABASE_URL points elsewhere (e.g. PostgreSQL)."""
    return os.environ.get("LEGEPLAN_DATABASE_URL", DEFAULT_DATABASE_URL)


def open_storage(url: str | None = None) -> Storage:
    """Open the database at `url` (default: `database_url()`), creating and migrating it on first use.

    Raises `StorageError` (one Norwegian line naming the URL, password hidden, and the reason) if it cannot."""
    from legeplan.storage.repository import Storage

    return Storage(url)


def __getattr__(name: str) -> object:
    # Lazy re-exports keep `import legeplan.storage` cheap for callers that only need the URL.
    if name in ("Storage", "RegisterNotFoundError", "StorageError"):
        from legeplan.storage import repository

        return getattr(repository, name)
    raise AttributeError(name)
