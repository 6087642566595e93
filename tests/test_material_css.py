"""hooks/material_css.py: no Material rule makes a class change restyle the whole page."""

import re

import pytest

from tests.support.docs import LANGUAGES, built_files, load_module

material_css = load_module("hooks/material_css.py")

# Ancestor features whose change reaches every element below: the classes
# Material's bundle puts on <html> as it starts, and `:not([class])`, which any
# class change affects.
RUNTIME_ANCESTOR = re.compile(r"\.(?:no-js|js|js-focus-visible)(?![\w-])|:not\(\[class\]\)")
# A compound with a class, id, attribute or tag lets Chromium restyle only the
# elements that have it.
FEATURE = re.compile(r"^(?:[a-zA-Z][\w-]*|\*?[.#\[])|[.#\[]")


def _selectors(css: str):
    for prelude in re.findall(r"([^{}]+)\{", re.sub(r"/\*.*?\*/", "", css, flags=re.S)):
        if prelude.lstrip().startswith("@"):
            continue
        yield from (s.strip() for s in re.split(r",(?![^(]*\))", prelude) if s.strip())


def whole_subtree_selectors(css: str) -> list[str]:
    bad = []
    for selector in _selectors(css):
        parts = re.split(r"\s*([ >+~])\s*(?![^(]*\))", selector)  # compound, combinator, compound, ...
        if len(parts) < 3 or parts[-2] in "+~":
            continue  # a sibling combinator restyles one sibling, not a subtree
        rightmost = re.sub(r"::?[\w-]+(\([^)]*\))?", "", parts[-1])  # pseudo-classes carry no feature
        if not FEATURE.search(rightmost) and RUNTIME_ANCESTOR.search("".join(parts[:-2])):
            bad.append(selector)
    return bad


def test_the_checker_finds_materials_original_rules():
    css = (".md-typeset table:not([class]) td>:first-child{margin-top:0}"
           ".no-js .md-typeset .tabbed-set>input:first-child:checked~.tabbed-labels>:first-child{color:red}"
           ".no-js .md-search{display:none}.md-typeset td>:first-child{margin-top:0}")
    assert whole_subtree_selectors(css) == [
        ".md-typeset table:not([class]) td>:first-child",
        ".no-js .md-typeset .tabbed-set>input:first-child:checked~.tabbed-labels>:first-child",
    ]
    rewritten, missed = material_css.rewrite(css)
    assert missed == [] and whole_subtree_selectors(rewritten) == []


def test_a_material_update_that_drops_the_rules_is_reported():
    _, missed = material_css.rewrite(".md-search{display:none}")
    assert len(missed) == len(material_css.REWRITES)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_built_stylesheet_has_no_whole_page_restyle_on_class_change(site_dir, lang):
    for sheet in built_files(site_dir, lang, material_css.STYLESHEET):
        bad = whole_subtree_selectors(sheet.read_text(encoding="utf-8"))
        assert not bad, (
            f"{sheet.name} has selectors that make a class change on <html> restyle the whole page: "
            f"{bad[:3]}. Add a rewrite for them to REWRITES in hooks/material_css.py."
        )
