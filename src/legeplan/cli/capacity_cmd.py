"""CLI commands (capacity_cmd)."""
