"""Notebook pages: current, executed, bilingual, light, and failing loudly."""

import json
import re
import subprocess
import sys

import nbformat
import pytest

from handbook import languages, notebooks, urls
from tests.support.docs import ROOT, nav_files

SOURCES = notebooks.sources()
NAMES = [s.stem for s in SOURCES]


@pytest.mark.parametrize("source", SOURCES, ids=NAMES)
def test_committed_notebooks_match_their_source_and_snippets(source):
    problems = notebooks.stale(source)
    assert not problems, (
        f"notebooks/{source.name}: " + "; ".join(problems) + ". Run `make notebooks` and commit notebooks/zh and notebooks/en."
    )


def test_the_build_keeps_the_committed_colab_repository_when_repo_url_is_a_fork(monkeypatch):
    # A fork's deploy sets REPO_URL to the fork (edit links). Its Colab links keep opening the committed
    # notebooks' repository, whose setup cell clones that same repository: they work, with no commit.
    assert notebooks.committed_repo_url() == urls.DEFAULT_REPO_URL
    monkeypatch.setenv("REPO_URL", "https://github.com/someone/fork")
    assert notebooks.colab_repo_url() == urls.DEFAULT_REPO_URL
    # `REPO_URL=... make notebooks` is the explicit way to point Colab at the fork.
    assert notebooks.colab_repo_url(explicit=True) == "https://github.com/someone/fork"


def test_a_notebook_for_another_repository_is_reported_with_the_fix():
    # `REPO_URL=<fork> make notebooks-check`: Colab must clone the repository it opened the notebook from.
    other = "https://github.com/someone/fork"
    problems = notebooks.stale(SOURCES[0], other)
    assert problems and all(other in p and f"REPO_URL={other} make notebooks" in p for p in problems)
    colab_cells = [c.source for c in notebooks.assemble(SOURCES[0], "en", other).cells[1:3]]
    assert "colab.research.google.com/github/someone/fork/blob/main/notebooks/en/" in colab_cells[0]
    assert f'"{other}"' in colab_cells[1]


