from legeplan.cli import main

main()
