"""CLI commands (report_cmd)."""
