"""legeplan.capacity."""
