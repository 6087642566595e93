"""No page shows a display formula as raw TeX.

pymdownx.arithmatex renders `$$ … $$` only as a block of its own. Written
straight after a line of text (no blank line between), it stays in the
paragraph as raw TeX, and the strict build does not notice.
"""

import re

STRIP = re.compile(r"<(script|annotation|code|pre)\b.*?</\1>", re.S)


def raw_display_math(html: str) -> list[str]:
    text = STRIP.sub("", html)
    return [text[max(0, m.start() - 60):m.start() + 40] for m in re.finditer(r"\$\$", text)]


def test_raw_display_math_is_found():
    assert raw_display_math("<p>with probability\n$$\nP(y)\n$$\n</p>")
    assert not raw_display_math("<pre><code>$$x$$</code></pre><annotation>$$</annotation>")


def test_every_display_formula_is_rendered(site_dir):
    problems = []
    for page in sorted(site_dir.rglob("*.html")):
        found = raw_display_math(page.read_text(encoding="utf-8"))
        if found:
            problems.append(f"{page.relative_to(site_dir).as_posix()}: {len(found) // 2 or 1} raw formula(s), "
                            f"first near {found[0]!r}")
    assert not problems, (
        "These built pages show $$ … $$ as raw TeX. In the page's Markdown source, put a blank line "
        "before and after each $$ block (inside a list item, indent the block with the item's text):\n  "
        + "\n  ".join(problems)
    )
