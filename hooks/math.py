"""Render math at build time with the site's own KaTeX, so pages ship no math
JavaScript and do no math layout work on load.

pymdownx.arithmatex (generic mode) leaves `\\( ... \\)` and `\\[ ... \\]` inside
`.arithmatex` elements; this hook replaces them with KaTeX's HTML (plus MathML
for screen readers), rendered by Node.js running docs/assets/katex/katex.min.js
(hooks/katex_render.js). A TeX error fails the build, naming the page and the
formula. Only katex.min.css and its fonts reach the browser, and only on
pages that show math (or say `math: true` in their front matter, like the
practice page, whose answers arrive as rendered HTML).
"""

import html
import json
import re
import shutil
import subprocess
import sys
import types
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.utils import get_relative_url

RENDERER = Path(__file__).with_name("katex_render.js")
STYLESHEET = "assets/katex/katex.min.css"
MATH = re.compile(
    r'(<(span|div) class="arithmatex">)(?:\\\((?P<inline>.*?)\\\)|\\\[(?P<display>.*?)\\\])(</\2>)', re.S
)
# Markdown cells of notebook pages (rendered by nbconvert) keep TeX as $...$.
NOTEBOOK_MARKDOWN = re.compile(r'(<div class="[^"]*jp-RenderedMarkdown[^"]*"[^>]*>)(.*?)(</div>)', re.S)
DOLLARS = re.compile(r"\$\$(?P<display>.+?)\$\$|(?<![\\$\w])\$(?P<inline>[^$\s](?:[^$]*?[^$\s])?)\$(?![\w$])", re.S)
# MkDocs re-imports hooks on every build; under `make serve` the Node process
# and the rendered formulas outlive a build through this shared namespace.
_state = sys.modules.setdefault("handbook_katex_state", types.ModuleType("handbook_katex_state"))
_state.__dict__.setdefault("node", None)
_state.__dict__.setdefault("cache", {})
_cache = _state.cache


def _renderer():
    if _state.node is None or _state.node.poll() is not None:
        node = shutil.which("node") or shutil.which("nodejs")
        if not node:
            raise PluginError("Rendering math needs Node.js (`node`): install it, e.g. `apt-get install nodejs`.")
        _state.node = subprocess.Popen([node, str(RENDERER)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
    return _state.node


def render(tex: str, display: bool) -> str:
    key = (tex, display)
    if key not in _cache:
        node = _renderer()
        node.stdin.write(json.dumps({"tex": tex, "display": display}) + "\n")
        node.stdin.flush()
        reply = json.loads(node.stdout.readline())
        if "error" in reply:
            raise ValueError(reply["error"])
        _cache[key] = reply["html"]
    return _cache[key]


def _notebook_math(content, page):
    def cell(match):
        def formula(m):
            display = m.group("display") is not None
            tex = html.unescape(m.group("display") if display else m.group("inline")).strip()
            try:
                return render(tex, display)
            except ValueError as exc:
                raise PluginError(f"{page.file.src_uri}: cannot render the formula {tex!r}: {exc}") from None

        return match.group(1) + DOLLARS.sub(formula, match.group(2)) + match.group(3)

    return NOTEBOOK_MARKDOWN.sub(cell, content)


def on_page_content(content, page, config, files):
    if page.file.src_uri.endswith(".ipynb"):
        return _notebook_math(content, page)

    def replace(match):
        display = match.group("display") is not None
        tex = html.unescape(match.group("display") if display else match.group("inline")).strip()
        try:
            return match.group(1) + render(tex, display) + match.group(5)
        except ValueError as exc:
            raise PluginError(f"{page.file.src_uri}: cannot render the formula {tex!r}: {exc}") from None

    return MATH.sub(replace, content)


def on_post_page(output, page, config):
    if 'class="katex' not in output and not page.meta.get("math"):
        return output
    href = get_relative_url(STYLESHEET, page.url)
    return output.replace("</head>", f'<link rel="stylesheet" href="{href}">\n</head>', 1)


def on_shutdown():
    # `make serve` keeps the renderer for the next build; one-off builds close it.
    if _state.node is not None and not getattr(_state, "serving", False):
        _state.node.stdin.close()
        _state.node.wait(timeout=10)
        _state.node = None


def on_startup(command, dirty):
    _state.serving = command == "serve"
