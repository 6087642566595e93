"""Render benchmarks/results.json where a page says <!-- benchmark-results -->.

The numbers come from `make bench` (benchmarks/run.py); nothing is typed by
hand. Column headings follow the page's language (handbook/languages.py); the
metric and baseline labels come from benchmarks/labels.<lang>.yml when it
exists (labels.zh.yml; tests/test_benchmark_labels.py keeps it complete; a
label missing there shows in English, as results.json writes it).
"""

import json

import yaml

from handbook import ROOT, languages

MARKER = "<!-- benchmark-results -->"
RESULTS = ROOT / "benchmarks" / "results.json"


def _cell(value):
    if value is None:
        return "–"
    if isinstance(value, float):
        value += 0.0  # no "-0"
        return f"{value:.3g}" if abs(value) < 100 else f"{value:.0f}"
    return str(value).replace("|", "\\|")  # "ACF of |r|" would end the table cell


def on_page_markdown(markdown, page, config, files):
    if MARKER not in markdown:
        return markdown
    lang = config.theme["language"]
    words = languages.get(lang).benchmarks
    entries = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else []
    if not entries:
        return markdown.replace(MARKER, words["empty"])
    head = words["headings"]
    label_file = RESULTS.with_name(f"labels.{lang}.yml")
    labels = yaml.safe_load(label_file.read_text(encoding="utf-8")) if label_file.exists() else {}
    label = lambda text: text if text is None else labels.get(text, text)
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * 2 + "---:|---|---:|---:|"]
    for e in entries:
        cells = [f"`{e['example']}`", _cell(label(e["metric"])), _cell(e["value"]), _cell(label(e["baseline"])), _cell(e["baseline_value"]), _cell(e["train_seconds"])]
        lines.append("| " + " | ".join(cells) + " |")
    return markdown.replace(MARKER, "\n".join(lines))
