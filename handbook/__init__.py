"""Code shared by the MkDocs hooks, the command-line scripts, the benchmarks and the tests.

Everything imports it by name, so the imports show how the parts connect:

- handbook.languages  the site's languages: roots, config files, UI strings
- handbook.urls       $SITE_URL and $REPO_URL, each read here and nowhere else
- handbook.site       builds and serves both languages (scripts/site.py runs it)
- handbook.notebooks  assembles and executes the notebooks (scripts/notebooks.py runs it)
- handbook.css_prune  drops the Jupyter CSS rules no notebook page uses (hooks/notebooks.py)

The repository root must be on sys.path: tests/conftest.py and the scripts put
it there, and for the MkDocs hooks, hooks/repository_root.py (the first hook).
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
