"""Question metadata: difficulty and topics, declared once on the heading.

A question is a heading with a stable ASCII id and two data attributes:

    ## 什么是生成式 AI？ { #what-is-generative-ai data-difficulty="basic" data-topics="concepts llm" }

From these, this hook
* checks the values against hooks/topics.yml (an unknown value fails the build
  and names the page, the question and the allowed values);
* adds the localized labels to the page's tags (Material's tags plugin then
  lists the page on the tags index);
* renders a line under the heading: difficulty, topic links, and a "report an
  error" link that opens a pre-filled GitHub issue (page, anchor, language,
  commit);
* adds an "expand / collapse all answers" switch to every page with questions;
* writes every question to assets/questions.json and its rendered answers to
  assets/answers.json for the practice page (docs/*/practice.md,
  docs/assets/javascripts/practice.js), which fetches the answers only when
  the reader first draws a question.
"""

import html
import json
import os
import re
import subprocess
from pathlib import Path
from urllib.parse import urlencode

import yaml
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.utils import get_relative_url
from pymdownx.slugs import slugify

from handbook import languages

VOCABULARY = yaml.safe_load(Path(__file__).with_name("topics.yml").read_text(encoding="utf-8"))
# The meta line's words, per language code (handbook/languages.py).
LABELS = {lang.code: lang.questions for lang in languages.LANGUAGES}
QUESTIONS_JSON = "assets/questions.json"
# Rendered answers (about 1.2 MB): fetched only once the reader draws a question.
ANSWERS_JSON = "assets/answers.json"
TAGS_PAGE = "tags.md"
# Anchors on the tags index, as Material's tags plugin writes them by default.
tag_slug = slugify(case="lower")

# A heading line whose attribute list carries data-difficulty.
QUESTION_MD = re.compile(r"^#{2,6}\s.*\{([^{}]*data-difficulty[^{}]*)\}\s*$", re.M)
QUESTION_HTML = re.compile(r"(<h([2-6])\b([^>]*\bdata-difficulty=[^>]*)>.*?</h\2>)", re.S)
ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')
ID = re.compile(r"#([\w-]+)")


def _questions_in_markdown(markdown):
    for match in QUESTION_MD.finditer(markdown):
        attrs = dict(ATTRIBUTE.findall(match.group(1)))
        anchor = ID.search(match.group(1))
        yield (anchor.group(1) if anchor else None), attrs


def _check(page, anchor, attrs):
    where = f"{page.file.src_uri}: question '{anchor}'"
    if anchor is None:
        raise PluginError(f"{page.file.src_uri}: a question heading has data-difficulty but no {{ #id }}; add a stable ASCII id.")
    difficulty = attrs.get("data-difficulty", "")
    if difficulty not in VOCABULARY["difficulty"]:
        raise PluginError(
            f"{where} has data-difficulty=\"{difficulty}\"; use one of: {', '.join(VOCABULARY['difficulty'])}."
        )
    topics = attrs.get("data-topics", "").split()
    if not topics:
        raise PluginError(f"{where} has no data-topics; list at least one topic from hooks/topics.yml.")
    for topic in topics:
        if topic not in VOCABULARY["topics"]:
            raise PluginError(f"{where} uses unknown topic '{topic}'; add it to hooks/topics.yml or use one of: {', '.join(VOCABULARY['topics'])}.")
    return difficulty, topics


@event_priority(100)  # before Material's tags plugin reads page.meta["tags"]
def on_page_markdown(markdown, page, config, files):
    lang = config.theme["language"]
    tags = list(page.meta.get("tags") or [])
    questions = list(_questions_in_markdown(markdown))
    for anchor, attrs in questions:
        difficulty, topics = _check(page, anchor, attrs)
        for key in [VOCABULARY["difficulty"][difficulty][lang]] + [VOCABULARY["topics"][t][lang] for t in topics]:
            if key not in tags:
                tags.append(key)
    if tags:
        page.meta["tags"] = tags
    if questions:
        # Each question shows its own topics; the page's row of tag chips (about 13 on
        # the Q&A page) would push the title off a phone's first screen. Material's
        # `hide: [tags]` keeps them for the tags index and hides the row.
        page.meta["hide"] = [*(page.meta.get("hide") or []), "tags"]
    return markdown


def _commit():
    """The commit the site is built from: $GIT_COMMIT in CI, else ask git."""
    if os.environ.get("GIT_COMMIT"):
        return os.environ["GIT_COMMIT"][:12]
    try:
        out = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True, check=True,
                             cwd=Path(__file__).resolve().parent)
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


COMMIT = _commit()
_questions = []  # filled while pages render, written on_post_build


