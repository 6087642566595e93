"""The zh benchmarks page shows every metric and baseline in Chinese.

hooks/benchmarks.py renders benchmarks/results.json and takes the zh labels from
benchmarks/labels.zh.yml; a new benchmark entry needs its line there.
"""

import json
import re

import yaml

from tests.support.docs import ROOT

RESULTS = ROOT / "benchmarks" / "results.json"
LABELS = ROOT / "benchmarks" / "labels.zh.yml"
HAN = re.compile(r"[\u3400-\u9fff]")


def missing_labels(entries, labels):
    problems = []
    for e in entries:
        for key in ("metric", "baseline"):
            text = e.get(key)
            if text is not None and text not in labels:
                problems.append(f'{e["example"]}: the {key} "{text}" has no Chinese label. Add the line\n'
                                f'  "{text}": "<中文>"\nto benchmarks/labels.zh.yml (the zh benchmarks page shows it).')
    return problems


def test_every_metric_and_baseline_has_a_chinese_label():
    labels = yaml.safe_load(LABELS.read_text(encoding="utf-8"))
    problems = missing_labels(json.loads(RESULTS.read_text(encoding="utf-8")), labels)
    assert not problems, "\n".join(problems)


def test_chinese_labels_are_chinese_and_pass_the_style_check():
    labels = yaml.safe_load(LABELS.read_text(encoding="utf-8"))
    latin_only = [en for en, zh in labels.items() if not HAN.search(zh or "")]
    assert not latin_only, f"benchmarks/labels.zh.yml: these labels carry no Chinese: {latin_only}"
    from handbook import zh_style

    problems = zh_style.check_file(LABELS, text="\n".join(labels.values()))
    assert not problems, "benchmarks/labels.zh.yml (line n = the n-th label):\n" + "\n".join(map(str, problems))


def test_a_missing_label_names_the_example_and_the_file():
    entries = [{"example": "toy/planted", "metric": "planted metric", "baseline": None}]
    (problem,) = missing_labels(entries, {})
    assert problem.startswith('toy/planted: the metric "planted metric"') and "benchmarks/labels.zh.yml" in problem
