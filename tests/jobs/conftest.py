"""Job tests run on SQLite and on a real PostgreSQL (own schema per test), like the storage tests."""

# The `storage_url` and `storage` fixtures (SQLite and PostgreSQL) are in tests/conftest.py.
