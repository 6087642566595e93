"""Everything that relies on Material for MkDocs' internals, in one place.

The rest of the project uses only what Material documents: mkdocs.yml options,
template blocks, `extra`, `data-search-exclude`. The code here relies on what
Material does not promise: the names of its built files, the minified code of
its bundle and search worker, the markup of its partials and the Python
internals of its search plugin. Each change checks what it relies on and fails
the build with a PluginError that names this file and what to do, so a Material
release can never undo one silently. hooks/theme.py calls it; tests/test_theme.py
tests it; `make material-oldest` builds against the oldest allowed Material.

Inventory (the page-speed figures behind each are in DESIGN.md):

| place | what it changes | check |
|---|---|---|
| overrides/main.html + `bundle_path` | scripts start after the first paint; bundle name read from the theme | one bundle in the theme; Material's `scripts` block still holds its bundle |
| overrides/partials/palette.html, javascripts/palette.html | colour toggle without Material's palette component | Material's header still includes both partials; `check_palette`: its CSS, storage key and head helpers |
| overrides/partials/alternate.html | language links to the twin page | Material's header still includes it |
| `SEARCH_DIALOG` | search dialog gets an accessible name | the dialog's opening tag is on every page |
| `SOURCE_LINK` | no star and fork counts fetched from GitHub | the source link's tag is on every page |
| `defer_search_index` + lazy_search_index.js | search index fetched on first use | the one request is found in the bundle |
| `add_compile_hint` | bundle compiled while it downloads | (a comment; nothing to find) |
| `add_query_functions` + search_worker.js, `disable_jieba` | Chinese found by any substring | the worker's message protocol; the plugin's jieba hook |
| `content.lazy` in mkdocs.yml | code blocks mount when visible | the bundle still reads the flag |
| `memoize_search_index` (make serve only) | unchanged pages are not indexed again | the plugin method it wraps exists |
"""

import copy
import hashlib
import json
import re
from pathlib import Path

from mkdocs.exceptions import PluginError

HERE = Path(__file__).resolve().parent
WHERE = "handbook/theme/__init__.py"

# Material's built files, relative to the site root.
BUNDLE = "assets/javascripts/bundle.*.min.js"
PALETTE = "assets/stylesheets/palette.*.min.css"
WORKER = "assets/javascripts/workers/search.*.min.js"
SOURCE_MAP_COMMENT = "//# sourceMappingURL="


def fail(what: str, fix: str):
    raise PluginError(f"{WHERE}: {what} {fix}")


def built(site_dir, pattern: str) -> list[Path]:
    """The built files matching pattern; a build error when Material renamed them."""
    found = sorted(Path(site_dir).glob(pattern))
    if not found:
        fail(f"no {pattern} in the built site.", "Material renamed the file: update the pattern in this module.")
    return found


def append_before_source_map(script: str, code: str) -> str:
    """Code appended after everything the source map covers; its comment must stay last."""
    at = script.rfind(SOURCE_MAP_COMMENT)
    at = len(script) if at < 0 else at
    return script[:at] + code + script[at:]


# --- Templates: overrides/ replaces these partials; Material must still include them ------------------

OVERRIDDEN = {
    "partials/header.html": ['include "partials/palette.html"', 'include "partials/javascripts/palette.html"',
                             'include "partials/alternate.html"', 'include "partials/search.html"',
                             'include "partials/source.html"'],
    "base.html": ["{% block scripts %}"],
}


def check_templates(loader):
    """Material's own templates still include what overrides/ replaces or this module rewrites."""
    for template, needles in OVERRIDDEN.items():
        source = loader.get_source(None, template)[0] if hasattr(loader, "get_source") else ""
        for needle in needles:
            if needle not in source:
                fail(f"Material's {template} no longer has `{needle}`.",
                     "overrides/ (or the rewrites in this module) would silently stop applying: compare "
                     f"overrides/ with Material's templates/{template} and update both.")


def bundle_path(theme_dirs) -> str:
    """The bundle's path relative to the site root, for overrides/main.html (it starts the scripts itself)."""
    for folder in theme_dirs:
        found = sorted(Path(folder).glob(BUNDLE))
        if len(found) == 1:
            return found[0].relative_to(folder).as_posix()
        if found:
            fail(f"{len(found)} bundles in {folder} ({', '.join(p.name for p in found)}); expected one.",
                 "Reinstall mkdocs-material (make clean; make serve).")
    fail(f"no {BUNDLE} in the theme folders {list(theme_dirs)}.",
         "Material renamed its bundle: update BUNDLE in this module.")


# --- Palette: overrides/partials/palette.html and javascripts/palette.html set what Material's CSS reads ---

