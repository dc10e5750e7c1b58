"""legeplan.region."""
