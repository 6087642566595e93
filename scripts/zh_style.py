"""Check the Chinese style: `python scripts/zh_style.py [FILE ...] [--lengths]`.

The code is handbook/zh_style.py; this file only runs it from the command line.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository root: `handbook` lives there

from handbook.zh_style import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
