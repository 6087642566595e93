"""Study-track pages: expand `<!-- track: <id> -->` into the track's question lists.

The tracks are declared in hooks/tracks.yml (rules in handbook/tracks.py).
Markdown time: each stage becomes an `##` heading (so the page's table of
contents lists the stages) followed by a placeholder. Once every page has
rendered (on_page_context, after MkDocs has run on_page_content for all pages),
the placeholders are filled from the questions hooks/questions.py collected:
title in the page's language, link to the question, difficulty and page. The
lists carry Material's documented data-search-exclude, so a search finds a
question on its own page, not on four track pages too.
"""

import html
import re

from mkdocs.exceptions import PluginError
from mkdocs.utils import get_relative_url

from handbook import tracks

QUESTIONS_HOOK = "hooks/questions.py"
PRACTICE_PAGE = "practice.md"
MARKER = re.compile(r"^<!-- track: ([\w-]+) -->\s*$", re.M)
PLACEHOLDER = '<div class="track-stage" data-track-stage="{n}"></div>'
FILLED = re.compile(r'<div class="track-stage" data-track-stage="(\d+)"></div>')
WORDS = {
    "zh": {"mock": "用这条路线开始模拟面试", "count": "共 {n} 题", "colon": "：", "sep": " · "},
    "en": {"mock": "Start a mock interview with this track", "count": "{n} questions", "colon": ": ", "sep": " · "},
}

_definitions = None


def _tracks():
    global _definitions
    if _definitions is None:
        try:
            _definitions = tracks.load()
        except tracks.TrackError as exc:
            raise PluginError(str(exc)) from None
    return _definitions


def on_page_markdown(markdown, page, config, files):
    match = MARKER.search(markdown)
    if not match:
        return markdown
    track_id, lang = match.group(1), config.theme["language"]
    track = _tracks().get(track_id)
    if track is None:
        raise PluginError(f"{page.file.src_uri}: unknown track '{track_id}'; hooks/tracks.yml has: {', '.join(_tracks())}.")
    page.meta["track"] = track_id
    sections = [f"## {stage['title'][lang]}\n\n{PLACEHOLDER.format(n=n)}\n" for n, stage in enumerate(track["stages"])]
    return markdown[:match.start()] + "\n".join(sections) + markdown[match.end():]


def _site_questions(config, nav):
    """Every question of this build, in nav order (hooks/questions.py collected them)."""
    collected = config["hooks"][QUESTIONS_HOOK].collected()
    order = {p.url: i for i, p in enumerate(nav.pages)}
    return sorted(collected, key=lambda q: order.get(q["url"].split("#")[0], len(order)))


def on_page_context(context, page, config, nav):
    track_id = page.meta.get("track")
    if not track_id:
        return context
    lang = config.theme["language"]
    words = WORDS[lang]
    labels = config["hooks"][QUESTIONS_HOOK].VOCABULARY["difficulty"]
    try:
        stages = tracks.expand(track_id, _tracks()[track_id], _site_questions(config, nav))
    except tracks.TrackError as exc:
        raise PluginError(f"{page.file.src_uri}: {exc}") from None

    def item(q):
        path, anchor = q["url"].split("#")
        href = f"{get_relative_url(path, page.url)}#{anchor}"
        level = labels[q["difficulty"]][lang]
        return (f'<li><a href="{html.escape(href)}">{html.escape(q["title"])}</a>'
                f'<span class="track-item__meta"><span class="question-meta__level question-meta__level--{q["difficulty"]}">'
                f'{html.escape(level)}</span>{html.escape(q["page"])}</span></li>')

    lists = [f'<ol class="track-list" data-search-exclude>{"".join(item(q) for q in items)}</ol>' for _, items in stages]
    page.content = FILLED.sub(lambda m: lists[int(m.group(1))], page.content)

    anchors = [q["id"] for _, items in stages for q in items]
    practice = next((f for f in nav.pages if f.file.src_uri == PRACTICE_PAGE), None)
    if practice is not None:
        href = f"{get_relative_url(practice.url, page.url)}?mock={','.join(anchors)}"
        link = (f'<p class="track-mock">{words["count"].format(n=len(anchors))}{words["sep"]}'
                f'<a class="md-button md-button--primary" href="{html.escape(href)}">{words["mock"]}</a></p>')
        # Before the first stage's heading: under the page's intro.
        page.content = re.sub(r"(?=<h2\b)", lambda _: link, page.content, count=1)
    return context
