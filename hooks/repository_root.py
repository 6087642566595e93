"""Make the shared package `handbook` importable by the hooks listed after this one.

MkDocs loads each hook from its file path, with only hooks/ on sys.path while
the file runs, and restores sys.path afterwards. The package sits at the
repository root, so this first hook puts the root on sys.path and imports
`handbook` while it is there; from then on `from handbook import languages`
works in every hook, because Python finds a package's submodules through the
package itself (handbook.__path__), not through sys.path. Tests and scripts
put the root on sys.path themselves (tests/conftest.py, scripts/*.py).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import handbook  # noqa: E402,F401
