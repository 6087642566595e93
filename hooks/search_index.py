"""The search index: Chinese found by any substring, clean result snippets, UTF-8.

Material's search plugin segments Chinese with jieba (accurate mode) and the
browser's tokenizer splits at the zero-width spaces it inserts, so a term that
jieba keeps inside a longer word in the index ("对抗" in "生成对抗网络") is not
found, and the browser splits a query differently from the index. Here:

* jieba is switched off; the zh separator (mkdocs.yml, search.separator) splits
  before every Han character, so every character is a token and any substring
  of the text can be found. hooks/search_worker.js, added to Material's worker,
  makes each character of a Chinese query run required and keeps only sections
  that contain the run whole, ranked: heading equal to the query, heading or
  first paragraph containing it, the rest; it marks the run and passes it as ?h=.
  README.md (Search) has the measurements behind this choice.
* A formula is indexed once: KaTeX's MathML copy (with its TeX annotation) is
  excluded with Material's data-search-exclude, only while the page is indexed.
* Notebook headings lose nbconvert's "¶"; zero-width characters are dropped.
* The index is written as UTF-8 rather than \\uXXXX escapes (6 bytes per Chinese
  character instead of 3). JSON is UTF-8 by definition.
"""

import json
import re
from pathlib import Path

from mkdocs.exceptions import PluginError

from material_assets import built

HOOK = "hooks/search_index.py"
WORKER = "assets/javascripts/workers/search.*.min.js"
FUNCTIONS = Path(__file__).with_name("search_worker.js").read_text(encoding="utf-8")
# Material's worker handler: SETUP (0) answers READY (1), QUERY (2) answers RESULT (3), and
# the worker calls the global addEventListener("message") and postMessage that search_worker.js replaces.
HANDLER = re.compile(r"switch\(\w+\.type\)\{case 0:.{0,200}?\{type:1\};case 2:.{0,200}?\{type:3,data:")
LISTENER = 'addEventListener("message",'
SOURCE_MAP_COMMENT = "//# sourceMappingURL="
MATHML = '<span class="katex-mathml">'
MATHML_EXCLUDED = '<span class="katex-mathml" data-search-exclude>'
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN_THEN_LATIN = re.compile(f"([{HAN}])(?=[A-Za-z0-9])")  # "第3" -> "第 3": the separator only splits before Han
ZERO_WIDTH = re.compile("[\u200b-\u200d\u2060\ufeff]")


def on_config(config):
    try:
        from material.plugins.search import plugin as search
    except ImportError:  # no Material: nothing to adjust
        return config
    if not hasattr(search, "jieba") or not hasattr(search.SearchIndex, "_segment_chinese"):
        raise PluginError(
            f"{HOOK}: Material's search plugin no longer segments Chinese through a module-level `jieba` "
            "and SearchIndex._segment_chinese. Check that its index still holds Chinese unsegmented "
            "(one token per character through search.separator), then update on_config in this hook."
        )
    search.jieba = None  # the separator splits Chinese by character instead
    return config


def on_page_content(html, page, config, files):
    return html.replace(MATHML, MATHML_EXCLUDED)


def on_post_page(output, page, config):
    return output.replace(MATHML_EXCLUDED, MATHML)


def clean(doc: dict) -> dict:
    doc["title"] = ZERO_WIDTH.sub("", doc.get("title", "")).replace("¶", "").strip()
    doc["text"] = HAN_THEN_LATIN.sub(r"\1 ", ZERO_WIDTH.sub("", doc.get("text", "")))
    doc["title"] = HAN_THEN_LATIN.sub(r"\1 ", doc["title"])
    return doc


def add_query_functions(script: str, name: str = "worker") -> str:
    """Material's search worker with search_worker.js appended; unchanged if it already is."""
    if "function __mdSearchIn(" in script:
        return script
    if len(HANDLER.findall(script)) != 1 or LISTENER not in script:
        raise PluginError(
            f"{HOOK}: Material's search worker {name} no longer has the message handler this hook expects "
            "(SETUP 0 -> READY 1, QUERY 2 -> RESULT 3, through addEventListener(\"message\") and postMessage). "
            "Update HANDLER and hooks/search_worker.js to the new protocol, or remove the hook (Chinese search "
            "then finds nothing inside longer words)."
        )
    at = script.rfind(SOURCE_MAP_COMMENT)
    if at < 0:
        at = len(script)
    return script[:at] + FUNCTIONS + script[at:]


def on_post_build(config):
    path = Path(config.site_dir) / "search" / "search_index.json"
    if path.exists():
        index = json.loads(path.read_text(encoding="utf-8"))
        index["docs"] = [clean(doc) for doc in index["docs"]]
        path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    for worker in built(config, WORKER, HOOK):
        worker.write_text(add_query_functions(worker.read_text(encoding="utf-8"), str(worker)), encoding="utf-8")
