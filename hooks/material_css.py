"""Make Material's stylesheet cheap to restyle when a class changes.

Chromium restyles only the elements a class change can affect, found through
each rule's right-most compound selector. When that compound names no class,
tag or attribute (`td>:first-child`), it has to restyle the whole subtree
instead. Two groups of Material's rules do that:

- `.md-typeset table:not([class]) td>:first-child` (and `th`, `:last-child`):
  `:not([class])` makes *any* class change on any ancestor restyle everything
  below it. Material's bundle changes `<html>`'s class twice while it starts
  (`no-js` -> `js`, then `js-focus-visible`), so each cost a full restyle of
  the page: 20-30 ms unthrottled on a notebook page, about 0.1 s of blocking
  time each in Lighthouse's mobile run. Every table on the site is a Markdown
  table without a class, so the qualifier is dropped.
- `.no-js ... .tabbed-labels>:nth-child(n)`: the same, through `.no-js`. The
  children of `.tabbed-labels` are always `<label>`s (pymdownx.tabbed), so
  naming the tag keeps the meaning and makes the rule targeted.

On the notebook page this took the `no-js` -> `js` swap from 30 ms to 7 ms
and Lighthouse mobile from 91 to 96 (median of 5, interleaved A/B).
tests/test_material_css.py checks the built stylesheet for such selectors.
"""

import re
from mkdocs.exceptions import PluginError

from material_assets import STYLESHEET, built

# (pattern, replacement, text a rewritten sheet has, what it fixes). Each must
# match (or have matched, when the sheet was not copied again), so a Material
# update that changes these rules fails the build instead of undoing this.
REWRITES = [
    (
        re.compile(r"\.md-typeset table:not\(\[class\]\) (t[dh])>:(first|last)-child"),
        r".md-typeset \1>:\2-child",
        ".md-typeset td>:first-child",
        "table cell margins keyed on table:not([class])",
    ),
    (
        re.compile(r"\.tabbed-labels>:(first-child|nth-child\(\d+\))"),
        r".tabbed-labels>label:\1",
        ".tabbed-labels>label:first-child",
        "tab label selectors without a tag",
    ),
]


def rewrite(css: str) -> tuple[str, list[str]]:
    """Return the rewritten stylesheet and the rewrites that found nothing."""
    missed = []
    for pattern, replacement, done, what in REWRITES:
        css, count = pattern.subn(replacement, css)
        if not count and done not in css:
            missed.append(what)
    return css, missed


def on_post_build(config, **kwargs):
    for sheet in built(config, STYLESHEET, "hooks/material_css.py"):
        css, missed = rewrite(sheet.read_text(encoding="utf-8"))
        if missed:
            raise PluginError(
                f"hooks/material_css.py: {sheet.name} no longer has the rules it rewrites "
                f"({'; '.join(missed)}). Material's stylesheet changed: check REWRITES in "
                "hooks/material_css.py against it, and run tests/test_material_css.py."
            )
        sheet.write_text(css, encoding="utf-8")
