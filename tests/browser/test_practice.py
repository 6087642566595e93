"""Practice features in a real browser, in both languages: the random-question
page, the expand/collapse-all switch, the report link and printing."""

from urllib.parse import parse_qs, urlsplit

import re

import pytest

from handbook import languages

pytestmark = pytest.mark.browser

LANGS = [(lang.code, lang.root) for lang in languages.LANGUAGES]
QA_PAGE = "qa/fundamentals/"


@pytest.mark.parametrize("lang,root", LANGS)
def test_random_question_shows_and_its_answer_reveals(site_page, lang, root):
    site_page.goto(site_page.base + root + "practice/")
    draw = site_page.locator("[data-practice-draw]")
    draw.wait_for()
    site_page.wait_for_function("!document.querySelector('[data-practice-draw]').disabled")
    # Filter by a difficulty, then draw.
    site_page.select_option("[data-practice-difficulty]", "basic")
    draw.click()
    title = site_page.locator("[data-practice-title]")
    assert title.is_visible() and title.inner_text().strip()
    answer = site_page.locator("[data-practice-answer]")
    assert answer.is_hidden(), "the answer must stay hidden until asked for"
    site_page.locator("[data-practice-reveal]").click()
    # The answers arrive from assets/answers.json, fetched at the first draw.
    site_page.wait_for_function("document.querySelector('[data-practice-answer]').innerText.length > 40")
    assert answer.is_visible()
    # The title links to the question on its page, in the same language.
    href = title.get_attribute("href")
    assert href.startswith(site_page.base + root) and "#" in href
    site_page.goto(href)
    assert site_page.locator(f"[id='{href.split('#')[1]}']").count() == 1
    site_page.watch.assert_clean()


@pytest.mark.parametrize("lang,root", LANGS)
def test_practice_filters_change_the_pool(site_page, lang, root):
    site_page.goto(site_page.base + root + "practice/")
    site_page.wait_for_function("!document.querySelector('[data-practice-draw]').disabled")
    status = site_page.locator("[data-practice-status]")
    loaded = status.inner_text()
    # The page's own message with the count filled in (a mangled data-ready attribute showed '“已加载').
    assert re.search(r"\d", loaded) and "{n}" not in loaded and not re.search("[“”]", loaded), loaded
    site_page.locator("[data-practice-draw]").click()
    everything = status.inner_text()
    assert re.search(r"\d", everything) and "{n}" not in everything, everything
    site_page.select_option("[data-practice-topic]", "gan")
    site_page.locator("[data-practice-draw]").click()
    assert status.inner_text() != everything, "a topic filter should narrow the pool"
    meta = site_page.locator("[data-practice-meta]").inner_text()
    assert "GAN" in meta


@pytest.mark.parametrize("lang,root", LANGS)
def test_expand_all_switch_opens_and_closes_every_answer(site_page, lang, root):
    site_page.goto(site_page.base + root + QA_PAGE)
    details = site_page.locator("article details")
    assert details.count() >= 3
    assert details.evaluate_all("ds => ds.every(d => !d.open)")
    toggle = site_page.locator(".answers-toggle")
    label = toggle.inner_text()
    toggle.click()
    # The switch may run after the click returns: wait for the state (up to 5 s), then check it.
    site_page.wait_for_function("() => [...document.querySelectorAll('article details')].every(d => d.open)", timeout=5000)
    assert details.evaluate_all("ds => ds.every(d => d.open)")
    assert toggle.get_attribute("aria-pressed") == "true" and toggle.inner_text() != label
    toggle.click()
    site_page.wait_for_function("() => [...document.querySelectorAll('article details')].every(d => !d.open)", timeout=5000)
    assert details.evaluate_all("ds => ds.every(d => !d.open)")
    assert toggle.inner_text() == label
    site_page.watch.assert_clean()


@pytest.mark.parametrize("lang,root", LANGS)
def test_every_question_has_a_prefilled_report_link(site_page, lang, root):
    site_page.goto(site_page.base + root + QA_PAGE)
    questions = site_page.locator("h2[data-difficulty]")
    links = site_page.locator(".question-meta__report")
    assert links.count() == questions.count() > 0
    first_id = questions.first.get_attribute("id")
    url = urlsplit(links.first.get_attribute("href"))
    assert url.netloc == "github.com" and url.path.endswith("/issues/new")
    fields = {key: values[0] for key, values in parse_qs(url.query).items()}
    assert fields["template"] == "report-an-error.yml"  # .github/ISSUE_TEMPLATE/, tests/test_report_form.py
    assert fields["question"] == f"#{first_id}" and fields["page"] == f"docs/{lang}/qa/fundamentals.md"
    assert fields["language"] == lang and fields["commit"]


@pytest.mark.parametrize("lang,root", LANGS)
def test_print_shows_answers_and_hides_navigation(site_page, lang, root):
    site_page.goto(site_page.base + root + QA_PAGE)
    site_page.emulate_media(media="print")
    assert site_page.locator(".md-sidebar--primary").first.is_hidden()
    assert site_page.locator(".md-header").first.is_hidden()
    # Content of a closed answer is laid out in print.
    height = site_page.locator("article details .md-typeset, article details > p").first.evaluate(
        "el => el.getBoundingClientRect().height"
    )
    assert height > 0
    pdf = site_page.pdf()
    assert pdf[:4] == b"%PDF" and len(pdf) > 10_000
