"""Join the two single-language builds into one bilingual site.

Each language is its own MkDocs build (handbook/languages.py: mkdocs.yml, zh
at the root; mkdocs.en.yml, en under /en/). This hook sets, from
handbook/languages.py and handbook/urls.py ($SITE_URL, $REPO_URL):

* ``site_url`` of the build, so sitemaps and canonical links match where the
  site is served (Material's language selector reads the other build's
  sitemap, and compares URLs including host and port);
* ``repo_url``, for edit links, the source link and "report an error" links;
* ``extra.alternate``: one entry per language, with its ``name`` and ``lang``,
  ``link`` (absolute root of the language, for hreflang), ``root`` (relative
  path from this build's root to that language's root, used by
  overrides/partials/alternate.html to link each page straight to its twin)
  and ``not_found`` (its text on the shared 404 page, overrides/404.html).
"""

import posixpath

from handbook import languages, urls


def on_config(config):
    base = urls.site_url()
    here = languages.get(config.theme["language"]).root
    config.site_url = base + here
    config.repo_url = urls.repo_url()
    config.extra["alternate"] = [
        {"name": lang.name, "lang": lang.code, "link": base + lang.root,
         "root": posixpath.relpath(lang.root or ".", here or "."), "not_found": lang.not_found}
        for lang in languages.LANGUAGES
    ]
    return config
