"""The whole site builds in strict mode, in both languages, without a warning.

Strict mode turns MkDocs' warnings into failures: a broken link or anchor, a
page missing from the nav, a missing snippet file (check_paths), an unknown
question topic (hooks/questions.py). The log names the page to fix.
"""

import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from handbook import languages
from tests.support import build_log
from tests.support.docs import ROOT


def build_report(log, returncode, lang):
    """What a contributor needs to fix one language's build, or None when it built cleanly."""
    parts = build_log.split_by_language(log)
    if lang not in build_log.started(log):
        if lang == languages.DEFAULT.code or not build_log.started(log):
            return "`python scripts/site.py build` stopped before building anything:\n" + "\n".join(log.splitlines()[-30:])
        return None if returncode == 0 else f"the {lang} site was never started; see the {languages.DEFAULT.code} failure"
    problems = build_log.problems(parts[lang], lang)
    if not problems:
        return None
    config = languages.get(lang).config
    return (
        f"The {lang} site ({config}, docs/{lang}/) does not build strictly. Fix these; each names its file:\n\n"
        + "\n\n".join(problems)
    )


@pytest.mark.parametrize("lang", build_log.LANGUAGES)
def test_the_site_builds_strictly(built_site, lang):
    report = build_report(built_site.log, built_site.returncode, lang)
    assert report is None, report
    silent = built_site.returncode != 0 and not any(
        build_report(built_site.log, built_site.returncode, other) for other in build_log.LANGUAGES
    )
    assert not silent, "`python scripts/site.py build` failed without a message:\n" + built_site.log[-3000:]


def test_each_language_is_at_its_own_root(site_dir):
    zh = (site_dir / "index.html").read_text("utf-8")
    en = (site_dir / "en" / "index.html").read_text("utf-8")
    assert '<html lang="zh"' in zh
    assert '<html lang="en"' in en


def test_each_language_has_its_own_search_index(site_dir):
    zh = (site_dir / "search" / "search_index.json").read_text("utf-8")
    en = (site_dir / "en" / "search" / "search_index.json").read_text("utf-8")
    assert '"lang":["zh"]' in zh.replace(" ", "") and '"lang":["en"]' in en.replace(" ", "")
    assert '"location":"en/' not in zh.replace(" ", ""), "the zh index must not list English pages"


def test_bilingual_404_page(site_dir):
    page = (site_dir / "404.html").read_text("utf-8")
    assert "页面不存在" in page and "Page not found" in page


EXTERNAL_ASSET = re.compile(r'<(?:script|img|iframe|source|audio|video)\b[^>]*\bsrc="(?:https?:)?//|<link\b[^>]*\brel="(?:stylesheet|preload|preconnect|dns-prefetch|modulepreload|icon)"[^>]*\bhref="(?:https?:)?//')
FONT_HOSTS = ("fonts.googleapis.com", "fonts.gstatic.com", "cdn.jsdelivr.net", "unpkg.com", "cdnjs.cloudflare.com")


def test_no_page_loads_anything_from_another_host(site_dir):
    offenders = []
    for page in sorted(site_dir.rglob("*.html")):
        html = page.read_text("utf-8")
        if EXTERNAL_ASSET.search(html) or any(host in html for host in FONT_HOSTS):
            offenders.append(page.relative_to(site_dir).as_posix())
    assert not offenders, f"These built pages load scripts, styles, fonts or images from other hosts: {offenders}"


def test_math_is_rendered_at_build_time(site_dir):
    raw = []
    for page in sorted(site_dir.rglob("*.html")):
        html = page.read_text("utf-8")
        if re.search(r'class="arithmatex">\s*\\[(\[]', html):
            raw.append(page.relative_to(site_dir).as_posix())
    assert not raw, f"Formulas left as raw TeX (hooks/math.py did not render them): {raw}"


@pytest.mark.parametrize("root", ["", "en/"])
def test_practice_data_lists_questions_and_answers_separately(site_dir, root):
    # questions.json loads with the practice page; the rendered answers (about
    # 1.2 MB) wait in answers.json until the reader draws a question.
    assets = site_dir / root / "assets"
    questions = json.loads((assets / "questions.json").read_text("utf-8"))["questions"]
    answers = json.loads((assets / "answers.json").read_text("utf-8"))
    assert questions and all("answer" not in q and "short" not in q for q in questions)
    assert {q["id"] for q in questions} == set(answers)
    assert all(len(a) > 100 for a in answers.values()), "every question needs a rendered answer"


