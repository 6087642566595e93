"""Turn bilingual notebook sources into executed per-language notebooks.

    python scripts/notebooks.py            # bring every notebook up to date (make notebooks)
    python scripts/notebooks.py --check    # exit 1 if any committed notebook is stale
    REPO_URL=https://github.com/<owner>/<repo> python scripts/notebooks.py   # send Colab to that repository

(scripts/notebooks.py runs main() below.)

Source: notebooks/<name>.py, a jupytext "percent" script. Code cells are shared
by every language; a Markdown cell tagged `# %% [markdown] lang="zh"` (or "en")
belongs to one language. Code cells only import and call the tested modules in
snippets/: the notebook never keeps a second copy of their code.

Output: notebooks/zh/<name>.ipynb and notebooks/en/<name>.ipynb, with real
outputs. They are committed: Colab opens them from GitHub, and they are the
execution cache. Each records a key: a hash of its code cells and of the
snippet modules they import. Execution happens only when that key changes
(zh and en share one run, since their code is the same); editing prose only
re-assembles the Markdown. A cell that raises fails the run, naming the
notebook and the cell. hooks/notebooks.py calls `ensure()` on every build.
"""

import argparse
import ast
from html import escape as html_escape
import copy
import hashlib
import json
import os
import re
from pathlib import Path

import jupytext
import nbformat

from handbook import ROOT, urls
from handbook.languages import CODES as LANGUAGES
from handbook.languages import get as language
from handbook.urls import DEFAULT_REPO_URL

SOURCES = ROOT / "notebooks"
# Log lines that TensorFlow, XLA and absl write to stderr on a CPU machine.
NOISE = re.compile(r"(TqdmWarning|IProgress|tqdm|tensorflow|cuda|cudnn|cufft|cublas|absl|xla|oneDNN|computation placer|TF-TRT|"
                   r"This TensorFlow binary|WARNING: All log messages|E0000|W0000|I0000)", re.I)

COLAB_SETUP = '''# Colab only: fetch the handbook's tested modules and what Colab lacks.
import sys

if "google.colab" in sys.modules:
    import subprocess

    subprocess.run(["git", "clone", "-q", "--depth", "1", "{repo}", "/content/handbook"], check=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "-r", "/content/handbook/notebooks/requirements-colab.txt"], check=True)
    sys.path.insert(0, "/content/handbook")'''


class NotebookError(RuntimeError):
    pass


def sources():
    return sorted(SOURCES.glob("*.py"))


def output_path(source: Path, lang: str, root: Path = SOURCES) -> Path:
    return root / lang / f"{source.stem}.ipynb"


def _module_file(module: str) -> Path | None:
    path = ROOT.joinpath(*module.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.exists():
            return candidate
    return None


def _imported_modules(code: str, package: str = "") -> set[str]:
    """The snippets.* modules a piece of code imports, down to the module file.

    `from snippets.vae import denoising` imports snippets/vae/denoising.py,
    not just the package; `from snippets.vae.denoising import f` and
    `import snippets.vae.denoising` name it directly. Relative imports are
    resolved against package (the importing module's package).
    """
    try:
        tree = ast.parse(code)
    except SyntaxError:  # a cell with IPython syntax: read its import lines alone
        lines = [ln.strip() for ln in code.splitlines() if re.match(r"\s*(from|import)\s", ln)]
        tree = ast.parse("\n".join(ln for ln in lines if _parses(ln)))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "snippets"}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(p for p in [*parts, base] if p)
            if base.split(".")[0] != "snippets":
                continue
            found.add(base)
            # A name imported from a package may itself be a module.
            found |= {f"{base}.{a.name}" for a in node.names if _module_file(f"{base}.{a.name}")}
    return found


def _parses(line: str) -> bool:
    try:
        ast.parse(line)
        return True
    except SyntaxError:
        return False


def snippet_modules(code: str) -> list[str]:
    """The snippet modules the code imports (packages only when nothing below them is)."""
    found = _imported_modules(code)
    return sorted(m for m in found if not any(other.startswith(m + ".") for other in found))


def snippet_files(code: str) -> list[Path]:
    """Every snippets/ file the code runs when it imports its modules.

    The imported modules, the snippet modules they import in turn, and the
    packages' __init__.py files on the way, so that a change in any of them
    changes the notebook's key.
    """
    todo, seen, files = list(_imported_modules(code)), set(), set()
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        parts = module.split(".")
        todo += [".".join(parts[:i]) for i in range(1, len(parts))]
        path = _module_file(module)
        if path is None:
            raise NotebookError(f"imports {module}, but snippets has no such module ({'/'.join(parts)}.py)")
        files.add(path)
        package = module if path.name == "__init__.py" else ".".join(parts[:-1])
        todo += list(_imported_modules(path.read_text(encoding="utf-8"), package))
    return sorted(files)


