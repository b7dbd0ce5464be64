"""`python -m sim ...`: the command line without the desktop app (see sim/cli.py)."""

import sys

from sim.cli import main

if __name__ == "__main__":
    sys.exit(main())
