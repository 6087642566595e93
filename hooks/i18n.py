"""Join the two single-language builds into one bilingual site.

Each language is its own MkDocs build (mkdocs.yml: zh at the root,
mkdocs.en.yml: en under /en/). This hook derives, from $SITE_URL:

* ``site_url`` of the build, so sitemaps and canonical links match where the
  site is served (Material's language selector reads the other build's
  sitemap, and compares URLs including host and port);
* ``extra.alternate[*].link``: absolute root of each language (hreflang);
* ``extra.alternate[*].root``: relative path from this build's root to the
  other build's root, used by overrides/partials/alternate.html to link each
  page straight to its twin.
"""

import os
import posixpath

DEFAULT_SITE_URL = "http://127.0.0.1:8000/"
# Where each language lives, relative to the site root.
LANGUAGE_ROOTS = {"zh": "", "en": "en/"}


def on_config(config):
    base = os.environ.get("SITE_URL") or DEFAULT_SITE_URL
    if not base.endswith("/"):
        base += "/"
    lang = config.theme["language"]
    here = LANGUAGE_ROOTS[lang] or "."
    config.site_url = base + LANGUAGE_ROOTS[lang]
    for alt in config.extra["alternate"]:
        there = LANGUAGE_ROOTS[alt["lang"]]
        alt["link"] = base + there
        alt["root"] = posixpath.relpath(there or ".", here)
    return config
