"""Train every example at its default size and record its metrics.

    python benchmarks/run.py              # every example (make bench)
    python benchmarks/run.py gan vae      # only modules whose name contains one of these

Each module under snippets/ that defines `benchmark()` is run; it trains at
its default size, writes its figures into docs/assets/figures/ and returns
entries {"example", "metric", "value", "baseline", "baseline_value",
"train_seconds"}. Results are merged into benchmarks/results.json (entries of
examples not run are kept) and printed as a table; the site's benchmarks page
renders the same file (hooks/benchmarks.py). This is not a test: it measures.
"""

import importlib
import json
import os
import pkgutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results.json"
KEYS = ("example", "metric", "value", "baseline", "baseline_value", "train_seconds")

sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("KERAS_HOME", str(ROOT / ".cache" / "keras"))
os.environ.setdefault("MPLCONFIGDIR", str(ROOT / ".cache" / "matplotlib"))


def benchmark_modules(filters=()):
    import snippets

    for info in pkgutil.walk_packages(snippets.__path__, "snippets."):
        if info.ispkg or (filters and not any(f in info.name for f in filters)):
            continue
        module = importlib.import_module(info.name)
        if callable(getattr(module, "benchmark", None)):
            yield info.name, module


def check(entry, name):
    missing = [k for k in KEYS if k not in entry]
    if missing:
        raise ValueError(f"{name}.benchmark() returned an entry without {missing}: {entry}")
    return {k: entry[k] for k in KEYS}


def table(entries):
    rows = [("example", "metric", "value", "baseline", "baseline value", "train s")]
    for e in entries:
        fmt = lambda v: "-" if v is None else (f"{v:.4g}" if isinstance(v, float) else str(v))
        rows.append((e["example"], e["metric"], fmt(e["value"]), fmt(e["baseline"]), fmt(e["baseline_value"]), fmt(e["train_seconds"])))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in rows)


def main(argv):
    filters = tuple(argv)
    previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else []
    fresh, ran = [], set()
    for name, module in benchmark_modules(filters):
        print(f"== {name}", flush=True)
        start = time.perf_counter()
        entries = [check(e, name) for e in module.benchmark()]
        print(f"   {len(entries)} entries in {time.perf_counter() - start:.1f} s", flush=True)
        fresh += entries
        ran |= {e["example"] for e in entries}
    merged = [e for e in previous if e["example"] not in ran] + fresh
    merged.sort(key=lambda e: e["example"])
    RESULTS.write_text(json.dumps(merged, indent=2, ensure_ascii=False) + "\n")
    print(table(merged))
    print(f"\nwrote {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