def _code(nb) -> str:
    # The Colab cell names the repository, which deployment may change; locally it does nothing.
    return "\n# ---\n".join(
        c.source for c in nb.cells if c.cell_type == "code" and c.metadata.get("handbook") != "colab-setup"
    )


def code_inputs(nb) -> dict[str, str]:
    """What a notebook's outputs depend on: its code cells and every snippet file they run, by hash."""
    code = _code(nb)
    inputs = {"code cells": hashlib.sha256(code.encode()).hexdigest()[:16]}
    for path in snippet_files(code):
        inputs[path.relative_to(ROOT).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    return inputs


def code_key(nb) -> str:
    """Hash of the code cells and of every snippet file they import, directly or not."""
    return hashlib.sha256(json.dumps(code_inputs(nb), sort_keys=True).encode()).hexdigest()[:16]


def assemble(source: Path, lang: str, repo_url: str) -> nbformat.NotebookNode:
    """The notebook of one language, without outputs."""
    text = jupytext.read(source, fmt="py:percent")
    cells = []
    for cell in text.cells:
        # Figures need a text alternative in each language: `# %% alt_zh="..." alt_en="..."`.
        alts = {lg: cell.metadata.pop(f"alt_{lg}", None) for lg in LANGUAGES}
        if alts[lang]:
            cell.metadata["alt"] = alts[lang]
        cell_lang = cell.metadata.pop("lang", None)
        if cell_lang not in (None, *LANGUAGES):
            raise NotebookError(f'{source.name}: lang="{cell_lang}" must be one of {LANGUAGES}')
        if cell_lang in (None, lang):
            cells.append(cell)
    if not cells or cells[0].cell_type != "markdown" or not cells[0].source.lstrip().startswith("# "):
        raise NotebookError(f"{source.name}: the first {lang} cell must be Markdown starting with a '# ' title")
    code = "\n".join(c.source for c in cells if c.cell_type == "code")
    modules = snippet_modules(code)
    if not modules:
        raise NotebookError(f"{source.name}: no code cell imports a snippets.* module; notebooks call tested code")
    colab = repo_url.replace("https://github.com/", "https://colab.research.google.com/github/")
    colab += f"/blob/main/notebooks/{lang}/{source.stem}.ipynb"
    links = nbformat.v4.new_markdown_cell(language(lang).notebook_links.format(colab=colab, name=source.stem, modules="`, `".join(modules)))
    setup = nbformat.v4.new_code_cell(COLAB_SETUP.format(repo=repo_url), metadata={"handbook": "colab-setup"})
    nb = nbformat.v4.new_notebook(cells=[cells[0], links, setup, *cells[1:]])
    nb.metadata.update({
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    })
    for i, cell in enumerate(nb.cells):
        cell.id = f"{source.stem}-{i}"  # stable ids: no diff noise between runs
    return nb


def execute(nb, name: str):
    """Run every cell from the repository root; a raising cell fails with its source."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    client = NotebookClient(nb, timeout=900, kernel_name="python3", allow_errors=False,
                            resources={"metadata": {"path": str(ROOT)}})
    try:
        client.execute()
    except CellExecutionError as exc:
        raise NotebookError(f"notebooks/{name}.py: a cell failed:\n{exc}") from None
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if not _is_noise(o)]
            cell.metadata.pop("execution", None)
    return nb


def png_size(data: str) -> tuple[int, int]:
    """Width and height of a base64 PNG, so pages reserve its space before it loads."""
    import base64
    import struct

    head = base64.b64decode(data[:64])
    return struct.unpack(">II", head[16:24])


def image_alts(nb) -> list[str]:
    """Text alternatives of the notebook's figures, in page order."""
    return [c.metadata["alt"] for c in nb.cells if c.cell_type == "code"
            for o in c.get("outputs", []) if "image/png" in o.get("data", {})]


def _is_noise(output) -> bool:
    if output.get("output_type") != "stream" or output.get("name") != "stderr":
        return False
    lines = [line for line in output.get("text", "").splitlines() if line.strip()]
    return all(NOISE.search(line) for line in lines)


def _read(path: Path):
    return nbformat.read(path, as_version=4) if path.exists() else None


def ensure(source: Path, repo_url: str = DEFAULT_REPO_URL, root: Path = SOURCES, log=print) -> dict[str, Path]:
    """Bring every language's notebook of one source up to date. Returns their paths."""
    wanted = {lang: assemble(source, lang, repo_url) for lang in LANGUAGES}
    key = code_key(wanted[LANGUAGES[0]])
    if any(code_key(nb) != key for nb in wanted.values()):
        raise NotebookError(f"{source.name}: {' and '.join(LANGUAGES)} must share their code cells")
    paths = {lang: output_path(source, lang, root) for lang in LANGUAGES}
    existing = {lang: _read(paths[lang]) for lang in LANGUAGES}
    executed = next((nb for nb in existing.values() if nb and nb.metadata.get("handbook", {}).get("code_key") == key), None)
    if executed is None:
        log(f"Executing notebooks/{source.name} (code or snippets changed)...")
        executed = execute(copy.deepcopy(wanted[LANGUAGES[0]]), source.stem)
    outputs = [c for c in executed.cells if c.cell_type == "code"]
    for lang, nb in wanted.items():
        for cell, done in zip((c for c in nb.cells if c.cell_type == "code"), outputs):
            cell.outputs = [o for o in copy.deepcopy(done.outputs) if not _is_noise(o)]
            cell.execution_count = done.execution_count
            for output in cell.outputs:
                if "image/png" in output.get("data", {}):
                    if not cell.metadata.get("alt"):
                        raise NotebookError(
                            f"notebooks/{source.name}: a cell draws a figure but has no text alternative; "
                            "open it with `# %% " + " ".join(f'alt_{lg}="..."' for lg in LANGUAGES) + "`"
                        )
                    width, height = png_size(output["data"]["image/png"])
                    output.setdefault("metadata", {})["image/png"] = {"width": width, "height": height}
        nb.metadata["handbook"] = {"code_key": key, "source": f"notebooks/{source.name}", "inputs": code_inputs(nb)}
        if existing[lang] is None or nbformat.writes(existing[lang]) != nbformat.writes(nb):
            paths[lang].parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, paths[lang])
            log(f"Wrote {paths[lang].relative_to(ROOT) if paths[lang].is_relative_to(ROOT) else paths[lang]}")
    return paths