@pytest.mark.parametrize("root, colon, separator", [("", "：", "、"), ("en/", ": ", ", ")])
def test_question_meta_line_uses_each_languages_punctuation(site_dir, root, colon, separator):
    # zh: 难度：基础 主题：GAN、VAE; en: Difficulty: Basic Topics: GAN, VAE (hooks/questions.py LABELS).
    page = (site_dir / root / "qa" / "fundamentals" / "index.html").read_text("utf-8")
    levels = re.findall(r'question-meta__level[^"]*">([^<]*)</span>', page)
    assert levels and all(colon in level for level in levels), levels[:3]
    topics = re.findall(r'<span class="question-meta__topics">(.*?)</span>', page)
    joined = [re.sub(r"<[^>]+>", "", t) for t in topics if t.count("question-meta__topic\"") > 1]
    assert joined and all(separator in t and colon in t for t in joined), joined[:3]
    labels = json.loads((site_dir / root / "assets" / "questions.json").read_text("utf-8"))["labels"]
    assert labels["separator"] == separator, "practice.js joins a question's topics with labels.separator"


# --- Planted mistakes: a failed build reports MkDocs' whole message, per language ---

# What scripts/site.py needs of the repository to build a planted project.
SITE_CODE = ("scripts/site.py", "handbook/__init__.py", "handbook/site.py", "handbook/languages.py", "handbook/urls.py")


def _planted_build(tmp_path, files, copy=SITE_CODE):
    """Build a small project made of repository files (copy) and planted files with scripts/site.py."""
    for path in copy:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / path, tmp_path / path)
    for path, text in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(tmp_path / "scripts" / "site.py"), "build", "--site-dir", str(tmp_path / "site")],
        cwd=tmp_path, env=dict(os.environ, NO_MKDOCS_2_WARNING="1"), capture_output=True, text=True, timeout=120,
    )
    log = result.stdout + result.stderr
    assert result.returncode != 0, "the planted mistake should fail the build:\n" + log
    return {lang: build_report(log, result.returncode, lang) for lang in build_log.LANGUAGES}


SMALL_SITE = {
    "mkdocs.yml": "site_name: planted\ndocs_dir: docs/zh\nsite_dir: site\nvalidation:\n  omitted_files: warn\n"
                  "theme:\n  name: mkdocs\n  locale: zh\nnav:\n  - index.md\n",
    "mkdocs.en.yml": "INHERIT: mkdocs.yml\ndocs_dir: docs/en\nsite_dir: site/en\ntheme:\n  name: mkdocs\n  locale: en\n",
    "docs/zh/index.md": "# 首页\n",
    "docs/en/index.md": "# Home\n",
}


def test_a_yaml_error_is_reported_with_its_file_and_line_for_each_language(tmp_path):
    broken = SMALL_SITE | {"mkdocs.yml": SMALL_SITE["mkdocs.yml"] + "extra:\n  key: [unclosed\n"}
    reports = _planted_build(tmp_path, broken)
    for lang in build_log.LANGUAGES:
        assert reports[lang] and "mkdocs.yml" in reports[lang] and re.search(r"line \d+", reports[lang]), reports


def test_a_page_missing_from_the_nav_is_named_and_the_other_language_still_builds(tmp_path):
    reports = _planted_build(tmp_path, SMALL_SITE | {"docs/zh/orphan.md": "# 孤页\n"})
    assert "docs/zh/orphan.md" in reports["zh"] and "nav" in reports["zh"], reports["zh"]
    # en is built after zh failed (build_report would say it never started), and it is fine.
    assert reports["en"] is None, "the en site is fine and must say nothing:\n" + str(reports["en"])
    assert (tmp_path / "site" / "en" / "index.html").exists()


def test_a_failing_notebook_cell_is_reported_with_its_traceback(tmp_path):
    notebook = (
        '# %% [markdown] lang="zh"\n# # 坏笔记本\n\n# %% [markdown] lang="en"\n# # Broken\n\n'
        "# %%\nfrom snippets.vae.kl_divergence import kl_to_standard_normal\n\n"
        '# %%\nraise RuntimeError("this cell fails on purpose")\n'
    )
    hooked = {  # the hook needs Material's theme.language
        path: text.replace("nav:", "hooks:\n  - hooks/notebooks.py\nnav:").replace("name: mkdocs\n  locale:", "name: material\n  language:")
        for path, text in SMALL_SITE.items()
    }
    reports = _planted_build(
        tmp_path, hooked | {"notebooks/broken.py": notebook},
        copy=(*SITE_CODE, "handbook/notebooks.py", "hooks/notebooks.py", "handbook/css_prune.py",
              "snippets/__init__.py", "snippets/vae/__init__.py", "snippets/vae/kl_divergence.py"),
    )
    for lang in build_log.LANGUAGES:
        assert "notebooks/broken.py" in reports[lang] and "this cell fails on purpose" in reports[lang], reports[lang]
