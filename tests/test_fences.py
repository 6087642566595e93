"""Every Python fence on a page is either tested or a snippet include, and
printed output shown on a page is the output the code really prints."""

import contextlib
import io

import pytest

from tests.support.docs import PYTHON_LANGS, all_pages, collected_fences, python_fence_lines, rel

PAGES = all_pages()


@pytest.mark.parametrize("path", PAGES, ids=rel)
def test_no_python_fence_escapes_collection(path):
    collected = {f.line for f in collected_fences(path) if f.lang in PYTHON_LANGS}
    missed = [n for n in python_fence_lines(path) if n not in collected]
    assert not missed, (
        f"{rel(path)}: Python fence(s) at line(s) {missed} are indented (inside an admonition, `???` "
        "details or `===` tabs), so pytest-markdown-docs never runs them. Use the unindented "
        "`/// details` / `/// tab` blocks instead, or move the fence to the top level."
    )


@pytest.mark.parametrize("path", PAGES, ids=rel)
def test_snippet_includes_are_marked_notest(path):
    bad = [f.line for f in collected_fences(path) if f.lang in PYTHON_LANGS and "--8<--" in f.content and "notest" not in f.options]
    assert not bad, (
        f"{rel(path)}: fence(s) at line(s) {bad} include a snippet but would be executed as Python. "
        'Open them with ```{.python notest title="snippets/..."}: the snippet is tested by its own test.'
    )


def _output_pairs():
    for path in PAGES:
        fences = collected_fences(path)
        for code, out in zip(fences, fences[1:]):
            if out.lang == "text" and "output" in out.options:
                yield pytest.param(code, out, id=f"{rel(path)}:{code.line}")


@pytest.mark.parametrize("code,out", list(_output_pairs()))
def test_printed_output_matches_the_page(code, out):
    assert code.lang in PYTHON_LANGS and "notest" not in code.options, (
        f"{rel(code.path)}:{out.line}: an output block must follow a tested Python fence."
    )
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        exec(compile(code.content, f"{rel(code.path)}:{code.line}", "exec"), {"__name__": "__main__"})
    assert buffer.getvalue().strip() == out.content.strip(), (
        f"{rel(code.path)}:{out.line}: the output block does not match what the code at line "
        f"{code.line} prints. Paste the real output:\n{buffer.getvalue()}"
    )
