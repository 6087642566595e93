"""hooks/questions.py wraps each question's body for `content-visibility: auto` (extra.css),
so a long Q&A page lays out its first screen only."""

import re

import pytest

from handbook import languages
from hooks import questions

META = '<p class="question-meta">难度</p>'


def test_a_body_runs_from_the_meta_line_to_the_next_heading():
    html = (f'<h1>T</h1><h2 id="a">A</h2>{META}<p>short</p><details><summary>s</summary><h3>x</h3></details>'
            f'<h2 id="b">B</h2>{META}<p>b</p><h2 id="refs">References</h2><ul><li>r</li></ul>')
    out = questions.wrap_question_bodies(html)
    assert out == (f'<h1>T</h1><h2 id="a">A</h2>{META}<div class="question-body"><p>short</p><details><summary>s</summary>'
                   f'<h3>x</h3></details></div><h2 id="b">B</h2>{META}<div class="question-body"><p>b</p></div>'
                   '<h2 id="refs">References</h2><ul><li>r</li></ul>')


def test_a_body_that_would_cut_through_an_element_is_left_alone():
    html = f'<h2 id="a">A</h2>{META}<details><summary>s</summary><h2>inside</h2></details>'
    assert questions.wrap_question_bodies(html) == html


@pytest.mark.parametrize("root", [lang.root for lang in languages.LANGUAGES])
def test_every_question_on_the_site_has_a_wrapped_body(site_dir, root):
    others = {lang.root.strip("/") for lang in languages.LANGUAGES if lang.root}
    unwrapped = []
    for page in sorted((site_dir / root).rglob("index.html")):
        if root == "" and page.relative_to(site_dir).parts[0] in others:
            continue
        html = page.read_text(encoding="utf-8")
        metas = len(re.findall(r'<p class="question-meta">', html))
        bodies = len(re.findall(r'<div class="question-body">', html))
        if metas != bodies:
            unwrapped.append(f"{page.relative_to(site_dir)}: {metas} questions, {bodies} wrapped bodies")
    assert not unwrapped, ("question bodies left unwrapped (a heading inside an answer block?), "
                           "so they are laid out with the page:\n" + "\n".join(unwrapped))
