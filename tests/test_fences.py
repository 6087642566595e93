"""Every Python fence on a page is either tested or a snippet include, and
printed output shown on a page is the output the code really prints."""

import contextlib
import io
import re

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


def output_mismatch(code, out):
    """Why the output block does not show what the fence prints (None when it does)."""
    if code.lang not in PYTHON_LANGS or "notest" in code.options:
        return f"{rel(code.path)}:{out.line}: an output block must follow a tested Python fence."
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        exec(compile(code.content, f"{rel(code.path)}:{code.line}", "exec"), {"__name__": "__main__"})
    if buffer.getvalue().strip() == out.content.strip():
        return None
    unseeded = unseeded_randomness(code.content)
    if unseeded:
        return (
            f"{rel(code.path)}:{out.line}: the output block does not match what the code at line {code.line} prints, "
            f"and the code draws random numbers without a seed ({'; '.join(unseeded)}), so it prints something "
            f"else on every run. Seed it ({SEED_HINT}), then paste the real output."
        )
    return (
        f"{rel(code.path)}:{out.line}: the output block does not match what the code at line "
        f"{code.line} prints. Paste the real output:\n{buffer.getvalue()}"
    )


@pytest.mark.parametrize("code,out", list(_output_pairs()))
def test_printed_output_matches_the_page(code, out):
    problem = output_mismatch(code, out)
    assert problem is None, problem


# Each fence runs on its own, in a fresh namespace: what it prints or asserts
# must not depend on the run, so random numbers come from a seeded generator.
SEED_HINT = "rng = np.random.default_rng(0), random.seed(0), keras.utils.set_random_seed(0) or seed= on the call"
_GLOBAL_SEED = re.compile(r"\b(?:random\.seed|(?:np|numpy)\.random\.seed|tf\.random\.set_seed|set_random_seed)\s*\(")
_DRAWS = (
    # (pattern, seeded by a global seed call in the same fence)
    (re.compile(r"\b(?:np|numpy)\.random\.default_rng\(\s*\)|\b(?:np|numpy)\.random\.RandomState\(\s*\)"), False),
    (re.compile(r"\b(?:np|numpy)\.random\.(?!default_rng\b|seed\b|RandomState\b|Generator\b|SeedSequence\b|PCG64\b)\w+\("), True),
    (re.compile(r"(?<![\w.])random\.(?!seed\b|Random\b)\w+\(|(?<![\w.])random\.Random\(\s*\)"), True),
    (re.compile(r"\b(?:tf|keras)\.random\.(?!set_seed\b|Generator\b|SeedGenerator\(\s*\d)\w+\((?!.*\bseed\s*=)"), True),
    (re.compile(r"\bGenerator\.from_non_deterministic_state\("), False),
)


def unseeded_randomness(code: str) -> list[str]:
    """The calls in a fence that draw random numbers no seed fixes."""
    seeded = bool(_GLOBAL_SEED.search(code))
    found = []
    for line in code.splitlines():
        line = line.split("#", 1)[0]
        for pattern, global_seed_fixes in _DRAWS:
            found += [m.group(0).rstrip("(") for m in pattern.finditer(line) if not (seeded and global_seed_fixes)]
    return found


def _tested_fences():
    for path in PAGES:
        for fence in collected_fences(path):
            if fence.lang in PYTHON_LANGS and "notest" not in fence.options:
                yield pytest.param(fence, id=f"{rel(path)}:{fence.line}")


@pytest.mark.parametrize("fence", list(_tested_fences()))
def test_random_numbers_in_a_fence_are_seeded(fence):
    unseeded = unseeded_randomness(fence.content)
    assert not unseeded, (
        f"{rel(fence.path)}:{fence.line}: the fence draws random numbers without a seed ({'; '.join(unseeded)}); "
        f"what it prints or asserts then changes from run to run. Seed it: {SEED_HINT}."
    )


def test_an_unseeded_random_number_is_reported_with_the_fix(tmp_path, monkeypatch):
    monkeypatch.setattr("tests.support.docs.ROOT", tmp_path)
    page = tmp_path / "docs" / "en" / "page.md"
    page.parent.mkdir(parents=True)
    page.write_text(
        "```python\nimport numpy as np\n\nprint(round(float(np.random.rand()), 1))\n```\n\n"
        "```{.text .output}\n0.5\n```\n", encoding="utf-8",
    )
    code, out = collected_fences(page)
    # The static check catches it even when the coarse print happens to match.
    assert unseeded_randomness(code.content) == ["np.random.rand"]
    problems = [output_mismatch(code, out) for _ in range(20)]
    assert any(problems), "twenty runs of an unseeded draw should not all print 0.5"
    message = next(p for p in problems if p)
    assert "docs/en/page.md:7" in message and "without a seed" in message and "default_rng(0)" in message


def test_seeded_randomness_is_not_reported():
    for code in ("rng = np.random.default_rng(0)\nrng.normal()", "random.seed(1)\nrandom.random()",
                 "np.random.seed(0)\nnp.random.rand(3)", "keras.random.normal((2,), seed=1)",
                 "tf.random.set_seed(0)\ntf.random.uniform((2,))"):
        assert unseeded_randomness(code) == [], code
    for code, found in (("random.choice([1, 2])", ["random.choice"]), ("np.random.default_rng()", ["np.random.default_rng()"]),
                        ("tf.random.normal((2,))", ["tf.random.normal"])):
        assert unseeded_randomness(code) == found, code
