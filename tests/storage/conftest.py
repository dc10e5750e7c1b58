"""Storage backends: every storage test runs on SQLite and on a real PostgreSQL (own schema per test)."""

# The `storage_url` and `storage` fixtures (SQLite and PostgreSQL) are in tests/conftest.py.
