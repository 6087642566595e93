"""hooks/search_index.py: Chinese indexed by character, clean snippets, and the query functions added
to Material's search worker (or a build error naming the hook when the worker changed).
The reader's side (recall, ranking, ?h=) is in tests/browser/test_search.py."""

import json
import re

import pytest
from mkdocs.exceptions import PluginError

from tests.support.docs import ROOT, built_files, load_module

hook = load_module("hooks/search_index.py")

WORKER = ('"use strict";(()=>{function Fe(t){return W(this,null,function*(){switch(t.type){case 0:return yield Ie(t.data.config),'
          'de=new U(t.data),{type:1};case 2:let e=t.data;try{return{type:3,data:de.search(e)}}catch(r){}}})}'
          'addEventListener("message",t=>W(null,null,function*(){postMessage(yield Fe(t.data))}));})();\n'
          '//# sourceMappingURL=search.min.js.map\n')


def test_the_query_functions_are_appended_before_the_source_map_comment():
    script = hook.add_query_functions(WORKER)
    assert script.startswith(WORKER.split("//#")[0]) and hook.FUNCTIONS in script
    assert script.endswith("//# sourceMappingURL=search.min.js.map\n")
    assert hook.add_query_functions(script) == script


def test_a_changed_worker_fails_the_build_with_a_pointer():
    with pytest.raises(PluginError, match="hooks/search_index.py: Material's search worker w.js no longer has the message handler"):
        hook.add_query_functions(WORKER.replace("{type:3,data:", "{type:4,data:"), "w.js")


def test_snippets_lose_pilcrows_and_zero_width_characters_and_chinese_is_split_from_latin():
    doc = hook.clean({"title": "小型\u200b WaveNet：逐个采样点¶", "text": "<p>第3步用GAN\u200b训练</p>"})
    assert doc == {"title": "小型 WaveNet：逐个采样点", "text": "<p>第 3步用 GAN训练</p>"}


def test_a_formula_is_indexed_once():
    html = '<span class="katex"><span class="katex-mathml"><math>…</math></span><span class="katex-html">z</span></span>'
    marked = hook.on_page_content(html, None, None, None)
    assert '<span class="katex-mathml" data-search-exclude>' in marked
    assert hook.on_post_page(marked, None, None) == html  # the page itself is unchanged


def test_material_still_segments_through_jieba_where_this_hook_switches_it_off():
    from material.plugins.search import plugin

    assert hasattr(plugin, "jieba") and hasattr(plugin.SearchIndex, "_segment_chinese")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_built_index_and_worker(site_dir, lang):
    index = json.loads((site_dir / ("" if lang == "zh" else "en") / "search" / "search_index.json").read_text("utf-8"))
    text = "".join(d["title"] + d["text"] for d in index["docs"])
    assert not re.search("[\u200b-\u200d\u2060\ufeff¶]", text), "zero-width characters or ¶ left in the search index"
    # KaTeX renders this section's formulas; only their visible text is indexed, not MathML's TeX annotation.
    (families,) = [d["text"] for d in index["docs"] if d["location"].endswith("qa/fundamentals/#generative-model-families")]
    assert "\\mathbb" not in families and "\\log" not in families, "KaTeX's MathML/TeX copy is in the search index"
    for worker in built_files(site_dir, lang, hook.WORKER):
        assert worker.read_text("utf-8").count("function __mdSearchIn(") == 1, worker