def _text(fragment):
    """Plain text of an HTML fragment (heading titles, without the permalink)."""
    fragment = re.sub(r'<a class="headerlink".*?</a>', "", fragment, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


# The issue form the "report an error" link opens; each other query key
# pre-fills the form field with that id (tests/test_report_form.py).
REPORT_FORM = "report-an-error.yml"


def _report_url(config, page, anchor, title, lang):
    words = LABELS[lang]
    query = urlencode({
        "template": REPORT_FORM,
        "title": words["report_title"].format(title=title),
        "page": f"docs/{lang}/{page.file.src_uri}",
        "question": f"#{anchor}",
        "url": f"{config.site_url or ''}{page.url}#{anchor}",
        "language": lang,
        "commit": COMMIT,
    })
    return f"{config.repo_url.rstrip('/')}/issues/new?{query}"


def _meta_line(attrs, lang, tags_url, report_url):
    words = LABELS[lang]
    difficulty = attrs["data-difficulty"]
    level = VOCABULARY["difficulty"][difficulty][lang]
    topics = words["separator"].join(
        f'<a class="question-meta__topic" href="{tags_url}#tag:{tag_slug(label, "-")}">{html.escape(label)}</a>'
        for label in (VOCABULARY["topics"][t][lang] for t in attrs["data-topics"].split())
    )
    return (
        f'<p class="question-meta">'
        f'<span class="question-meta__level question-meta__level--{difficulty}">{words["difficulty"]}{words["colon"]}{level}</span> '
        f'<span class="question-meta__topics">{words["topics"]}{words["colon"]}{topics}</span> '
        f'<a class="question-meta__report" href="{html.escape(report_url)}" target="_blank" rel="noopener">{words["report"]}</a></p>'
    )


def _answers(section):
    """The short answer (first paragraph) and full answer (first details block) of a question."""
    short = re.search(r'<p class="question-meta">.*?</p>\s*(<p>.*?</p>)', section, re.S)
    full = re.search(r'<details class="success"[^>]*>\s*<summary>.*?</summary>(.*?)</details>', section, re.S)
    return (short.group(1) if short else ""), (full.group(1).strip() if full else "")


def on_pre_build(config):
    _questions.clear()


def collected():
    """The questions rendered so far in this build (all of them from on_page_context on); hooks/tracks.py reads them."""
    return list(_questions)


def on_page_content(content, page, config, files):
    lang = config.theme["language"]
    tags_file = files.get_file_from_path(TAGS_PAGE)
    tags_url = get_relative_url(tags_file.url, page.url) if tags_file else "#"
    found = []

    def add_meta(match):
        attrs = dict(ATTRIBUTE.findall(match.group(3)))
        anchor = re.search(r'\bid="([^"]+)"', match.group(3)).group(1)
        title = _text(match.group(1))
        found.append((anchor, title, attrs))
        return match.group(1) + _meta_line(attrs, lang, tags_url, _report_url(config, page, anchor, title, lang))

    content = QUESTION_HTML.sub(add_meta, content)
    if not found:
        return content

    # Record each question with its answers for the practice page.
    starts = [content.index(f'id="{anchor}"') for anchor, _, _ in found] + [len(content)]
    for (anchor, title, attrs), start, end in zip(found, starts, starts[1:]):
        short, full = _answers(content[start:end])
        _questions.append({
            "id": anchor, "title": title, "url": f"{page.url}#{anchor}", "page": page.title,
            # The nearest nav group (e.g. "Post-training"): the practice page counts progress per section.
            "section": page.parent.title if page.parent else page.title,
            "difficulty": attrs["data-difficulty"], "topics": attrs["data-topics"].split(),
            "short": short, "answer": full,
        })

    words = LABELS[lang]
    switch = (
        f'<p class="answers-toggle-bar"><button type="button" class="md-button answers-toggle" aria-pressed="false" '
        f'data-expand="{words["expand"]}" data-collapse="{words["collapse"]}" '
        # Labels of the practice-progress marks answers.js adds for a reader who has practised.
        f'data-seen="{words["seen"]}" data-due="{words["due"]}" data-mastered="{words["mastered"]}">{words["expand"]}</button></p>'
    )
    content = re.sub(r"(</h1>)", r"\1" + switch, content, count=1)
    return wrap_question_bodies(content)


# What follows a question's meta line, up to the next h1/h2 (or the end).
META_LINE = re.compile(r'<p class="question-meta">.*?</p>', re.S)
BODY_END = re.compile(r"<h[12]\b")
CONTAINERS = ("details", "div", "section", "table", "ul", "ol", "dl", "blockquote", "figure", "pre")


def _balanced(html_text):
    return all(
        len(re.findall(rf"<{tag}\b", html_text)) == len(re.findall(rf"</{tag}>", html_text)) for tag in CONTAINERS
    )


def wrap_question_bodies(content):
    """Wrap each question's body in <div class="question-body">.

    extra.css gives it `content-visibility: auto`: the browser lays out and
    paints a body only when it comes near the viewport, so a long Q&A page
    shows its first screen without laying out the rest. The heading and its
    meta line stay outside, so the table of contents and anchors still see
    every question. A body that would cut through an element (a heading
    inside an answer block) is left unwrapped.
    """
    out, pos = [], 0
    for meta in META_LINE.finditer(content):
        end_match = BODY_END.search(content, meta.end())
        end = end_match.start() if end_match else len(content)
        body = content[meta.end():end]
        if not body.strip() or not _balanced(body):
            continue
        out += [content[pos:meta.end()], '<div class="question-body">', body, "</div>"]
        pos = end
    out.append(content[pos:])
    return "".join(out)


def on_post_build(config):
    lang = config.theme["language"]
    data = {
        "labels": {
            "difficulty": {k: v[lang] for k, v in VOCABULARY["difficulty"].items()},
            "topics": {k: v[lang] for k, v in VOCABULARY["topics"].items()},
            "separator": LABELS[lang]["separator"],
        },
        "questions": [{k: v for k, v in q.items() if k not in ("short", "answer")} for q in _questions],
    }
    answers = {q["id"]: q["short"] + q["answer"] for q in _questions}
    for name, payload in ((QUESTIONS_JSON, data), (ANSWERS_JSON, answers)):
        target = Path(config.site_dir) / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
