"""A question's anchor is unique across the site (in each language).

The practice page, the "report an error" link and assets/answers.json find a
question by its anchor alone: with two pages using the same one, the practice
page shows one question with the other's answer.
"""

from pathlib import Path

import pytest

from tests.support.docs import LANGUAGES, pages, question_attrs, rel


def duplicate_question_anchors(files: list[Path]) -> list[str]:
    """One message per anchor that more than one question heading uses, naming every page."""
    where = {}
    for path in files:
        for anchor in question_attrs(path.read_text("utf-8")):
            where.setdefault(anchor, []).append(path)
    return [
        f"#{anchor} is the anchor of a question on {len(paths)} pages: {', '.join(rel(p) for p in paths)}. "
        "Question anchors are unique across the site: rename one (in both languages)."
        for anchor, paths in sorted(where.items()) if len(paths) > 1
    ]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_question_anchors_are_unique_across_the_site(lang):
    duplicates = duplicate_question_anchors(list(pages(lang).values()))
    assert not duplicates, "\n".join(duplicates)


def test_a_question_anchor_used_on_two_pages_is_reported_with_both(tmp_path, monkeypatch):
    monkeypatch.setattr("tests.support.docs.ROOT", tmp_path)
    question = '## {title} {{ #gan-vs-vae data-difficulty="basic" data-topics="gan vae" }}\n\nAnswer.\n'
    first, second = tmp_path / "docs/en/qa/gan.md", tmp_path / "docs/en/coding/vae.md"
    for path, title in ((first, "GAN or VAE?"), (second, "VAE or GAN?")):
        path.parent.mkdir(parents=True)
        path.write_text(question.format(title=title), encoding="utf-8")
    [message] = duplicate_question_anchors([first, second])
    assert "#gan-vs-vae" in message and "docs/en/qa/gan.md" in message and "docs/en/coding/vae.md" in message
    assert "rename one" in message
