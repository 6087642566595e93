"""Where the site is served and where its repository lives: each read from the environment here only.

$SITE_URL: the address the site is served at (the deploy workflow sets the
GitHub Pages address; `make serve`, the tests and `make audit` set their local
one). hooks/i18n.py derives each build's site_url and hreflang links from it.

$REPO_URL: the repository, for edit links and "report an error" links.
hooks/i18n.py sets config.repo_url from it (mkdocs.yml names no repository).
Colab links and the notebooks' setup cell keep the repository the committed
notebooks name (handbook/notebooks.py, colab_repo_url), so a fork's build
does not send Colab to notebooks that clone another repository;
`REPO_URL=... make notebooks` rewrites them. Change DEFAULT_REPO_URL if the
repository moves.
"""

import os

DEFAULT_SITE_URL = "http://127.0.0.1:8000/"
DEFAULT_REPO_URL = "https://github.com/genai-interview-handbook/genai-interview-handbook"


def site_url() -> str:
    """$SITE_URL (default: where `make serve` serves), ending in '/'."""
    base = os.environ.get("SITE_URL") or DEFAULT_SITE_URL
    return base if base.endswith("/") else base + "/"


def repo_url() -> str:
    """$REPO_URL, or the handbook's own repository."""
    return os.environ.get("REPO_URL") or DEFAULT_REPO_URL
