"""`python -m opedarchive` runs the command line."""

from opedarchive.launch import main

main()
