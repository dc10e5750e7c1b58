"""Imports every command module so its commands register on the root app."""

from legeplan.cli import (  # noqa: F401
    capacity_cmd,
    ops_cmd,
    plan_cmd,
    region_cmd,
    register_cmd,
    report_cmd,
    rota_cmd,
    serve_cmd,
)