# What the replacement toggle writes and calls, which Material's stylesheet, bundle and head script must
# still use: the colour attributes on <body>, the "__palette" storage key, and __md_get/__md_set.
PALETTE_SELECTORS = ["[data-md-color-scheme=slate]", "[data-md-color-primary=", "[data-md-color-accent="]
PALETTE_STORAGE_KEY = '"__palette"'
PAGE_HELPERS = ["__md_get=", "__md_set="]


def check_palette(palette_css: str, bundle: str, name: str = "palette"):
    missing = [s for s in PALETTE_SELECTORS if s not in palette_css]
    if PALETTE_STORAGE_KEY not in bundle:
        missing.append(f"{PALETTE_STORAGE_KEY} in the bundle")
    if missing:
        fail(f"Material no longer styles or stores colours the way the colour toggle expects ({', '.join(missing)}).",
             "Compare overrides/partials/palette.html and javascripts/palette.html with Material's palette "
             "component and update them (or drop them and let Material's component back in).")


# --- Page markup: one-attribute changes instead of copied partials ------------------------------------

# (Material's markup, ours, why). Each must be on every page with a header, or the build fails.
SEARCH_DIALOG = ('<div class="md-search" data-md-component="search" role="dialog">',
                 '<div class="md-search" data-md-component="search" role="dialog" aria-label="{label}">',
                 "the search dialog needs an accessible name (Lighthouse: aria-dialog-name)")
SOURCE_LINK = ('class="md-source" data-md-component="source">', 'class="md-source">',
               "data-md-component=source makes the bundle fetch star and fork counts from api.github.com")
MARKUP = [SEARCH_DIALOG, SOURCE_LINK]


# Material's own word for "search" (lang.t('search')) labels the search options; the dialog reuses it.
SEARCH_LABEL = re.compile(r'<nav class="md-search__options" aria-label="([^"]+)">')


def rewrite_markup(html: str, page: str = "page") -> str:
    if 'class="md-header' not in html:
        return html  # not a Material page (a redirect, a notebook fragment)
    missing = [h for h in PAGE_HELPERS if h not in html]
    if missing:
        fail(f"{page} no longer defines {', '.join(missing)} in its head.",
             "overrides/partials/javascripts/palette.html calls them: read the stored palette another way.")
    label = SEARCH_LABEL.search(html)
    if not label:
        fail(f"{page} has no search options with an aria-label.",
             "Material's search partial changed: update SEARCH_LABEL in this module.")
    for old, new, why in MARKUP:
        new = new.format(label=label[1])
        if old in html:
            html = html.replace(old, new)  # the source link is in the header and in the drawer
        elif new not in html:
            fail(f"{page} does not have `{old}` ({why}).",
                 "Material's partial changed: update MARKUP in this module to its new markup.")
    if re.search(r'<script src="[^"]*assets/javascripts/bundle\.', html):
        fail(f"{page} loads Material's bundle from a <script> tag.",
             "Material moved it out of the `scripts` block that overrides/main.html replaces: update main.html.")
    return html


# --- Bundle: the search index on first use, compile hints, the content.lazy flag ----------------------

LAZY_SEARCH = (HERE / "lazy_search_index.js").read_text(encoding="utf-8")
# <index$>=document.forms.namedItem("search")?<fetchSearchIndex>():<NEVER>, with minified names.
SEARCH_REQUEST = re.compile(
    r'(?P<index>[\w$]+)=document\.forms\.namedItem\("search"\)\?(?P<fetch>[\w$]+)\(\):(?P<never>[\w$]+)(?=[,;])')
COMPILE_HINT = "//# allFunctionsCalledOnLoad\n"
# Feature flags mkdocs.yml sets that Material does not document: the bundle must still read them.
UNDOCUMENTED_FLAGS = ["content.lazy"]


def defer_search_index(script: str, name: str = "bundle") -> str:
    """The one request for search_index.json goes through __mdSearch, padded to the same length so the
    source map still lines up; unchanged if already done."""
    if "function __mdSearch(" in script:
        return script
    found = list(SEARCH_REQUEST.finditer(script))
    if len(found) != 1:
        fail(f"expected one search index request in {name}, found {len(found)}.",
             "Material changed how its bundle fetches search/search_index.json: update SEARCH_REQUEST.")
    match = found[0]
    new = f"{match['index']}=document.forms.search?__mdSearch({match['fetch']}()):{match['never']}"
    old = match.group(0)
    if len(new) > len(old):
        fail(f"the rewrite of {old!r} in {name} would move the code after it.", "Shorten the replacement.")
    script = script[: match.start()] + new.ljust(len(old)) + script[match.end():]
    return append_before_source_map(script, LAZY_SEARCH)


