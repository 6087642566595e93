"""Both languages carry the same pages, anchors, questions and snippet includes."""

import pytest

from tests.support.docs import includes, heading_ids, nav_files, pages, question_attrs, rel

ZH, EN = pages("zh"), pages("en")
PAIRS = sorted(set(ZH) & set(EN))


@pytest.mark.parametrize("name", sorted(ZH))
def test_every_chinese_page_has_an_english_twin(name):
    assert name in EN, f"{rel(ZH[name])} has no English twin: create docs/en/{name} (same path)."


@pytest.mark.parametrize("name", sorted(EN))
def test_every_english_page_has_a_chinese_twin(name):
    assert name in ZH, f"{rel(EN[name])} has no Chinese twin: create docs/zh/{name} (same path)."


def _first_difference(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return i, x, y
    return min(len(a), len(b)), (a[len(b)] if len(a) > len(b) else None), (b[len(a)] if len(b) > len(a) else None)


@pytest.mark.parametrize("name", PAIRS)
def test_twins_have_the_same_anchors(name):
    zh, en = heading_ids(ZH[name].read_text("utf-8")), heading_ids(EN[name].read_text("utf-8"))
    if zh != en:
        i, x, y = _first_difference(zh, en)
        missing_en = sorted(set(zh) - set(en))
        missing_zh = sorted(set(en) - set(zh))
        detail = []
        if missing_en:
            detail.append(f"{rel(EN[name])} lacks {', '.join('#' + a for a in missing_en)}")
        if missing_zh:
            detail.append(f"{rel(ZH[name])} lacks {', '.join('#' + a for a in missing_zh)}")
        if not detail:
            detail.append(f"heading {i + 1} is #{x} in {rel(ZH[name])} but #{y} in {rel(EN[name])}: use the same order")
        pytest.fail("Twin pages must have the same { #anchor } headings in the same order: " + "; ".join(detail))


@pytest.mark.parametrize("name", PAIRS)
def test_twins_have_the_same_question_metadata(name):
    zh, en = question_attrs(ZH[name].read_text("utf-8")), question_attrs(EN[name].read_text("utf-8"))
    for anchor in sorted(set(zh) & set(en)):
        assert zh[anchor] == en[anchor], (
            f"Question #{anchor} has {zh[anchor]} in {rel(ZH[name])} but {en[anchor]} in {rel(EN[name])}: "
            "difficulty and topics must match."
        )


@pytest.mark.parametrize("name", PAIRS)
def test_twins_include_the_same_snippets(name):
    zh, en = includes(ZH[name].read_text("utf-8")), includes(EN[name].read_text("utf-8"))
    if zh != en:
        i, x, y = _first_difference(zh, en)
        pytest.fail(
            f"Twin pages must include the same snippets in the same order: include {i + 1} is "
            f"{x!r} in {rel(ZH[name])} but {y!r} in {rel(EN[name])}."
        )


def test_navs_list_the_same_pages_in_the_same_order():
    zh, en = nav_files("zh"), nav_files("en")
    assert zh == en, (
        "mkdocs.yml and mkdocs.en.yml must list the same files in the same nav order; "
        f"only in mkdocs.yml: {sorted(set(zh) - set(en))}, only in mkdocs.en.yml: {sorted(set(en) - set(zh))}"
        if set(zh) != set(en)
        else "mkdocs.yml and mkdocs.en.yml list the same files in a different order."
    )
