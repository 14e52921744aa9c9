"""`python -m helpers` runs the command-line interface."""

from helpers.cli import main

raise SystemExit(main())
