"""Every snippet offers the same entry points (CONTRIBUTING.md, "Add a code example"):

    run(quick=False, figures_dir=None) -> dict   results; figures only when figures_dir is given
    benchmark() -> list[dict]                    optional: the default size, for make bench
    main(argv=None)                              argparse with --quick and --figures DIR

Nothing is trained here: `run` is inspected, not called, and `main` only prints --help.
"""

import contextlib
import importlib
import inspect
import io
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# "_" modules (snippets/_example.py) are shared plumbing, not examples.
MODULES = sorted(p for p in (ROOT / "snippets").rglob("*.py") if not p.name.startswith("_"))
MAIN_GUARD = re.compile(r'^if __name__ == "__main__":\n\s+\S*main\(', re.MULTILINE)


def _load(path):
    return importlib.import_module(".".join(path.relative_to(ROOT).with_suffix("").parts))


def _name(path):
    return path.relative_to(ROOT).as_posix()


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_run_takes_quick_and_figures_dir(path):
    run = getattr(_load(path), "run", None)
    assert callable(run), (f"{_name(path)} has no run(). Add `def run(quick=False, figures_dir=None)` that "
                           "computes or trains and returns a dict of the results the page and tests use.")
    params = inspect.signature(run).parameters
    got = {k: params[k].default if k in params else "missing" for k in ("quick", "figures_dir")}
    assert list(params)[:2] == ["quick", "figures_dir"] and got == {"quick": False, "figures_dir": None}, (
        f"{_name(path)}: run{inspect.signature(run)} should start with (quick=False, figures_dir=None); "
        "put example-specific keyword arguments after them and write figures only when figures_dir is given.")


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_benchmark_needs_no_arguments(path):
    benchmark = getattr(_load(path), "benchmark", None)
    if benchmark is None:
        pytest.skip("no measured default size")
    required = [p.name for p in inspect.signature(benchmark).parameters.values()
                if p.default is p.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    assert not required, (f"{_name(path)}: benchmark() requires {required}; benchmarks/run.py calls it "
                          "without arguments, so give them defaults (the example's default size).")


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_main_parses_quick_and_figures(path):
    module = _load(path)
    main = getattr(module, "main", None)
    assert callable(main) and "argv" in inspect.signature(main).parameters, (
        f"{_name(path)}: define `def main(argv=None)` that parses argv with argparse and calls run().")
    assert MAIN_GUARD.search(path.read_text("utf-8")), (
        f'{_name(path)}: end the module with `if __name__ == "__main__":` followed by main().')
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit) as exit_:
        main(["--help"])
    usage = out.getvalue()
    assert exit_.value.code == 0 and "--quick" in usage and re.search(r"--figures\b", usage), (
        f"{_name(path)}: main()'s parser should accept --quick and --figures DIR (help was:\n{usage})")
    assert not re.search(r"--figure\b(?!s)", usage), (
        f"{_name(path)}: rename --figure to --figures DIR (a directory; run() names the files in it).")
