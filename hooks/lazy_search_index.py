"""Fetch the search index when the reader first reaches for search, not on every page.

Material's bundle fetches search/search_index.json (660 KB zh, 540 KB en;
200 and 170 KB gzipped) as soon as it starts, then parses it and posts it
to the search worker: on a phone that is data the reader may never use, and
main-thread work right after the page has painted. This hook changes the one
place the bundle asks for the index,

    zi=document.forms.namedItem("search")?ks():tt

into `zi=document.forms.search?__mdSearch(ks()):tt`, padded with spaces to
the same length so that Material's source map still lines up, and appends
__mdSearch (hooks/lazy_search_index.js) to the bundle as a function
declaration, which JavaScript defines before the bundle's code runs.
__mdSearch holds the request back until the pointer is over the search box,
the box gets focus or the search toggle changes. Until the worker has the
index, Material shows "Initializing search" and then runs the query the reader
has typed.

On the Q&A page (zh, Lighthouse mobile, interleaved A/B, 6 runs each): total
blocking time, median 146 -> 89 ms.
"""

import re
from pathlib import Path

from mkdocs.exceptions import PluginError

from material_assets import BUNDLE, built

FUNCTION = Path(__file__).with_name("lazy_search_index.js").read_text(encoding="utf-8")
# <index$>=document.forms.namedItem("search")?<fetchSearchIndex>():<NEVER>, with minified names.
REQUEST = re.compile(r'(?P<index>[\w$]+)=document\.forms\.namedItem\("search"\)\?(?P<fetch>[\w$]+)\(\):(?P<never>[\w$]+)(?=[,;])')
SOURCE_MAP_COMMENT = "//# sourceMappingURL="


def defer_search_index(script: str, name: str = "bundle") -> str:
    """The bundle with its search index request deferred; unchanged if it already is."""
    if "function __mdSearch(" in script:
        return script
    found = list(REQUEST.finditer(script))
    if len(found) != 1:
        raise PluginError(
            f"hooks/lazy_search_index.py: expected one search index request in {name}, found {len(found)}. "
            "Material changed how its bundle fetches search/search_index.json: update REQUEST in this hook, "
            "or remove the hook from mkdocs.yml."
        )
    match = found[0]
    new = f"{match['index']}=document.forms.search?__mdSearch({match['fetch']}()):{match['never']}"
    old = match.group(0)
    if len(new) > len(old):
        raise PluginError(f"hooks/lazy_search_index.py: the rewrite of {old!r} in {name} would move the code after it.")
    script = script[: match.start()] + new.ljust(len(old)) + script[match.end():]
    # After all the mapped code and before the source map comment, which must stay last.
    at = script.rfind(SOURCE_MAP_COMMENT)
    if at < 0:
        at = len(script)
    return script[:at] + FUNCTION + script[at:]


def on_post_build(config, **kwargs):
    for bundle in built(config, BUNDLE, "hooks/lazy_search_index.py"):
        script = bundle.read_text(encoding="utf-8")
        bundle.write_text(defer_search_index(script, str(bundle)), encoding="utf-8")
