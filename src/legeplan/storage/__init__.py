"""All database access lives behind this package (SQLAlchemy 2 + Alembic). Engines never import it."""

import os

DEFAULT_DATABASE_URL = "sqlite:///legeplan.sqlite"


def database_url() -> str:
    """SQLite file in the working directory unless LEGEPLAN_DATABASE_URL points elsewhere (e.g. PostgreSQL)."""
    return os.environ.get("LEGEPLAN_DATABASE_URL", DEFAULT_DATABASE_URL)
