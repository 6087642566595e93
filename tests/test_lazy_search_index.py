"""hooks/lazy_search_index.py: Material's bundle asks for the search index only through __mdSearch,
and its source map still lines up. The browser side is in tests/browser/test_site.py."""

import pytest
from mkdocs.exceptions import PluginError

from tests.support.docs import LANGUAGES, built_files, load_module

lazy = load_module("hooks/lazy_search_index.py")

BUNDLE = '"use strict";(()=>{var Or=Te(),zi=document.forms.namedItem("search")?ks():tt,fo=new T;})();\n//# sourceMappingURL=bundle.min.js.map\n'


def test_the_request_is_rewritten_in_place_and_the_function_appended():
    script = lazy.defer_search_index(BUNDLE)
    code, rest = script.split("\n", 1)
    # Same length: every later column of the minified line, and so the source map, is unchanged.
    assert len(code) == len(BUNDLE.split("\n", 1)[0])
    assert "zi=document.forms.search?__mdSearch(ks()):tt ,fo=new T" in code
    assert rest.startswith(lazy.FUNCTION) and script.endswith("//# sourceMappingURL=bundle.min.js.map\n")


def test_a_second_run_changes_nothing():
    once = lazy.defer_search_index(BUNDLE)
    assert lazy.defer_search_index(once) == once


def test_a_changed_bundle_fails_the_build_with_a_pointer():
    with pytest.raises(PluginError, match="found 0.*update REQUEST"):
        lazy.defer_search_index(BUNDLE.replace('namedItem("search")', 'namedItem("query")'), "bundle.js")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_built_bundle_defers_the_index(site_dir, lang):
    for bundle in built_files(site_dir, lang, lazy.BUNDLE):
        script = bundle.read_text(encoding="utf-8")
        assert not lazy.REQUEST.search(script), f"{bundle} still fetches the search index as it starts"
        assert script.count("function __mdSearch(") == 1 and script.count("?__mdSearch(") == 1, (
            f"{bundle}: expected one call and one definition of __mdSearch")
        assert script.rstrip().splitlines()[-1].startswith(lazy.SOURCE_MAP_COMMENT)
