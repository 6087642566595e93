"""handbook/theme: every change that relies on Material's internals, and its check.

Each part has a unit test on a small stand-in for Material's file (the change is
right, and a changed Material fails with a pointer), and a test on the built site
(the change is there). tests/browser/ covers what the reader sees; `make
material-oldest` runs this file against the oldest Material that requirements.in allows.
"""

import json
import re

import pytest
from jinja2 import DictLoader
from mkdocs.exceptions import PluginError

from handbook import theme
from tests.support.docs import LANGUAGES, built_files

POINTER = re.escape(theme.WHERE)


# --- templates ---------------------------------------------------------------------------------

def test_material_still_includes_what_overrides_replace():
    from jinja2 import FileSystemLoader
    from material import templates

    theme.check_templates(FileSystemLoader(templates.__path__[0]))


def test_a_template_that_stops_including_a_partial_fails_with_a_pointer():
    loader = DictLoader({"partials/header.html": '{% include "partials/search.html" %}', "base.html": "{% block scripts %}"})
    with pytest.raises(PluginError, match=POINTER + r".*partials/palette\.html.*overrides/"):
        theme.check_templates(loader)


def test_the_bundle_name_comes_from_the_installed_theme(tmp_path):
    (tmp_path / "assets" / "javascripts").mkdir(parents=True)
    (tmp_path / "assets" / "javascripts" / "bundle.0123abcd.min.js").write_text("")
    assert theme.bundle_path([str(tmp_path)]) == "assets/javascripts/bundle.0123abcd.min.js"


def test_a_theme_without_the_bundle_fails_naming_the_fix(tmp_path):
    with pytest.raises(PluginError, match=POINTER + ".*update BUNDLE"):
        theme.bundle_path([str(tmp_path)])


def test_the_palette_contract_is_checked():
    css = "[data-md-color-scheme=slate]{}[data-md-color-primary=indigo]{}[data-md-color-accent=indigo]{}"
    theme.check_palette(css, 'x("__palette")')
    with pytest.raises(PluginError, match=POINTER + ".*data-md-color-accent.*overrides/partials/palette.html"):
        theme.check_palette(css.replace("accent", "tint"), 'x("__palette")')
    with pytest.raises(PluginError, match='"__palette" in the bundle'):
        theme.check_palette(css, 'x("__theme")')


# --- page markup -------------------------------------------------------------------------------

PAGE = ('<script>__md_get=function(){},__md_set=function(){}</script><header class="md-header"><div class="md-search" data-md-component="search" role="dialog">'
        '<nav class="md-search__options" aria-label="查找"></nav></div>'
        '<a href="https://github.com/x/y" class="md-source" data-md-component="source">GitHub</a></header>')


def test_the_search_dialog_is_named_and_the_source_link_fetches_nothing():
    html = theme.rewrite_markup(PAGE)
    assert 'role="dialog" aria-label="查找">' in html
    assert 'class="md-source">' in html and 'data-md-component="source"' not in html
    assert theme.rewrite_markup(html) == html


@pytest.mark.parametrize("old", [theme.SEARCH_DIALOG[0], theme.SOURCE_LINK[0]])
def test_changed_markup_fails_with_a_pointer(old):
    with pytest.raises(PluginError, match=POINTER + ".*update MARKUP"):
        theme.rewrite_markup(PAGE.replace(old, old.replace('class="', 'class="x ')), "qa/index.md")


def test_a_page_without_materials_storage_helpers_fails():
    with pytest.raises(PluginError, match="__md_get=.*palette.html"):
        theme.rewrite_markup(PAGE.replace("__md_get=", "md_get="))


def test_a_bundle_in_a_script_tag_fails():
    with pytest.raises(PluginError, match="overrides/main.html"):
        theme.rewrite_markup(PAGE + '<script src="../assets/javascripts/bundle.1.min.js"></script>')


# --- bundle ------------------------------------------------------------------------------------

BUNDLE = ('"use strict";(()=>{var Or=Te(),zi=document.forms.namedItem("search")?ks():tt,fo=new T;'
          'V("content.lazy");})();\n//# sourceMappingURL=bundle.min.js.map\n')


def test_the_index_request_is_rewritten_in_place_and_the_function_appended():
    script = theme.defer_search_index(BUNDLE)
    code, rest = script.split("\n", 1)
    # Same length: every later column of the minified line, and so the source map, is unchanged.
    assert len(code) == len(BUNDLE.split("\n", 1)[0])
    assert "zi=document.forms.search?__mdSearch(ks()):tt ,fo=new T" in code
    assert rest.startswith(theme.LAZY_SEARCH) and script.endswith("//# sourceMappingURL=bundle.min.js.map\n")
    assert theme.defer_search_index(script) == script


