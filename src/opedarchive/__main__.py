"""`python -m opedarchive` runs the command line."""

from opedarchive.cli import main

main()
