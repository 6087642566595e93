"""Every "edit this page" link opens a file that is in the repository.

A notebook page is built from notebooks/<name>.py (hooks/notebooks.py); the
executed .ipynb it renders lives only in the build's staging folder, so its
edit link must name the source, not docs/<lang>/notebooks/<name>.ipynb.
"""

import html
import re
from pathlib import Path

from handbook import languages, urls
from tests.support.docs import ROOT

EDIT_LINK = re.compile(r'<a\b[^>]*\bhref="([^"]+)"[^>]*\brel="edit"')


def edit_link_problems(site_dir: Path, repo_url: str, root: Path = ROOT) -> list[str]:
    """One line per built page whose edit link does not name a file of the repository."""
    prefix = re.compile(re.escape(repo_url.rstrip("/")) + r"/edit/[^/]+/(.+)$")
    problems = []
    for page in sorted(site_dir.rglob("*.html")):
        for href in EDIT_LINK.findall(page.read_text("utf-8")):
            href = html.unescape(href)
            m = prefix.match(href)
            if not m:
                problems.append(f"{page.relative_to(site_dir)}: the edit link {href} is not {repo_url}/edit/<branch>/<file>")
            elif not (root / m.group(1)).is_file():
                problems.append(
                    f"{page.relative_to(site_dir)}: the edit link opens {m.group(1)}, which is not in the repository "
                    "(GitHub answers 404). Point it at the page's source file: edit_uri in mkdocs.yml / mkdocs.en.yml, "
                    "or page.edit_url in the hook that adds the page (hooks/notebooks.py for notebooks)."
                )
    return problems


def test_every_edit_link_names_a_file_in_the_repository(site_dir):
    repo_url = urls.repo_url()
    pages_with_links = [p for p in site_dir.rglob("*.html") if EDIT_LINK.search(p.read_text("utf-8"))]
    assert any("notebooks" in p.parts for p in pages_with_links), "notebook pages should have an edit link"
    for lang in languages.LANGUAGES[1:]:
        assert any(p.is_relative_to(site_dir / lang.root) for p in pages_with_links), f"{lang.name} pages should have an edit link"
    problems = edit_link_problems(site_dir, repo_url)
    assert not problems, "\n".join(problems)


def test_an_edit_link_to_a_missing_file_is_reported_with_the_fix(tmp_path):
    repo = "https://github.com/owner/repo"
    page = tmp_path / "site" / "notebooks" / "gan-digits" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text(f'<a href="{repo}/edit/main/docs/zh/notebooks/gan-digits.ipynb" title="Edit" rel="edit">e</a>',
                    encoding="utf-8")
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "gan-digits.py").write_text("# source\n", encoding="utf-8")
    [problem] = edit_link_problems(tmp_path / "site", repo, root=tmp_path)
    assert "notebooks/gan-digits/index.html" in problem and "docs/zh/notebooks/gan-digits.ipynb" in problem
    assert "not in the repository" in problem and "hooks/notebooks.py" in problem
    page.write_text(f'<a href="{repo}/edit/main/notebooks/gan-digits.py" title="Edit" rel="edit">e</a>', encoding="utf-8")
    assert edit_link_problems(tmp_path / "site", repo, root=tmp_path) == []
