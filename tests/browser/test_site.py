"""The built site, as a reader's browser sees it: both languages, the language
switch, search in Chinese and English, and no request to any other host."""

import pytest

from handbook import languages

pytestmark = pytest.mark.browser

# A Chinese word that sits inside a sentence (found only with jieba
# segmentation), and an English word the stemmer changes.
SEARCHES = {"zh": ("判别器", ""), "en": ("adversarial", "en/")}
TWIN = "qa/fundamentals/"


@pytest.mark.parametrize("lang,root", [(lang.code, lang.root) for lang in languages.LANGUAGES])
def test_home_page_declares_its_language(site_page, lang, root):
    site_page.goto(site_page.base + root)
    assert site_page.locator("html").get_attribute("lang") == lang
    assert site_page.locator("h1").first.is_visible()
    site_page.watch.assert_clean()


@pytest.mark.parametrize("start,target,name", [("", "en/", "English"), ("en/", "", "简体中文")])
def test_language_switch_lands_on_the_twin_page(site_page, start, target, name):
    site_page.goto(site_page.base + start + TWIN)
    site_page.locator(".md-header .md-select").hover()
    site_page.get_by_role("link", name=name).click()
    site_page.wait_for_url(site_page.base + target + TWIN)
    assert site_page.url == site_page.base + target + TWIN
    site_page.watch.assert_clean()


@pytest.mark.parametrize("lang", languages.CODES)
def test_search_finds_a_word(site_page, lang):
    term, root = SEARCHES[lang]
    site_page.goto(site_page.base + root)
    box = site_page.locator("input.md-search__input")
    box.click()
    box.fill(term)
    results = site_page.locator(".md-search-result__item")
    # Material searches on key events (fill() sends none), and drops a query
    # typed before its worker has loaded the index: nudge until it answers.
    for _ in range(40):
        box.press("End")
        if results.count():
            break
        site_page.wait_for_timeout(500)
    assert results.count() > 0, f"no search results for {term!r} on the {lang} site"
    site_page.watch.assert_clean()


@pytest.mark.parametrize("root", ["", "en/"])
def test_math_is_rendered_with_the_sites_own_katex(site_page, root):
    site_page.goto(site_page.base + root + TWIN)
    # Rendered at build time (hooks/math.py): no formula is left as raw TeX.
    assert site_page.locator(".arithmatex .katex").count() > 0
    assert site_page.locator(".arithmatex").evaluate_all("els => els.filter(e => !e.querySelector('.katex')).length") == 0
    # KaTeX's fonts load from this site when a formula shows.
    answer = site_page.locator("article details:has(.arithmatex)").first
    answer.locator("summary").click()
    site_page.wait_for_function("document.fonts.check('16px KaTeX_Main')")
    site_page.watch.assert_clean()


@pytest.mark.parametrize("root", ["", "en/"])
@pytest.mark.parametrize("page", ["notebooks/gan-digits/", "coding/gan-super-resolution/", "cases/stable-diffusion/", "glossary/"])
def test_pages_with_figures_and_notebooks_stay_on_this_host(site_page, root, page):
    site_page.goto(site_page.base + root + page)
    # Images load lazily (hooks/images.py): open every answer, bring each image into view.
    site_page.evaluate("document.querySelectorAll('article details').forEach(d => { d.open = true; })")
    images = site_page.locator("article img")
    for i in range(images.count()):
        images.nth(i).scroll_into_view_if_needed()
    site_page.wait_for_function("[...document.querySelectorAll('article img')].every(i => i.complete)")
    site_page.wait_for_load_state("networkidle")
    assert images.evaluate_all("imgs => imgs.every(i => i.complete && i.naturalWidth > 0)"), "an image failed to load"
    assert images.evaluate_all("imgs => imgs.every(i => (i.getAttribute('alt') || '').trim().length > 0)"), "an image has no alt text"
    site_page.watch.assert_clean()


@pytest.mark.parametrize("start,target,name", [("", "en/", "English"), ("en/", "", "简体中文")])
def test_language_switch_keeps_the_question(site_page, start, target, name):
    site_page.goto(site_page.base + start + "coding/gan-digits/#gan-training-loop")
    site_page.locator(".md-header .md-select").hover()
    site_page.get_by_role("link", name=name).click()
    site_page.wait_for_url(site_page.base + target + "coding/gan-digits/#gan-training-loop")
    assert site_page.locator("#gan-training-loop").count() == 1
    site_page.watch.assert_clean()


