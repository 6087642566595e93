"""The whole site builds in strict mode, in both languages, without a warning.

Strict mode turns MkDocs' warnings into failures: a broken link or anchor, a
page missing from the nav, a missing snippet file (check_paths), an unknown
question topic (hooks/questions.py). The log names the page to fix.
"""

import json
import re

import pytest


def _problems(log):
    """Warning and error lines, with page paths made relative to the repository."""
    docs, problems = "docs/zh/", []
    for line in log.splitlines():
        if "Building documentation to directory" in line:
            docs = "docs/en/" if line.rstrip("/").endswith("/en") else "docs/zh/"
        elif re.match(r"^(WARNING|ERROR)\s+-", line) or line.startswith("Build failed"):
            problems.append(re.sub(r"(Doc file|reading page) '", rf"\1 '{docs}", line))
    return problems


def test_both_languages_build_strictly_without_warnings(built_site):
    problems = _problems(built_site.log)
    assert built_site.returncode == 0 and not problems, (
        "`python scripts/site.py build` failed. Fix these (each names the page):\n"
        + "\n".join(problems or built_site.log.splitlines()[-30:])
    )


def test_each_language_is_at_its_own_root(built_site):
    zh = (built_site.path / "index.html").read_text("utf-8")
    en = (built_site.path / "en" / "index.html").read_text("utf-8")
    assert '<html lang="zh"' in zh
    assert '<html lang="en"' in en


def test_each_language_has_its_own_search_index(built_site):
    zh = (built_site.path / "search" / "search_index.json").read_text("utf-8")
    en = (built_site.path / "en" / "search" / "search_index.json").read_text("utf-8")
    assert '"lang":["zh"]' in zh.replace(" ", "") and '"lang":["en"]' in en.replace(" ", "")
    assert '"location":"en/' not in zh.replace(" ", ""), "the zh index must not list English pages"


def test_bilingual_404_page(built_site):
    page = (built_site.path / "404.html").read_text("utf-8")
    assert "页面不存在" in page and "Page not found" in page


EXTERNAL_ASSET = re.compile(r'<(?:script|img|iframe|source|audio|video)\b[^>]*\bsrc="(?:https?:)?//|<link\b[^>]*\brel="(?:stylesheet|preload|preconnect|dns-prefetch|modulepreload|icon)"[^>]*\bhref="(?:https?:)?//')
FONT_HOSTS = ("fonts.googleapis.com", "fonts.gstatic.com", "cdn.jsdelivr.net", "unpkg.com", "cdnjs.cloudflare.com")


def test_no_page_loads_anything_from_another_host(built_site):
    offenders = []
    for page in sorted(built_site.path.rglob("*.html")):
        html = page.read_text("utf-8")
        if EXTERNAL_ASSET.search(html) or any(host in html for host in FONT_HOSTS):
            offenders.append(page.relative_to(built_site.path).as_posix())
    assert not offenders, f"These built pages load scripts, styles, fonts or images from other hosts: {offenders}"


def test_math_is_rendered_at_build_time(built_site):
    raw = []
    for page in sorted(built_site.path.rglob("*.html")):
        html = page.read_text("utf-8")
        if re.search(r'class="arithmatex">\s*\\[(\[]', html):
            raw.append(page.relative_to(built_site.path).as_posix())
    assert not raw, f"Formulas left as raw TeX (hooks/math.py did not render them): {raw}"


@pytest.mark.parametrize("root", ["", "en/"])
def test_practice_data_lists_questions_and_answers_separately(built_site, root):
    # questions.json loads with the practice page; the rendered answers (about
    # 1.2 MB) wait in answers.json until the reader draws a question.
    assets = built_site.path / root / "assets"
    questions = json.loads((assets / "questions.json").read_text("utf-8"))["questions"]
    answers = json.loads((assets / "answers.json").read_text("utf-8"))
    assert questions and all("answer" not in q and "short" not in q for q in questions)
    assert {q["id"] for q in questions} == set(answers)
    assert all(len(a) > 100 for a in answers.values()), "every question needs a rendered answer"
