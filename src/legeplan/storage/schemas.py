"""A PostgreSQL schema of its own for a run that must not touch anything else in the database: the test suite (each
test, so tests running at once never see each other's tables) and the load benchmark."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote


@contextmanager
def temporary_schema(base_url: str, prefix: str = "t") -> Iterator[str]:
    """`base_url` with a new, empty schema as its search_path; the schema and everything in it is dropped after."""
    from sqlalchemy import create_engine, text

    schema = f"{prefix}_{secrets.token_hex(6)}"
    admin = create_engine(base_url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base_url else "?"
    try:
        yield f"{base_url}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
