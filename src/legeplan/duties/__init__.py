"""legeplan.duties."""
