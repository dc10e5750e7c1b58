"""legeplan.economics."""
