"""CLI commands (register_cmd)."""
