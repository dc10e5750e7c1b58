"""legeplan.report."""
