"""Bring the executed notebooks up to date: `make notebooks`, `make notebooks-check`.

    python scripts/notebooks.py [--check] [names...]

The code is handbook/notebooks.py; this file only runs it from the command line.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository root: `handbook` lives there

from handbook.notebooks import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
