"""legeplan.web."""