@pytest.mark.parametrize("source", SOURCES, ids=NAMES)
@pytest.mark.parametrize("lang", notebooks.LANGUAGES)
def test_notebook_has_real_outputs_and_a_figure(source, lang):
    nb = nbformat.read(notebooks.output_path(source, lang), as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code), f"{source.stem} ({lang}): some cells were never executed"
    outputs = [o for c in code for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"], f"{source.stem} ({lang}) has an error output"
    assert notebooks.image_alts(nb), f"{source.stem} ({lang}) shows no figure"
    text = "".join(o.get("text", "") for o in outputs)
    assert not notebooks.NOISE.search(text), f"{source.stem} ({lang}) shows TensorFlow log lines"


@pytest.mark.parametrize("name", NAMES)
def test_every_notebook_is_in_both_navs(name):
    for lang in languages.LANGUAGES:
        assert f"notebooks/{name}.ipynb" in nav_files(lang.code), (
            f"notebooks/{name}.py has no page in the {lang.code} nav: add notebooks/{name}.ipynb to "
            f"{lang.config}."
        )


def test_a_failing_cell_fails_with_the_notebook_and_cell_named(tmp_path):
    source = tmp_path / "broken.py"
    source.write_text(
        '# %% [markdown] lang="zh"\n# # 坏笔记本\n\n# %% [markdown] lang="en"\n# # Broken\n\n'
        "# %%\nfrom snippets.vae.kl_divergence import kl_to_standard_normal\n\n"
        '# %%\nraise RuntimeError("this cell fails on purpose")\n',
        encoding="utf-8",
    )
    with pytest.raises(notebooks.NotebookError) as failure:
        notebooks.ensure(source, root=tmp_path, log=lambda *_: None)
    message = str(failure.value)
    assert "notebooks/broken.py" in message and "this cell fails on purpose" in message
    assert not list(tmp_path.glob("*/broken.ipynb")), "a failed run must not write a notebook"


def test_notebook_pages_are_built_light_and_quiet(site_dir):
    roots = [lang.root for lang in languages.LANGUAGES]
    for name in NAMES:
        for root in roots:
            page = site_dir / root / "notebooks" / name / "index.html"
            assert page.exists(), f"no page for notebooks/{name}.py under /{root}"
            html = page.read_text("utf-8")
            assert (page.parent / f"{name}.ipynb").exists(), "the .ipynb must sit next to its page for download"
            assert "colab.research.google.com/github/" in html and f'href="{name}.ipynb"' in html
            assert not re.search(r"<style[^>]*>\s*/\*", html[html.find('class="md-content"'):]), "inline Jupyter CSS is back"
            for marker in ("cuda_", "cudart", "absl::", "I0000", "oneDNN custom operations"):
                assert marker not in html, f"{root}notebooks/{name}: TensorFlow log line ({marker}) on the page"
            assert "No description has been provided" not in html
            assert "mathjax" not in html.lower(), "nbconvert's MathJax block is back (hooks/notebooks.py strips it)"
            for cell in re.findall(r'jp-RenderedMarkdown[^>]*>(.*?)</div>', html, re.S):
                assert not re.search(r"\$[^$\s][^$]*\$", cell), f"{root}notebooks/{name}: TeX left unrendered"
    for root in roots:
        css = site_dir / root / "assets" / "stylesheets" / "jupyter.css"
        assert css.exists() and css.stat().st_size < 150_000, (
            f"/{root}assets/stylesheets/jupyter.css is {css.stat().st_size if css.exists() else 0} bytes; "
            "handbook/css_prune.py should keep it under 150 KB"
        )
    index = json.loads((site_dir / "search" / "search_index.json").read_text("utf-8"))
    assert any(d["location"].startswith("notebooks/") for d in index["docs"]), "notebook pages must be searchable"


def test_the_repository_is_named_only_in_handbook_urls():
    # Edit links and Colab links must name the same repository: hooks/i18n.py sets
    # repo_url from handbook/urls.py, so no config may name another one.
    for lang in languages.LANGUAGES:
        config = (ROOT / lang.config).read_text(encoding="utf-8")
        assert not re.search(r"^repo_url:", config, re.M), (
            f"{lang.config} sets repo_url; remove it: hooks/i18n.py sets it from $REPO_URL "
            f"(default {urls.DEFAULT_REPO_URL} in handbook/urls.py), which the notebooks' Colab links use too"
        )


def test_a_change_in_a_snippet_a_notebook_calls_makes_it_stale(tmp_path):
    # Notebooks import their snippet as `from snippets.vae import denoising`:
    # the key must hash snippets/vae/denoising.py, not the package's __init__.py.
    name = "vae-denoising"
    copied = ["scripts/notebooks.py", *(f"handbook/{m}.py" for m in ("__init__", "notebooks", "languages", "urls")),
              f"notebooks/{name}.py", f"notebooks/zh/{name}.ipynb", f"notebooks/en/{name}.ipynb",
              *(p.relative_to(ROOT).as_posix() for p in [ROOT / "snippets" / "__init__.py", *(ROOT / "snippets" / "vae").glob("*.py")])]
    for path in copied:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes((ROOT / path).read_bytes())

    def check():
        return subprocess.run([sys.executable, str(tmp_path / "scripts" / "notebooks.py"), "--check", name],
                              cwd=tmp_path, capture_output=True, text=True, timeout=120)

    before = check()
    assert before.returncode == 0, f"notebooks/{name}.py should be current before the planted change:\n{before.stdout}{before.stderr}"
    snippet = tmp_path / "snippets" / "vae" / "denoising.py"
    snippet.write_text(snippet.read_text("utf-8").replace("def pooled_psnr(", "def mean_psnr("), encoding="utf-8")
    after = check()
    assert after.returncode == 1, after.stdout + after.stderr
    for lang in notebooks.LANGUAGES:
        assert f"notebooks/{lang}/{name}.ipynb was executed before snippets/vae/denoising.py changed" in after.stdout, after.stdout
    assert "run `make notebooks`" in after.stdout, after.stdout


def test_every_snippets_import_form_is_followed_to_its_module_file():
    code = ("from snippets.vae import denoising as vae\nimport snippets.gan.digits\n"
            "from snippets.vae.kl_divergence import kl_to_standard_normal\n%matplotlib inline\n")
    assert notebooks.snippet_modules(code) == ["snippets.gan.digits", "snippets.vae.denoising", "snippets.vae.kl_divergence"]
    files = {p.relative_to(ROOT).as_posix() for p in notebooks.snippet_files(code)}
    assert {"snippets/vae/denoising.py", "snippets/gan/digits.py", "snippets/vae/kl_divergence.py"} <= files
