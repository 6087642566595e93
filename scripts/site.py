"""Build or serve the bilingual site: `make build`, `make serve`.

    python scripts/site.py build [--site-dir site]   # every language, the default one at the root
    python scripts/site.py serve                     # http://127.0.0.1:8000, live reload

The code is handbook/site.py; this file only runs it from the command line.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository root: `handbook` lives there

from handbook.site import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
