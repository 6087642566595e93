"""The handbook as one PDF per language: `make pdf` (after `make build`).

    python scripts/pdf.py [--site-dir site] [--lang zh]   # writes <site-dir>/pdf/handbook-<lang>.pdf

The code is handbook/pdf.py; this file only runs it from the command line.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository root: `handbook` lives there

from handbook.pdf import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
