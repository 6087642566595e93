"""What a reader on a phone (390 px wide) sees first: on every page with questions, the first
question's heading is on the first screen (the page's tag chips do not push it down; each
question lists its topics), and the zh benchmarks table carries no English label."""

import re

import pytest

from tests.browser.conftest import PageWatch
from tests.test_search_terms import question_pages

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, served_site):
    context = browser.new_context(locale="zh-CN", viewport=PHONE, device_scale_factor=3, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.watch = PageWatch(context, served_site.url.rstrip("/"))
    page.base = served_site.url
    yield page
    context.close()


@pytest.mark.parametrize("lang,root", [("zh", ""), ("en", "en/")])
def test_the_first_question_is_on_the_first_screen(phone, lang, root):
    first = {}
    for anchor, page in question_pages(lang).items():
        first.setdefault(page, anchor)  # dicts keep the order the questions were found in
    failures = []
    for page, anchor in sorted(first.items()):
        phone.goto(phone.base + root + page[: -len(".md")] + "/")
        heading = phone.locator(f"[id='{anchor}']")
        box = heading.bounding_box()
        if box is None or box["y"] + box["height"] > PHONE["height"]:
            chips = phone.locator("article .md-tags:visible .md-tag").count()
            failures.append(f"docs/{lang}/{page}: #{anchor} ends at {box and round(box['y'] + box['height'])} px "
                            f"(screen {PHONE['height']} px; {chips} tag chips shown above the title)")
    assert not failures, ("On a 390 px phone these pages open without their first question in view; shorten the "
                          "title or the introduction above it (move background into the answers):\n" + "\n".join(failures))
    phone.watch.assert_clean()


def test_the_zh_benchmarks_table_has_no_english_label(phone):
    phone.goto(phone.base + "benchmarks/")
    rows = phone.locator("article table tbody tr").evaluate_all(
        "rows => rows.map(r => [...r.cells].map(c => c.textContent.trim()))")
    assert rows, "no benchmarks table on the zh benchmarks page"
    english = [f"{r[0]}: {label!r}" for r in rows for label in (r[1], r[3])
               if label != "–" and not re.search("[\u3400-\u9fff]", label)]
    assert not english, ("labels in English on the zh benchmarks page; add them to benchmarks/labels.zh.yml:\n"
                         + "\n".join(english))
    phone.watch.assert_clean()
