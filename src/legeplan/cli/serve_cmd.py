"""CLI commands (serve_cmd)."""
