"""Render benchmarks/results.json where a page says <!-- benchmark-results -->.

The numbers come from `make bench` (benchmarks/run.py); nothing is typed by
hand. Column headings follow the page's language; on the zh page the metric and
baseline labels come from benchmarks/labels.zh.yml (tests/test_benchmark_labels.py
keeps it complete; a label missing there shows in English).
"""

import json
from pathlib import Path

import yaml

MARKER = "<!-- benchmark-results -->"
RESULTS = Path(__file__).resolve().parent.parent / "benchmarks" / "results.json"
LABELS = {"zh": RESULTS.with_name("labels.zh.yml")}
HEADINGS = {
    "zh": ("示例", "指标", "结果", "基线", "基线结果", "训练时间（秒）"),
    "en": ("Example", "Metric", "Result", "Baseline", "Baseline result", "Training time (s)"),
}
EMPTY = {"zh": "尚无结果：运行 `make bench`。", "en": "No results yet: run `make bench`."}


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
    entries = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else []
    if not entries:
        return markdown.replace(MARKER, EMPTY[lang])
    head = HEADINGS[lang]
    labels = yaml.safe_load(LABELS[lang].read_text(encoding="utf-8")) if lang in LABELS else {}
    label = lambda text: text if text is None else labels.get(text, text)
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * 2 + "---:|---|---:|---:|"]
    for e in entries:
        cells = [f"`{e['example']}`", _cell(label(e["metric"])), _cell(e["value"]), _cell(label(e["baseline"])), _cell(e["baseline_value"]), _cell(e["train_seconds"])]
        lines.append("| " + " | ".join(cells) + " |")
    return markdown.replace(MARKER, "\n".join(lines))
