"""CLI commands (region_cmd)."""
