"""CLI commands (rota_cmd)."""
