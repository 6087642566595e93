"""Every language carries the same pages, anchors, questions and snippet includes as the default one."""

import pytest

from handbook import languages
from tests.support.docs import includes, heading_ids, nav_files, pages, question_attrs, rel

DEFAULT = languages.DEFAULT.code
OTHERS = languages.CODES[1:]
PAGES = {lang: pages(lang) for lang in languages.CODES}
# (other language, page) for every page the default language and that language both have
PAIRS = [(lang, name) for lang in OTHERS for name in sorted(set(PAGES[DEFAULT]) & set(PAGES[lang]))]
ONLY_DEFAULT = [(lang, name) for lang in OTHERS for name in sorted(PAGES[DEFAULT])]
ONLY_OTHER = [(lang, name) for lang in OTHERS for name in sorted(PAGES[lang])]


def _ids(pairs):
    return [f"{lang}:{name}" for lang, name in pairs]


@pytest.mark.parametrize("lang, name", ONLY_DEFAULT, ids=_ids(ONLY_DEFAULT))
def test_every_default_language_page_has_a_twin(lang, name):
    assert name in PAGES[lang], (
        f"{rel(PAGES[DEFAULT][name])} has no {languages.get(lang).name} twin: create docs/{lang}/{name} (same path)."
    )


@pytest.mark.parametrize("lang, name", ONLY_OTHER, ids=_ids(ONLY_OTHER))
def test_every_page_has_a_default_language_twin(lang, name):
    assert name in PAGES[DEFAULT], (
        f"{rel(PAGES[lang][name])} has no {languages.DEFAULT.name} twin: create docs/{DEFAULT}/{name} (same path)."
    )


def _first_difference(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return i, x, y
    return min(len(a), len(b)), (a[len(b)] if len(a) > len(b) else None), (b[len(a)] if len(b) > len(a) else None)


def _twins(lang, name):
    return PAGES[DEFAULT][name], PAGES[lang][name]


@pytest.mark.parametrize("lang, name", PAIRS, ids=_ids(PAIRS))
def test_twins_have_the_same_anchors(lang, name):
    base, twin = _twins(lang, name)
    in_base, in_twin = heading_ids(base.read_text("utf-8")), heading_ids(twin.read_text("utf-8"))
    if in_base != in_twin:
        i, x, y = _first_difference(in_base, in_twin)
        missing_twin = sorted(set(in_base) - set(in_twin))
        missing_base = sorted(set(in_twin) - set(in_base))
        detail = []
        if missing_twin:
            detail.append(f"{rel(twin)} lacks {', '.join('#' + a for a in missing_twin)}")
        if missing_base:
            detail.append(f"{rel(base)} lacks {', '.join('#' + a for a in missing_base)}")
        if not detail:
            detail.append(f"heading {i + 1} is #{x} in {rel(base)} but #{y} in {rel(twin)}: use the same order")
        pytest.fail("Twin pages must have the same { #anchor } headings in the same order: " + "; ".join(detail))


@pytest.mark.parametrize("lang, name", PAIRS, ids=_ids(PAIRS))
def test_twins_have_the_same_question_metadata(lang, name):
    base, twin = _twins(lang, name)
    in_base, in_twin = question_attrs(base.read_text("utf-8")), question_attrs(twin.read_text("utf-8"))
    for anchor in sorted(set(in_base) & set(in_twin)):
        assert in_base[anchor] == in_twin[anchor], (
            f"Question #{anchor} has {in_base[anchor]} in {rel(base)} but {in_twin[anchor]} in {rel(twin)}: "
            "difficulty and topics must match."
        )


@pytest.mark.parametrize("lang, name", PAIRS, ids=_ids(PAIRS))
def test_twins_include_the_same_snippets(lang, name):
    base, twin = _twins(lang, name)
    in_base, in_twin = includes(base.read_text("utf-8")), includes(twin.read_text("utf-8"))
    if in_base != in_twin:
        i, x, y = _first_difference(in_base, in_twin)
        pytest.fail(
            f"Twin pages must include the same snippets in the same order: include {i + 1} is "
            f"{x!r} in {rel(base)} but {y!r} in {rel(twin)}."
        )


@pytest.mark.parametrize("lang", OTHERS)
def test_navs_list_the_same_pages_in_the_same_order(lang):
    ours, theirs = languages.DEFAULT.config, languages.get(lang).config
    in_base, in_twin = nav_files(DEFAULT), nav_files(lang)
    assert in_base == in_twin, (
        f"{ours} and {theirs} must list the same files in the same nav order; "
        f"only in {ours}: {sorted(set(in_base) - set(in_twin))}, only in {theirs}: {sorted(set(in_twin) - set(in_base))}"
        if set(in_base) != set(in_twin)
        else f"{ours} and {theirs} list the same files in a different order."
    )
