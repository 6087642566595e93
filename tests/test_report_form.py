"""The "report an error" link under each question fills in the issue form it opens.

GitHub pre-fills a field of an issue form from the query key equal to the
field's id, and silently drops any other key: a renamed field would lose the
page and question a reader reports from.
"""

from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import yaml

from handbook import languages
from hooks import questions
from tests.support.docs import ROOT

FORMS = ROOT / ".github" / "ISSUE_TEMPLATE"
FIELD_TYPES = {"markdown", "input", "textarea", "dropdown", "checkboxes"}
GITHUB_KEYS = {"template", "title", "labels", "assignees", "milestone", "projects"}


def report_url(lang="en"):
    config = SimpleNamespace(site_url="https://example.org/handbook/", repo_url="https://github.com/owner/repo")
    page = SimpleNamespace(url="qa/fundamentals/", file=SimpleNamespace(src_uri="qa/fundamentals.md"))
    return questions._report_url(config, page, "what-is-generative-ai", "What is generative AI?", lang)


def form_problems(url: str, forms: Path = FORMS) -> list[str]:
    """Why the link and the form it names do not fit together ([] when they do)."""
    query = {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}
    form_file = forms / query.get("template", "")
    if "template" not in query or not form_file.is_file():
        return [f"hooks/questions.py: the report link names template={query.get('template')!r}, "
                f"which is not a form in {forms.relative_to(forms.parents[1])}/ (REPORT_FORM)."]
    form = yaml.safe_load(form_file.read_text("utf-8"))
    where = form_file.relative_to(forms.parents[1]).as_posix()
    problems = [f"{where} lacks the top-level key {key!r}" for key in ("name", "description", "body") if key not in form]
    fields = {}
    for item in form.get("body", []):
        if item.get("type") not in FIELD_TYPES:
            problems.append(f"{where}: unknown field type {item.get('type')!r}; use one of {sorted(FIELD_TYPES)}")
        if "id" in item:
            if item["id"] in fields:
                problems.append(f"{where}: two fields have the id {item['id']!r}")
            fields[item["id"]] = item
    for key in sorted(set(query) - GITHUB_KEYS):
        if key not in fields or fields[key]["type"] not in ("input", "textarea"):
            problems.append(
                f"hooks/questions.py pre-fills {key!r}, but {where} has no input or textarea with id: {key}; "
                "GitHub drops the value. Give the form field that id, or rename the key in _report_url."
            )
    return problems


def test_the_report_link_fills_every_field_it_names_in_the_form():
    for lang in languages.CODES:
        url = report_url(lang)
        assert url.startswith("https://github.com/owner/repo/issues/new?")
        problems = form_problems(url)
        assert not problems, "\n".join(problems)
        query = parse_qs(urlsplit(url).query)
        assert query["page"] == [f"docs/{lang}/qa/fundamentals.md"] and query["question"] == ["#what-is-generative-ai"]


def test_a_renamed_form_field_is_reported_with_the_fix(tmp_path):
    forms = tmp_path / ".github" / "ISSUE_TEMPLATE"
    forms.mkdir(parents=True)
    text = (FORMS / questions.REPORT_FORM).read_text("utf-8").replace("id: question", "id: anchor")
    (forms / questions.REPORT_FORM).write_text(text, encoding="utf-8")
    [problem] = form_problems(report_url(), forms)
    assert "pre-fills 'question'" in problem and ".github/ISSUE_TEMPLATE/report-an-error.yml" in problem
    assert "id: question" in problem
