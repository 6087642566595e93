"""tests/browser/search_terms.tsv has one line per question on the site (anchor, zh term, en term),
and each term appears on the question's page in its language. tests/browser/test_search.py types them."""

import re

from tests.support.docs import ROOT

TERMS = ROOT / "tests" / "browser" / "search_terms.tsv"
QUESTION = re.compile(r"^#{2,6} .*\{ *#([\w-]+)[^}]*data-difficulty", re.M)


def question_pages(lang="zh"):
    """anchor -> page path under docs/<lang>/, for every question heading."""
    pages = {}
    for path in sorted((ROOT / "docs" / lang).rglob("*.md")):
        for anchor in QUESTION.findall(path.read_text("utf-8")):
            pages[anchor] = path.relative_to(ROOT / "docs" / lang).as_posix()
    return pages


def read_terms(path=TERMS):
    rows = {}
    for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        assert len(cells) == 3 and all(c.strip() for c in cells), (
            f"{path.relative_to(ROOT)}:{number}: write anchor<TAB>zh term<TAB>en term, got {line!r}")
        rows[cells[0]] = (cells[1], cells[2])
    return rows


def missing_lines(pages, rows):
    return [f"question #{a} (docs/*/{pages[a]}) has no search term: add the line "
            f"'{a}<TAB><zh term><TAB><en term>' to tests/browser/search_terms.tsv (the term a reader would type)"
            for a in sorted(set(pages) - set(rows))]


def test_every_question_has_a_search_term():
    missing = missing_lines(question_pages(), read_terms())
    assert not missing, "\n".join(missing)


def test_every_term_appears_on_its_page_and_every_line_names_a_question():
    pages, problems = question_pages(), []
    for anchor, (zh, en) in read_terms().items():
        if anchor not in pages:
            problems.append(f"tests/browser/search_terms.tsv: #{anchor} is no question on the site; remove or rename the line")
            continue
        for lang, term in (("zh", zh), ("en", en)):
            if term.lower() not in (ROOT / "docs" / lang / pages[anchor]).read_text("utf-8").lower():
                problems.append(f"tests/browser/search_terms.tsv: #{anchor}: '{term}' does not appear on docs/{lang}/{pages[anchor]}")
    assert not problems, "\n".join(problems)


def test_a_question_without_a_line_is_named(tmp_path):
    planted = tmp_path / "terms.tsv"
    planted.write_text("# comment\nold-question\t旧\told\n", encoding="utf-8")
    (message,) = missing_lines({"old-question": "qa/a.md", "new-question": "llm/b.md"}, read_terms(planted))
    assert message.startswith("question #new-question (docs/*/llm/b.md) has no search term")
    assert "tests/browser/search_terms.tsv" in message