def stale(source: Path, repo_url: str = DEFAULT_REPO_URL) -> list[str]:
    """Why the committed notebooks of a source are out of date ([] if current)."""
    problems = []
    wanted = {lang: assemble(source, lang, repo_url) for lang in LANGUAGES}
    key = code_key(wanted[LANGUAGES[0]])
    for lang in LANGUAGES:
        path = output_path(source, lang)
        nb = _read(path)
        rel = path.relative_to(ROOT)
        if nb is None:
            problems.append(f"{rel} is missing")
        elif nb.metadata.get("handbook", {}).get("code_key") != key:
            was, now = nb.metadata.get("handbook", {}).get("inputs", {}), code_inputs(wanted[lang])
            changed = sorted(k for k in was.keys() | now.keys() if was.get(k) != now.get(k)) or ["code or snippets"]
            problems.append(
                f"{rel} was executed before {', '.join(changed)} changed: run `make notebooks` "
                f"(or `python scripts/notebooks.py {source.stem}`) and commit notebooks/zh and notebooks/en"
            )
        elif [c.source for c in nb.cells] != [c.source for c in wanted[lang].cells]:
            if repo_url not in "".join(c.source for c in nb.cells[:3]):
                problems.append(
                    f"{rel} sends Colab to another repository than {repo_url}: "
                    f"run `REPO_URL={repo_url} make notebooks` and commit notebooks/zh and notebooks/en"
                )
            else:
                problems.append(f"{rel} does not match notebooks/{source.name}")
    return problems


CLONE = re.compile(r'"git", "clone", "-q", "--depth", "1", "([^"]+)"')


def committed_repo_url() -> str | None:
    """The repository the committed notebooks send Colab to (their setup cell clones it); None if
    there are none yet. A notebook and the repository it clones are a matching pair on GitHub."""
    found = set()
    for source in sources():
        for lang in LANGUAGES:
            nb = _read(output_path(source, lang))
            for cell in nb.cells[:3] if nb else []:
                found.update(CLONE.findall(cell.source))
    if len(found) > 1:
        raise NotebookError(f"the committed notebooks clone {len(found)} repositories ({', '.join(sorted(found))}): "
                            "run `REPO_URL=<one of them> make notebooks` and commit notebooks/zh and notebooks/en")
    return found.pop() if found else None


def colab_repo_url(explicit: bool = False) -> str:
    """Where Colab links and setup cells point. The build keeps the repository the committed notebooks
    name, even when $REPO_URL (edit links) is a fork's, so a fork's deploy publishes Colab links that work
    without a commit. `make notebooks` with $REPO_URL set (explicit) rewrites them to that repository."""
    if explicit and os.environ.get("REPO_URL"):
        return urls.repo_url()
    return committed_repo_url() or urls.repo_url()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale notebooks")
    parser.add_argument("names", nargs="*", help="only these notebooks (file stems)")
    args = parser.parse_args(argv)
    repo_url = colab_repo_url(explicit=True)
    chosen = [s for s in sources() if not args.names or s.stem in args.names]
    if args.check:
        problems = [p for s in chosen for p in stale(s, repo_url)]
        print("\n".join(problems) or "All notebooks are up to date.")
        return 1 if problems else 0
    for source in chosen:
        ensure(source, repo_url)
    return 0
