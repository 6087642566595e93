"""Search as a reader types it, on the built site in both languages (hooks/search_index.py):
every glossary term finds its entry among the first 3 results, every question's term
(tests/browser/search_terms.tsv) finds its page among the first 5, a Chinese term inside a
longer word is found and highlighted on the page it leads to, and snippets are clean text."""

import re
from urllib.parse import unquote, urlsplit

import pytest

from tests.support.docs import ROOT
from tests.test_search_terms import question_pages, read_terms

pytestmark = pytest.mark.browser

ROOTS = {"zh": "", "en": "en/"}
HEADING = re.compile(r"^### (.*?) \{ #([\w-]+) \}", re.M)


def glossary_terms(lang):
    """(term as typed, anchor): the entry's heading without its trailing "(GAN)"."""
    text = (ROOT / "docs" / lang / "glossary.md").read_text("utf-8")
    return [(re.sub(r"\s*[（(][^（）()]*[）)]$", "", title).strip(), anchor) for title, anchor in HEADING.findall(text)]


# Resolves as soon as the result list differs from `before`, or after `ms` (changed: false).
# Material clears the list and appends the first 10 results in the task of the worker's
# message (components/search/result), so a list seen changed is the whole new list.
RESULTS_AFTER = """([before, ms]) => new Promise(resolve => {
    const list = document.querySelector('.md-search-result__list');
    const done = changed => {
        observer.disconnect();
        clearTimeout(timer);
        resolve({changed, groups: [...list.querySelectorAll('.md-search-result__item')].map(li =>
            [...li.querySelectorAll('a.md-search-result__link')].map(a => a.href))});
    };
    const observer = new MutationObserver(() => list.innerHTML !== before && done(true));
    const timer = setTimeout(() => done(false), ms);
    observer.observe(list, {childList: true, subtree: true, characterData: true});
    if (list.innerHTML !== before) done(true);
})"""


@pytest.fixture
def search(site_page):
    """search(lang, term) -> the result groups (one per page), each the list of its links' paths+anchors."""
    state = {}

    def run(lang, term):
        if state.get("lang") != lang:
            site_page.goto(site_page.base + ROOTS[lang])
            site_page.locator("input.md-search__input").click()
            state["lang"] = lang
        box = site_page.locator("input.md-search__input")
        before = site_page.evaluate("document.querySelector('.md-search-result__list').innerHTML")
        box.fill(term)
        # Material searches on key events (fill() sends none) and drops a query typed
        # before its worker has the index: nudge until the list changes.
        for _ in range(40):
            box.press("End")
            found = site_page.evaluate(RESULTS_AFTER, [before, 500])
            if found["changed"] or (found["groups"] and state.get("warm")):
                break  # (unchanged but warm: the same results as the previous term)
        state["warm"] = True
        return found["groups"]

    return run


def _path(url, base):
    parts = urlsplit(url)
    return parts.path.lstrip("/") + ("#" + parts.fragment if parts.fragment else "")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_glossary_term_finds_its_entry_among_the_first_three(search, site_page, lang):
    failures = []
    for term, anchor in glossary_terms(lang):
        groups = [[_path(u, site_page.base) for u in g] for g in search(lang, term)][:3]
        target = ROOTS[lang] + "glossary/#" + anchor
        if not any(target in g for g in groups):
            failures.append(f"{term!r} -> {[g[0] for g in groups]}, not {target}")
    assert not failures, f"{len(failures)} glossary terms on the {lang} site miss their entry:\n" + "\n".join(failures)
    site_page.watch.assert_clean()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_question_term_finds_its_page_among_the_first_five(search, site_page, lang):
    pages, failures = question_pages(lang), []
    for anchor, terms in read_terms().items():
        term = terms[0 if lang == "zh" else 1]
        page = ROOTS[lang] + pages[anchor][: -len(".md")] + "/"
        firsts = [_path(g[0], site_page.base).split("#")[0] for g in search(lang, term)][:5]
        if page not in firsts:
            failures.append(f"#{anchor}: {term!r} -> {firsts}, not {page}")
    assert not failures, (f"{len(failures)} question terms on the {lang} site miss their page "
                          "(tests/browser/search_terms.tsv):\n" + "\n".join(failures))
    site_page.watch.assert_clean()


# A term that occurs on the site only inside longer words ("对抗" in "生成对抗网络"), and an
# English word the stemmer shortens in the index.
INSIDE = {"zh": "对抗", "en": "adversarial"}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_following_a_result_highlights_the_term_on_its_page(search, site_page, lang):
    term = INSIDE[lang]
    groups = search(lang, term)
    assert groups, f"no results for {term!r} on the {lang} site"
    link = groups[0][-1] if len(groups[0]) > 1 else groups[0][0]
    assert unquote(re.search(r"[?&]h=([^&#]*)", link).group(1)).replace("+", " ") == term, link
    site_page.goto(link)
    marks = site_page.locator("article mark[data-md-highlight]")
    marks.first.wait_for(state="attached", timeout=15_000)
    assert term in [m.lower() for m in marks.all_text_contents()]
    site_page.watch.assert_clean()


@pytest.mark.parametrize("lang,term", [("zh", "重参数化技巧"), ("en", "reparameterization trick"), ("zh", "WaveNet"), ("en", "WaveNet")])
def test_result_snippets_are_clean_text(search, site_page, lang, term):
    assert search(lang, term)
    shown = site_page.locator(".md-search-result").inner_text()
    assert "¶" not in shown, "a notebook heading's ¶ shows in the results"
    assert not re.search("[\u200b-\u200d\u2060\ufeff]", shown), "zero-width characters in the results"
    assert not re.search(r"\\(mu|sigma|odot|epsilon|mathcal|frac)\b", shown), "a formula's TeX source shows in the results"
