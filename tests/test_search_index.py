"""hooks/search_index.py: clean snippets and formulas indexed once. The query functions added to
Material's worker are tested in tests/test_theme.py; the reader's side (recall, ranking, ?h=) in
tests/browser/test_search.py."""

import json
import re

import pytest

from hooks import search_index as hook


def test_snippets_lose_pilcrows_and_zero_width_characters_and_chinese_is_split_from_latin():
    doc = hook.clean({"title": "小型\u200b WaveNet：逐个采样点¶", "text": "<p>第3步用GAN\u200b训练</p>"})
    assert doc == {"title": "小型 WaveNet：逐个采样点", "text": "<p>第 3步用 GAN训练</p>"}


def test_a_formula_is_indexed_once():
    html = '<span class="katex"><span class="katex-mathml"><math>…</math></span><span class="katex-html">z</span></span>'
    marked = hook.on_page_content(html, None, None, None)
    assert '<span class="katex-mathml" data-search-exclude>' in marked
    assert hook.on_post_page(marked, None, None) == html  # the page itself is unchanged


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_built_index_and_worker(site_dir, lang):
    index = json.loads((site_dir / ("" if lang == "zh" else "en") / "search" / "search_index.json").read_text("utf-8"))
    text = "".join(d["title"] + d["text"] for d in index["docs"])
    assert not re.search("[\u200b-\u200d\u2060\ufeff¶]", text), "zero-width characters or ¶ left in the search index"
    # KaTeX renders this section's formulas; only their visible text is indexed, not MathML's TeX annotation.
    (families,) = [d["text"] for d in index["docs"] if d["location"].endswith("qa/fundamentals/#generative-model-families")]
    assert "\\mathbb" not in families and "\\log" not in families, "KaTeX's MathML/TeX copy is in the search index"
