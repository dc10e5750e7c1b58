"""`python -m legeplan` runs the same CLI as the `legeplan` command."""

from legeplan.cli import main

main()
