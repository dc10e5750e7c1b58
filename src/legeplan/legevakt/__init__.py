"""legeplan.legevakt."""
