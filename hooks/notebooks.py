"""Notebook pages: executed, cached notebooks rendered by mkdocs-jupyter.

For every source notebooks/<name>.py, handbook/notebooks.py keeps
notebooks/<lang>/<name>.ipynb up to date (executing only when its code or the
snippets it imports changed) and this hook adds it to the build as the page
notebooks/<name>.ipynb. mkdocs-jupyter renders it without executing it again.
A stale notebook is rebuilt here, and a failing cell fails the build.

mkdocs-jupyter inlines about 600 KB of the same Jupyter CSS into every
notebook page; on_post_page moves it into one shared, cacheable file, and
on_post_build prunes that file to the rules the notebook pages can use.
"""

import hashlib
import logging
import re
import shutil
from pathlib import Path
from urllib.parse import urljoin

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File
from mkdocs.utils import get_relative_url

from handbook import ROOT, css_prune, notebooks

log = logging.getLogger("mkdocs.hooks.notebooks")
# nbconvert's lab template drops image alt text and warns; on_post_page puts
# back the text alternative each figure cell declares (handbook/notebooks.py).
PLACEHOLDER_ALT = 'alt="No description has been provided for this image"'


class _DropMissingAltWarning(logging.Filter):
    def filter(self, record):
        return "Alternative text is missing" not in record.getMessage()


for _name in ("traitlets", "NbConvertApp", "HTMLExporter", ""):
    logging.getLogger(_name).addFilter(_DropMissingAltWarning())
STYLE = re.compile(r"<style[^>]*>.*?</style>", re.S)
# nbconvert's lab template also emits MathJax (with an empty src) and a module
# that imports mermaid from a CDN. Math is rendered at build time (hooks/math.py)
# and no notebook uses mermaid, so both go: pages must not reach other hosts.
FOREIGN_SCRIPTS = re.compile(
    r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->"
    r"|<script type=\"module\">(?:(?!</script>).)*?mermaid(?:(?!</script>).)*?</script>",
    re.S,
)
SHARED_CSS = "assets/stylesheets/jupyter.css"
_css = {}
_pages = []  # notebook page HTML of this build, to prune the shared CSS against


@event_priority(50)  # before mkdocs-jupyter wraps notebook files (priority 0)
def on_files(files, config):
    lang = config.theme["language"]
    # mkdocs-jupyter derives a page's source path from src_dir, so each page
    # gets a real file at <staging>/notebooks/<name>.ipynb.
    staging = ROOT / ".cache" / "notebook-pages" / lang
    try:
        colab = notebooks.colab_repo_url()  # the committed notebooks' repository, not $REPO_URL
    except notebooks.NotebookError as exc:
        raise PluginError(str(exc)) from None
    for source in notebooks.sources():
        try:
            paths = notebooks.ensure(source, colab, log=log.info)
        except notebooks.NotebookError as exc:
            raise PluginError(str(exc)) from None
        uri = f"notebooks/{source.stem}.ipynb"
        (staging / uri).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(paths[lang], staging / uri)
        files.append(File(uri, src_dir=str(staging), dest_dir=config.site_dir, use_directory_urls=config.use_directory_urls))
    return files


def on_page_context(context, page, config, nav):
    # The page's source is notebooks/<name>.py, not the executed .ipynb that
    # only exists in the build's staging folder: "edit this page" opens it.
    if page.file.src_uri.endswith(".ipynb") and page.edit_url:
        branch = (config.edit_uri or "").split("docs/", 1)[0]  # "edit/main/"
        page.edit_url = urljoin(config.repo_url.rstrip("/") + "/", f"{branch}notebooks/{Path(page.file.src_uri).stem}.py")
    return context


def on_post_page(output, page, config):
    if not page.file.src_uri.endswith(".ipynb"):
        return output
    output = FOREIGN_SCRIPTS.sub("", output)
    alts = notebooks.image_alts(notebooks.nbformat.read(page.file.abs_src_path, as_version=4))
    for alt in alts:
        output = output.replace(PLACEHOLDER_ALT, f'alt="{notebooks.html_escape(alt)}"', 1)
    if PLACEHOLDER_ALT in output:
        raise PluginError(f"{page.file.src_uri}: a figure has no text alternative")
    styles = STYLE.findall(output.split('<div class="md-content"', 1)[-1])
    if not styles:
        return output
    css = "\n".join(re.sub(r"^<style[^>]*>|</style>$", "", s) for s in styles)
    _css[hashlib.sha256(css.encode()).hexdigest()] = css
    if len(_css) > 1:
        raise PluginError(f"{page.file.src_uri}: notebook pages inline different CSS; expected one shared stylesheet")
    href = get_relative_url(SHARED_CSS, page.url)
    for style in styles:
        output = output.replace(style, "", 1)
    _pages.append(output)
    return output.replace("</head>", f'<link rel="stylesheet" href="{href}">\n</head>', 1)


def on_post_build(config):
    for css in _css.values():
        target = Path(config.site_dir) / SHARED_CSS
        target.parent.mkdir(parents=True, exist_ok=True)
        # Keep only the rules that can match these notebook pages (about 600 KB -> 100 KB).
        target.write_text(css_prune.prune(css, _pages), encoding="utf-8")
    _css.clear()
    _pages.clear()
