"""Every script a built page loads exists in the built site.

overrides/main.html starts the scripts from a list in an inline loader, so a
missing file (for example Material's bundle after an upgrade renamed it)
would not fail the strict build: the page would ship without search, copy
buttons or the colour toggle.
"""

import json
import re
from pathlib import Path
from urllib.parse import urljoin, urlparse

SCRIPT_SRC = re.compile(r'<script\b[^>]*\bsrc="([^"]+)"')
LOADER_LIST = re.compile(r"\}\)\((\[[^\]]*\])\);\s*</script>")


def referenced_scripts(html: str) -> list[str]:
    found = SCRIPT_SRC.findall(html)
    for listed in LOADER_LIST.findall(html):
        found += [s for s in json.loads(listed) if s.endswith(".js")]
    return found


def test_the_loader_list_is_read():
    html = '<script>(function (scripts) {})(["assets/javascripts/bundle.x.min.js", "a.js"]);</script>'
    assert referenced_scripts(html) == ["assets/javascripts/bundle.x.min.js", "a.js"]


def test_every_page_loads_scripts_that_exist(site_dir):
    missing = []
    pages = sorted(site_dir.rglob("*.html"))
    assert pages
    for page in pages:
        rel = page.relative_to(site_dir).as_posix()
        base = "http://site/" + rel
        html = page.read_text(encoding="utf-8")
        scripts = referenced_scripts(html)
        if rel.endswith("index.html") and "search" not in rel and "<html" in html:
            assert scripts, f"{rel} loads no script at all: check overrides/main.html"
        for src in scripts:
            url = urlparse(urljoin(base, src))
            if url.netloc != "site":
                missing.append(f"{rel}: {src} is on another host")
                continue
            if not (site_dir / url.path.lstrip("/")).is_file():
                missing.append(f"{rel}: {src}")
    assert not missing, (
        "Pages load scripts that are not in the built site (a renamed Material bundle, a wrong "
        "`scripts:` front matter entry, or a file missing from docs/assets/):\n  "
        + "\n  ".join(missing[:20])
    )
