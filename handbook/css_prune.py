"""Drop CSS rules whose selectors cannot match any page that uses the sheet.

Used for the Jupyter stylesheet that mkdocs-jupyter would otherwise inline
into every notebook page (about 600 KB, mostly JupyterLab widgets and theme
variables that a static notebook never uses). Conservative: a selector is
kept when every class it names occurs in the pages; element and attribute
selectors are always kept; at-rules other than @media/@supports are kept as
they are. Selectors that put the root (`:root`, `html`, `body`) under another
element never match: mkdocs-jupyter scopes every rule under .jupyter-wrapper,
which turns JupyterLab's theme block into `.jupyter-wrapper :root` (77 KB of
unused icon data URIs). Custom properties that no kept rule reads are dropped.
"""

import re

CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
COMMENT = re.compile(r"/\*.*?\*/", re.S)
VAR_USE = re.compile(r"var\(\s*(--[\w-]+)")
VAR_DEF = re.compile(r"(?:^|;)\s*(--[\w-]+)\s*:")
# `.a :root`, `.a > body`, `.a html`: the document root has no ancestor.
ROOT_UNDER_ANCESTOR = re.compile(r"\S\s*[\s>+~]\s*(?::root|html|body)(?![\w-])")


def used_classes(html: str) -> set[str]:
    return {c for attr in re.findall(r'class="([^"]*)"', html) for c in attr.split()}


def _blocks(css: str):
    """Yield (prelude, body) pairs at one nesting level."""
    i, n = 0, len(css)
    while i < n:
        start = css.find("{", i)
        if start < 0:
            return
        prelude = css[i:start].strip()
        depth, j = 1, start + 1
        while j < n and depth:
            depth += {"{": 1, "}": -1}.get(css[j], 0)
            j += 1
        yield prelude, css[start + 1 : j - 1]
        i = j
        # a statement at-rule (@charset, @import) has no block: skip to after ';'
        while i < n and css[i] in " \n\t;":
            i += 1


def _split_selectors(prelude: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for ch in prelude:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    return [p.strip() for p in parts + [current] if p.strip()]


def _prune_rules(css: str, classes: set[str]) -> str:
    out = []
    for prelude, body in _blocks(css):
        prelude = re.sub(r"^@charset[^;]*;\s*", "", prelude)
        if prelude.startswith(("@media", "@supports")):
            inner = _prune_rules(body, classes)
            if inner.strip():
                out.append(f"{prelude}{{{inner}}}")
        elif prelude.startswith("@"):
            out.append(f"{prelude}{{{body}}}")
        else:
            kept = [
                s for s in _split_selectors(prelude)
                if set(CLASS.findall(s)) <= classes and not ROOT_UNDER_ANCESTOR.search(s)
            ]
            if kept and body.strip():
                out.append(f"{','.join(kept)}{{{body.strip()}}}")
    return "".join(out)


def _drop_unused_variables(css: str) -> str:
    while True:
        used = set(VAR_USE.findall(css))
        defined = set(VAR_DEF.findall(css))
        unused = defined - used
        if not unused:
            return css
        pattern = re.compile(r"(?<=[{;])\s*(" + "|".join(map(re.escape, sorted(unused))) + r")\s*:[^;{}]*;?")
        pruned = pattern.sub("", css)
        if pruned == css:
            return css
        css = pruned


def prune(css: str, html_pages: list[str]) -> str:
    classes = set().union(*(used_classes(h) for h in html_pages)) if html_pages else set()
    css = COMMENT.sub("", css)
    css = _prune_rules(css, classes)
    css = _drop_unused_variables(css)
    return re.sub(r"\s+", " ", css)
