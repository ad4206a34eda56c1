"""``python -m privprep`` runs the command line."""

from privprep.cli import main

main()
