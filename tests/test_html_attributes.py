"""Raw HTML on pages quotes its attribute values with straight quotes.

A typography pass over Chinese prose once turned `data-ready="已载入 {n} 道题。"` into
`data-ready=“…”`: the browser then read the value as `“已加载` and the practice page
showed a broken message. Curly quotes belong in prose, never around an attribute value.
"""

import re

import pytest

from tests.support.docs import LANGUAGES, pages, rel

CURLY_ATTRIBUTE = re.compile(r"""[\w:-]=\s*[“”‘’]""")
FENCE = re.compile(r"^\s*(```|~~~)")


def curly_attributes(text: str) -> list[int]:
    found, in_fence = [], False
    for number, line in enumerate(text.splitlines(), 1):
        if FENCE.match(line):
            in_fence = not in_fence
        elif not in_fence and CURLY_ATTRIBUTE.search(re.sub(r"`[^`]*`", "", line)):
            found.append(number)
    return found


def test_the_check_finds_a_curly_quoted_attribute_and_ignores_code():
    assert curly_attributes('<div data-ready=“已加载 {n} 道题。”>\n```html\n<a title=“x”>\n```\n`a=“b”`') == [1]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_attribute_value_in_curly_quotes(lang):
    bad = [f"{rel(path)}:{n}" for path in pages(lang).values() for n in curly_attributes(path.read_text("utf-8"))]
    assert not bad, ("HTML attribute values quoted with curly quotes (the browser keeps the quote as part of the "
                     f"value): {bad}. Use straight quotes around attribute values: name=\"…\".")
