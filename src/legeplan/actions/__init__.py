"""legeplan.actions."""
