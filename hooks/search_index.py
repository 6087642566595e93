"""The search index: Chinese found by any substring, clean result snippets, UTF-8.

Material's search plugin segments Chinese with jieba (accurate mode) and the
browser's tokenizer splits at the zero-width spaces it inserts, so a term that
jieba keeps inside a longer word in the index ("对抗" in "生成对抗网络") is not
found, and the browser splits a query differently from the index. Here:

* Chinese is indexed one character per token: the zh separator (mkdocs.yml,
  search.separator) splits before every Han character, so any substring of the
  text can be found. Switching jieba off and the query functions added to
  Material's worker rely on Material's internals, so they live in
  handbook/theme/. DESIGN.md (Search) has the measurements behind this choice.
* A formula is indexed once: KaTeX's MathML copy (with its TeX annotation) is
  excluded with Material's data-search-exclude, only while the page is indexed.
* Notebook headings lose nbconvert's "¶"; zero-width characters are dropped.
* The index is written as UTF-8 rather than \\uXXXX escapes (6 bytes per Chinese
  character instead of 3). JSON is UTF-8 by definition.
"""

import json
import re
from pathlib import Path

MATHML = '<span class="katex-mathml">'
MATHML_EXCLUDED = '<span class="katex-mathml" data-search-exclude>'
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN_THEN_LATIN = re.compile(f"([{HAN}])(?=[A-Za-z0-9])")  # "第3" -> "第 3": the separator only splits before Han
ZERO_WIDTH = re.compile("[\u200b-\u200d\u2060\ufeff]")


def on_page_content(html, page, config, files):
    return html.replace(MATHML, MATHML_EXCLUDED)


def on_post_page(output, page, config):
    return output.replace(MATHML_EXCLUDED, MATHML)


def clean(doc: dict) -> dict:
    doc["title"] = ZERO_WIDTH.sub("", doc.get("title", "")).replace("¶", "").strip()
    doc["text"] = HAN_THEN_LATIN.sub(r"\1 ", ZERO_WIDTH.sub("", doc.get("text", "")))
    doc["title"] = HAN_THEN_LATIN.sub(r"\1 ", doc["title"])
    return doc


def on_post_build(config):
    path = Path(config.site_dir) / "search" / "search_index.json"
    if path.exists():
        index = json.loads(path.read_text(encoding="utf-8"))
        index["docs"] = [clean(doc) for doc in index["docs"]]
        path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