def add_compile_hint(script: str) -> str:
    return script if script.startswith(COMPILE_HINT) else COMPILE_HINT + script


def shift_source_map(source_map: str) -> str:
    """One more (empty) first line, for the hint."""
    data = json.loads(source_map)
    data["mappings"] = ";" + data["mappings"]
    return json.dumps(data, separators=(",", ":"))


def check_flags(script: str, features, name: str = "bundle"):
    for flag in UNDOCUMENTED_FLAGS:
        if flag in features and f'"{flag}"' not in script:
            fail(f"{name} no longer reads the feature flag {flag} that mkdocs.yml sets.",
                 f"Remove {flag} from theme.features, and measure the page it was for (DESIGN.md).")


# --- Search: Chinese by character (the worker and the plugin's jieba) ---------------------------------

QUERY_FUNCTIONS = (HERE / "search_worker.js").read_text(encoding="utf-8")
# Material's worker handler: SETUP (0) answers READY (1), QUERY (2) answers RESULT (3), and the worker
# calls the global addEventListener("message") and postMessage that search_worker.js replaces.
WORKER_HANDLER = re.compile(r"switch\(\w+\.type\)\{case 0:.{0,200}?\{type:1\};case 2:.{0,200}?\{type:3,data:")
WORKER_LISTENER = 'addEventListener("message",'


def add_query_functions(script: str, name: str = "worker") -> str:
    """Material's search worker with search_worker.js appended; unchanged if it already is."""
    if "function __mdSearchIn(" in script:
        return script
    if len(WORKER_HANDLER.findall(script)) != 1 or WORKER_LISTENER not in script:
        fail(f"Material's search worker {name} no longer has the message handler search_worker.js expects "
             '(SETUP 0 -> READY 1, QUERY 2 -> RESULT 3, through addEventListener("message") and postMessage).',
             "Update WORKER_HANDLER and search_worker.js to the new protocol (without them Chinese search "
             "finds nothing inside longer words).")
    return append_before_source_map(script, QUERY_FUNCTIONS)


def disable_jieba():
    """The zh separator (mkdocs.yml) splits before every Han character, so jieba must not segment first."""
    try:
        from material.plugins.search import plugin as search
    except ImportError:
        return
    if not hasattr(search, "jieba") or not hasattr(search.SearchIndex, "_segment_chinese"):
        fail("Material's search plugin no longer segments Chinese through a module-level `jieba` and "
             "SearchIndex._segment_chinese.", "Check that its index still holds Chinese unsegmented (one token "
             "per character through search.separator), then update disable_jieba.")
    search.jieba = None


def memoize_search_index():
    """Under `make serve`, index again only pages whose HTML changed (indexing was ~40% of a rebuild)."""
    from material.plugins.search.plugin import SearchIndex

    original = getattr(SearchIndex, "add_entry_from_context", None)
    if original is None:
        fail("Material's SearchIndex has no add_entry_from_context.", "Update memoize_search_index or drop it.")
    if getattr(original, "memoized", False):
        return
    memo = {}

    def add_entry_from_context(self, page):
        key = (repr(self.config.get("lang")), page.url, page.title, repr(page.meta.get("tags")),
               hashlib.sha1(page.content.encode()).hexdigest())
        if key not in memo:
            before = len(self.entries)
            original(self, page)
            memo[key] = copy.deepcopy(self.entries[before:])
        else:
            self.entries.extend(copy.deepcopy(memo[key]))

    add_entry_from_context.memoized = True
    SearchIndex.add_entry_from_context = add_entry_from_context


# --- After the build: every built file this module changes ---------------------------------------------

def patch_built_site(site_dir, features):
    palette_css = "".join(p.read_text(encoding="utf-8") for p in built(site_dir, PALETTE))
    for bundle in built(site_dir, BUNDLE):
        script = bundle.read_text(encoding="utf-8")
        check_palette(palette_css, script, bundle.name)
        if script.startswith(COMPILE_HINT):
            continue  # not copied again since the last build
        check_flags(script, features, bundle.name)
        bundle.write_text(add_compile_hint(defer_search_index(script, bundle.name)), encoding="utf-8")
        source_map = bundle.with_name(bundle.name + ".map")
        if source_map.exists():
            source_map.write_text(shift_source_map(source_map.read_text(encoding="utf-8")), encoding="utf-8")
    for worker in built(site_dir, WORKER):
        worker.write_text(add_query_functions(worker.read_text(encoding="utf-8"), worker.name), encoding="utf-8")
