"""Question metadata: difficulty and topics, declared once on the heading.

A question is a heading with a stable ASCII id and two data attributes:

    ## 什么是生成式 AI？ { #what-is-generative-ai data-difficulty="basic" data-topics="concepts llm" }

From these, this hook
* checks the values against hooks/topics.yml (an unknown value fails the build
  and names the page, the question and the allowed values);
* adds the localized labels to the page's tags (Material's tags plugin then
  lists the page on the tags index);
* renders a badge line under the heading: difficulty and topic links.
"""

import html
import re
from pathlib import Path

import yaml
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.utils import get_relative_url
from pymdownx.slugs import slugify

VOCABULARY = yaml.safe_load(Path(__file__).with_name("topics.yml").read_text(encoding="utf-8"))
LABELS = {
    "zh": {"difficulty": "难度", "topics": "主题"},
    "en": {"difficulty": "Difficulty", "topics": "Topics"},
}
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
    for anchor, attrs in _questions_in_markdown(markdown):
        difficulty, topics = _check(page, anchor, attrs)
        for key in [VOCABULARY["difficulty"][difficulty][lang]] + [VOCABULARY["topics"][t][lang] for t in topics]:
            if key not in tags:
                tags.append(key)
    if tags:
        page.meta["tags"] = tags
    return markdown


def _badge(attrs, lang, tags_url):
    words = LABELS[lang]
    difficulty = attrs["data-difficulty"]
    level = VOCABULARY["difficulty"][difficulty][lang]
    topics = ", ".join(
        f'<a class="question-meta__topic" href="{tags_url}#tag:{tag_slug(label, "-")}">{html.escape(label)}</a>'
        for label in (VOCABULARY["topics"][t][lang] for t in attrs["data-topics"].split())
    )
    return (
        f'<p class="question-meta">'
        f'<span class="question-meta__level question-meta__level--{difficulty}">{words["difficulty"]}: {level}</span> '
        f'<span class="question-meta__topics">{words["topics"]}: {topics}</span></p>'
    )


def on_page_content(content, page, config, files):
    lang = config.theme["language"]
    tags_file = files.get_file_from_path(TAGS_PAGE)
    tags_url = get_relative_url(tags_file.url, page.url) if tags_file else "#"

    def add_badge(match):
        attrs = dict(ATTRIBUTE.findall(match.group(3)))
        return match.group(1) + _badge(attrs, lang, tags_url)

    return QUESTION_HTML.sub(add_badge, content)
