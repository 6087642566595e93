"""The repository's own Markdown (README, CONTRIBUTING, notes/, .github/) links only to files it carries.

A reader on GitHub cannot follow a path outside the repository, so the
project keeps what it cites (notes/stack-facts.md, for example).
"""

import re
from pathlib import Path

import pytest

from tests.support.docs import ROOT

LINK = re.compile(r"\]\(([^)\s]+)\)")
OUTSIDE = re.compile(r"(?<![\w/.])((?:\.\./)+[\w./-]+)")


def repository_markdown(root: Path = ROOT) -> list[Path]:
    found = [root / "README.md", root / "CONTRIBUTING.md", root / "DESIGN.md", *sorted((root / "notes").glob("*.md")),
             *sorted((root / ".github").rglob("*.md"))]
    return [p for p in found if p.is_file()]


def link_problems(path: Path, root: Path = ROOT) -> list[str]:
    text, name, problems = path.read_text("utf-8"), path.relative_to(root).as_posix(), []
    for target in OUTSIDE.findall(text):
        if not (path.parent / target).resolve().is_relative_to(root.resolve()):
            problems.append(f"{name} points outside the repository ({target}): readers on GitHub cannot follow it. "
                            "Copy what it cites into the repository (notes/ holds such records) and link that.")
    for target in LINK.findall(text):
        if re.match(r"^[a-z]+:|^#", target):
            continue
        file = (path.parent / target.split("#")[0]).resolve()
        if file.is_relative_to(root.resolve()) and not file.exists():
            problems.append(f"{name} links to {target}, which does not exist: fix the path or add the file.")
    return problems


@pytest.mark.parametrize("path", repository_markdown(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_repository_markdown_links_only_to_files_it_carries(path):
    problems = link_problems(path)
    assert not problems, "\n".join(problems)


def test_a_link_outside_the_repository_is_reported_with_the_fix(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("Measured (`../shared/notes/stack-facts.md`); see [the guide](CONTRIBUTING.md).\n", encoding="utf-8")
    problems = link_problems(readme, root=tmp_path)
    assert len(problems) == 2, problems
    assert "README.md points outside the repository (../shared/notes/stack-facts.md)" in problems[0]
    assert "notes/" in problems[0]
    assert "README.md links to CONTRIBUTING.md, which does not exist" in problems[1]
