"""Imports every module that defines tables, so Alembic and `create_all` see the whole schema."""

import importlib
import importlib.util

TABLE_MODULES = (
    "legeplan.storage.tables",
    "legeplan.storage.web_tables",
    "legeplan.storage.statistics_tables",
    "legeplan.storage.plan_tables",
    "legeplan.storage.security_tables",
    "legeplan.storage.job_tables",
    "legeplan.storage.rota_tables",
)


def import_all() -> None:
    for name in TABLE_MODULES:
        if importlib.util.find_spec(name) is not None:
            importlib.import_module(name)