def test_a_bundle_without_the_request_fails_with_a_pointer():
    with pytest.raises(PluginError, match=POINTER + ".*found 0.*update SEARCH_REQUEST"):
        theme.defer_search_index(BUNDLE.replace('namedItem("search")', 'namedItem("query")'), "bundle.js")


def test_the_compile_hint_is_added_once_and_the_source_map_moves_down_one_line():
    once = theme.add_compile_hint("var a=1;\n")
    assert once == "//# allFunctionsCalledOnLoad\nvar a=1;\n" and theme.add_compile_hint(once) == once
    shifted = json.loads(theme.shift_source_map('{"version":3,"mappings":"AAAA;AACA"}'))
    assert shifted["mappings"] == ";AAAA;AACA"


def test_a_bundle_that_stops_reading_content_lazy_fails():
    theme.check_flags(BUNDLE, ["content.lazy"])
    with pytest.raises(PluginError, match=POINTER + ".*content.lazy"):
        theme.check_flags(BUNDLE.replace('"content.lazy"', '"content.x"'), ["content.lazy"])


# --- search worker and plugin ------------------------------------------------------------------

WORKER = ('"use strict";(()=>{function Fe(t){return W(this,null,function*(){switch(t.type){case 0:return yield Ie(t.data.config),'
          'de=new U(t.data),{type:1};case 2:let e=t.data;try{return{type:3,data:de.search(e)}}catch(r){}}})}'
          'addEventListener("message",t=>W(null,null,function*(){postMessage(yield Fe(t.data))}));})();\n'
          '//# sourceMappingURL=search.min.js.map\n')


def test_the_query_functions_are_appended_before_the_source_map_comment():
    script = theme.add_query_functions(WORKER)
    assert script.startswith(WORKER.split("//#")[0]) and theme.QUERY_FUNCTIONS in script
    assert script.endswith("//# sourceMappingURL=search.min.js.map\n")
    assert theme.add_query_functions(script) == script


def test_a_changed_worker_fails_with_a_pointer():
    with pytest.raises(PluginError, match=POINTER + ".*w.js no longer has the message handler"):
        theme.add_query_functions(WORKER.replace("{type:3,data:", "{type:4,data:"), "w.js")


def test_material_still_segments_through_jieba_and_has_the_memoized_method():
    from material.plugins.search import plugin

    assert hasattr(plugin, "jieba") and hasattr(plugin.SearchIndex, "_segment_chinese")
    assert hasattr(plugin.SearchIndex, "add_entry_from_context")


# --- the built site ----------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGUAGES)
def test_built_bundle_has_the_hint_and_defers_the_index(site_dir, lang):
    for bundle in built_files(site_dir, lang, theme.BUNDLE):
        script = bundle.read_text(encoding="utf-8")
        assert script.startswith(theme.COMPILE_HINT) and script.count("allFunctionsCalledOnLoad") == 1, bundle
        assert not theme.SEARCH_REQUEST.search(script), f"{bundle} still fetches the search index as it starts"
        assert script.count("function __mdSearch(") == 1 and script.count("?__mdSearch(") == 1, bundle
        assert script.rstrip().splitlines()[-1].startswith(theme.SOURCE_MAP_COMMENT)
        mappings = json.loads(bundle.with_name(bundle.name + ".map").read_text(encoding="utf-8"))["mappings"]
        # The hint line maps to nothing; the bundle's code starts one line lower than in Material's map.
        assert mappings.startswith(";") and len(mappings.split(";")) <= script.count("\n") + 1


@pytest.mark.parametrize("lang", LANGUAGES)
def test_built_worker_has_the_query_functions(site_dir, lang):
    for worker in built_files(site_dir, lang, theme.WORKER):
        assert worker.read_text("utf-8").count("function __mdSearchIn(") == 1, worker


@pytest.mark.parametrize("lang", LANGUAGES)
def test_built_pages_have_a_named_search_dialog_and_no_source_component(site_dir, lang):
    page = (built_files(site_dir, lang, "index.html")[0]).read_text("utf-8")
    assert re.search(r'class="md-search" data-md-component="search" role="dialog" aria-label="[^"]+"', page)
    assert 'class="md-source"' in page and 'data-md-component="source"' not in page
    assert "data-palette" in page and 'data-md-component="palette"' not in page
