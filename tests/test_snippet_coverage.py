"""Every snippet is shown in both languages and exercised by a test, and every
include names a section that exists."""

import re

import pytest

from tests.support.docs import LANGUAGES, ROOT, SNIPPETS, includes, pages, rel

# Modules whose name starts with "_" (snippets/_example.py) are shared plumbing, not examples.
MODULES = sorted(p for p in SNIPPETS.rglob("*.py") if not p.name.startswith("_"))
TEST_SOURCES = {p: p.read_text("utf-8") for p in (ROOT / "tests").rglob("test_*.py")}


def _included_files(lang):
    found = {}
    for name, path in pages(lang).items():
        for target in includes(path.read_text("utf-8")):
            found.setdefault(target.split(":")[0], []).append((path, target))
    return found


INCLUDED = {lang: _included_files(lang) for lang in LANGUAGES}


@pytest.mark.parametrize("module", MODULES, ids=rel)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_snippet_is_included_by_a_page(module, lang):
    assert rel(module) in INCLUDED[lang], (
        f"{rel(module)} is not included by any page in docs/{lang}/. Show it with "
        f'--8<-- "{rel(module)}:<section>" inside a ```{{.python notest}} fence, or delete it.'
    )


@pytest.mark.parametrize("module", MODULES, ids=rel)
def test_snippet_is_exercised_by_a_test(module):
    dotted = ".".join(module.relative_to(ROOT).with_suffix("").parts)
    pattern = re.compile(rf"\b(from|import)\s+{re.escape(dotted)}\b")
    users = [p for p, src in TEST_SOURCES.items() if pattern.search(src)]
    mirror = ROOT / "tests" / module.relative_to(ROOT).parent / f"test_{module.name}"
    assert users, (
        f"{rel(module)} is not imported by any test. Add {rel(mirror)} that imports {dotted} "
        "and asserts what it produces."
    )


def _all_includes():
    for lang in LANGUAGES:
        for target, uses in INCLUDED[lang].items():
            for page, include in uses:
                yield pytest.param(page, include, id=f"{rel(page)}:{include}")


@pytest.mark.parametrize("page,include", list(_all_includes()))
def test_included_section_exists(page, include):
    path, _, section = include.partition(":")
    target = ROOT / path
    assert target.is_file(), f"{rel(page)} includes {path}, which does not exist."
    if section and not section.isdigit() and not section[0].isdigit():
        text = target.read_text("utf-8")
        for marker in (f"[start:{section}]", f"[end:{section}]"):
            assert marker in text, (
                f'{rel(page)} includes "{include}", but {path} has no `# --8<-- {marker}` marker. '
                "Add the start/end markers around the code, or fix the section name."
            )
    else:
        pytest.fail(f'{rel(page)} includes "{include}" by line numbers or whole file; include a named section instead.')