@pytest.mark.parametrize("root", ["", "en/"])
def test_colour_toggle_follows_the_system_then_cycles_and_is_remembered(site_page, root):
    # overrides/partials/javascripts/palette.html: applied before the first paint.
    site_page.emulate_media(color_scheme="dark")
    site_page.goto(site_page.base + root)
    body = site_page.locator("body")
    assert body.get_attribute("data-md-color-media") == "(prefers-color-scheme)"
    assert body.get_attribute("data-md-color-scheme") == "slate"
    toggle = site_page.locator("[data-palette] button:visible")
    assert toggle.count() == 1
    toggle.click()  # auto -> light
    assert body.get_attribute("data-md-color-scheme") == "default"
    site_page.locator("[data-palette] button:visible").click()  # light -> dark
    assert body.get_attribute("data-md-color-media") == "(prefers-color-scheme: dark)"
    site_page.emulate_media(color_scheme="light")
    site_page.reload()
    assert body.get_attribute("data-md-color-scheme") == "slate", "the reader's choice outlives a reload"
    site_page.locator("[data-palette] button:visible").click()  # dark -> auto: the system is light now
    assert body.get_attribute("data-md-color-scheme") == "default"
    site_page.watch.assert_clean()


def test_code_blocks_get_a_copy_button_when_their_answer_opens(site_page):
    # Material's bundle starts after the first paint and mounts a code block
    # when it becomes visible (content.lazy): here, when its answer is opened.
    site_page.goto(site_page.base + "coding/gan-super-resolution/")
    answer = site_page.locator("article details:has(.highlight pre)").first
    block = answer.locator(".highlight pre").first
    assert block.locator("button.md-code__button").count() == 0
    answer.locator("summary").click()
    block.scroll_into_view_if_needed()
    block.locator("button.md-code__button[data-clipboard-target]").wait_for(state="attached", timeout=10_000)
    site_page.watch.assert_clean()


def _index_requests(page):
    requests = []
    page.on("request", lambda r: "search_index.json" in r.url and requests.append(r.url))
    return requests


@pytest.mark.parametrize("lang,reach", [("zh", "shortcut"), ("en", "click")])
def test_search_index_loads_when_the_reader_reaches_for_search(site_page, lang, reach):
    # hooks/lazy_search_index.py: no index on a page view that never searches.
    term, root = SEARCHES[lang]
    requests = _index_requests(site_page)
    site_page.goto(site_page.base + root + TWIN)
    site_page.wait_for_function("window.component$ !== undefined")  # Material's bundle has run
    site_page.wait_for_timeout(1000)
    assert requests == [], "the search index was fetched before the reader touched search"
    if reach == "shortcut":
        site_page.keyboard.press("/")  # Material's shortcut opens search and focuses the box
    else:
        site_page.locator("input.md-search__input").click()
    site_page.wait_for_function("document.activeElement.matches('input.md-search__input')")
    site_page.keyboard.type(term)
    results = site_page.locator(".md-search-result__item")
    results.first.wait_for(timeout=15_000)  # the query typed before the index arrived still runs
    assert len(requests) == 1, requests
    site_page.watch.assert_clean()


def test_search_highlight_loads_the_index_at_once(site_page):
    # Following a result adds ?h=<query>; search.highlight needs the index to mark it.
    requests = _index_requests(site_page)
    site_page.goto(site_page.base + TWIN + "?h=" + SEARCHES["zh"][0])
    site_page.locator("article mark[data-md-highlight]").first.wait_for(state="attached", timeout=15_000)
    assert len(requests) == 1, requests
    site_page.watch.assert_clean()


def test_a_closed_answers_diagram_loads_when_the_answer_opens(site_page):
    # hooks/images.py: loading="lazy", and a size that reserves the diagram's space.
    diagrams = []
    site_page.on("request", lambda r: "/assets/diagrams/" in r.url and diagrams.append(r.url))
    site_page.goto(site_page.base + TWIN)
    site_page.wait_for_load_state("load")
    assert diagrams == [], "diagrams inside closed answers were fetched with the page"
    answer = site_page.locator("article details:has(img)").first
    image = answer.locator("img").first
    answer.locator("summary").click()
    image.scroll_into_view_if_needed()
    site_page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    assert diagrams, "opening the answer did not load its diagram"
    width, height, box_width, box_height = image.evaluate(
        "i => [i.width, i.height, i.getBoundingClientRect().width, i.getBoundingClientRect().height]")
    assert abs(box_width / box_height - width / height) < 0.02, "the diagram is shown at its own aspect ratio"
    site_page.watch.assert_clean()
