"""`python -m takst_cli` runs the CLI."""

from takst_cli.cli.app import main

main()
