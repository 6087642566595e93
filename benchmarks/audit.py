"""Lighthouse audit of the built site, served the way GitHub Pages serves it.

    python benchmarks/audit.py [--runs 3] [--pages home Q&A] [--forms mobile]   (make audit)

Builds the site for http://127.0.0.1:<port>/, serves it gzip-compressed (as
GitHub Pages does; Material's CSS is 137 KB raw, 23 KB gzipped), runs
Lighthouse 12 in Debian's Chromium on the pages below in both languages, in
mobile and desktop mode, and prints a table with the budgets. Exits non-zero
if a budget is missed. A benchmark, not a test: it is not part of `make test`.

Scores move by several points between runs on a shared 2-core machine, so each
page is audited three times and the median is kept (Lighthouse's variability
guide recommends several runs). The BI column is Lighthouse's benchmarkIndex of
the host during those runs: the default 4x CPU slowdown assumes about 1500-2000
(docs/throttling.md); lower values mean the emulated phone is slower than the
mid-tier phone Lighthouse intends, and scores drop accordingly.
"""

import argparse
import functools
import gzip
import http.server
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # `handbook` lives at the repository root
from handbook.languages import LANGUAGES as SITE_LANGUAGES  # noqa: E402

LIGHTHOUSE = ROOT / ".cache" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PAGES = {
    "home": "",
    "Q&A": "qa/fundamentals/",
    "coding": "coding/gan-super-resolution/",
    "notebook": "notebooks/gan-digits/",
    "practice": "practice/",
}
LANGUAGES = {lang.code: lang.root for lang in SITE_LANGUAGES}
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
BUDGETS = {
    "mobile": {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100},
    "desktop": {"performance": 100, "accessibility": 100, "best-practices": 100, "seo": 100},
}
# Lighthouse's performance metrics, printed next to the scores to show what costs points.
METRICS = {"FCP": "first-contentful-paint", "LCP": "largest-contentful-paint", "TBT": "total-blocking-time",
           "CLS": "cumulative-layout-shift", "SI": "speed-index"}
COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".map")


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, gzip-compressed when the client accepts it."""

    def log_message(self, *args):
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if not (path.suffix in COMPRESSIBLE and path.is_file() and "gzip" in self.headers.get("Accept-Encoding", "")):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")
        self.end_headers()
        return _Body(body)


class _Body:
    def __init__(self, data):
        self.data = data

    def read(self, *_):
        data, self.data = self.data, b""
        return data

    def close(self):
        pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def suggested_slowdown(benchmark_index):
    """The CPU slowdown that emulates Lighthouse's intended mid-tier phone on this host.

    Lighthouse's CPU throttling calculator (linked from docs/throttling.md):
    1300 -> 3x, 1533 -> 4x (the default), 800 -> 2x, linear in between.
    """
    if benchmark_index >= 1300:
        return 3 + (benchmark_index - 1300) / 233
    if benchmark_index >= 800:
        return 2 + (benchmark_index - 800) / 500
    return 1 + max(benchmark_index - 150, 0) / 650


def lighthouse(url, form_factor, out, cpu_slowdown=None):
    cmd = [
        str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--chrome-flags=--headless --no-sandbox --disable-gpu --no-first-run "
        "--disable-background-networking --disable-component-update --disable-sync",
    ]
    if form_factor == "desktop":
        cmd.append("--preset=desktop")
    elif cpu_slowdown:
        cmd.append(f"--throttling.cpuSlowdownMultiplier={cpu_slowdown}")
    subprocess.run(cmd, check=True, env=dict(os.environ, CHROME_PATH=CHROMIUM))
    report = json.loads(Path(out).read_text())
    metrics = {m: report["audits"][a]["numericValue"] for m, a in METRICS.items()}
    scores = {c: round(100 * (report["categories"][c]["score"] or 0)) for c in CATEGORIES}
    failed = [
        f"{c}: {a['id']}"
        for c in CATEGORIES
        for ref in report["categories"][c]["auditRefs"]
        if ref["weight"] and (a := report["audits"][ref["id"]])["score"] is not None and a["score"] < 1
    ]
    metrics["BI"] = report["environment"]["benchmarkIndex"]
    return scores, failed, metrics


def _median(values):
    values = sorted(values)
    return values[len(values) // 2]


def _metrics(metrics):
    return " ".join(f"{m} {v:.3f}" if m == "CLS" else f"{m} {v:.0f}" if m == "BI" else f"{m} {v / 1000:.2f}s"
                    for m, v in metrics.items())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site-dir", default=None, help="build into this folder (default: a temporary one)")
    parser.add_argument("--runs", type=int, default=3, help="runs per page; the median score is kept")
    parser.add_argument("--pages", nargs="*", default=list(PAGES), help=f"subset of {list(PAGES)}")
    parser.add_argument("--languages", nargs="*", default=list(LANGUAGES), help=f"subset of {list(LANGUAGES)}")
    parser.add_argument("--forms", nargs="*", default=["mobile", "desktop"], help="subset of mobile desktop")
    parser.add_argument("--port", type=int, default=None, help="serve on this port (default: a free one)")
    parser.add_argument("--no-build", action="store_true", help="audit --site-dir as it is (built for --port)")
    parser.add_argument("--cpu-slowdown", type=float, default=None,
                        help="mobile CPU slowdown instead of Lighthouse's default 4x (see the suggestion printed at the end)")
    parser.add_argument("--report-dir", default=None, help="keep each Lighthouse JSON report in this folder")
    args = parser.parse_args(argv)
    if not LIGHTHOUSE.exists():
        sys.exit(f"Lighthouse is not installed at {LIGHTHOUSE}; run `make audit` (it installs lighthouse@12 with npm).")

    port = args.port or free_port()
    base = f"http://127.0.0.1:{port}/"
    site = Path(args.site_dir or tempfile.mkdtemp(prefix="audit-site-")).resolve()
    if not args.no_build:
        subprocess.run([sys.executable, str(ROOT / "scripts" / "site.py"), "build", "--site-dir", str(site)],
                       check=True, env=dict(os.environ, SITE_URL=base))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(GzipHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()

    rows, missed = [], []
    with tempfile.TemporaryDirectory() as tmp:
        reports = Path(args.report_dir or tmp)
        reports.mkdir(parents=True, exist_ok=True)
        for name in args.pages:
            for lang in args.languages:
                prefix = LANGUAGES[lang]
                if not (site / prefix / PAGES[name] / "index.html").exists():
                    missed.append(f"{name} ({lang}): page {prefix}{PAGES[name]} does not exist")
                    continue
                for form in args.forms:
                    slug = f"{name.replace('&', '')}-{lang}-{form}"
                    runs = [lighthouse(base + prefix + PAGES[name], form, reports / f"{slug}-{i}.json", args.cpu_slowdown)
                            for i in range(args.runs)]
                    scores = {c: _median(r[0][c] for r in runs) for c in CATEGORIES}
                    metrics = {m: _median(r[2][m] for r in runs) for m in (*METRICS, "BI")}
                    failing = sorted({f for r in runs for f in r[1]})
                    rows.append((name, lang, form, scores, metrics))
                    for c in CATEGORIES:
                        if scores[c] < BUDGETS[form][c]:
                            missed.append(f"{name} ({lang}, {form}) {c} {scores[c]} < {BUDGETS[form][c]}: {failing}")
                    print(f"{name:9} {lang} {form:7} " + " ".join(f"{c[:4]} {scores[c]:3}" for c in CATEGORIES)
                          + "  " + _metrics(metrics), flush=True)
    server.shutdown()

    if rows:
        bi = _median(metrics["BI"] for *_, metrics in rows)
        print(f"\nHost benchmarkIndex (median) {bi:.0f}: Lighthouse's calculator suggests a "
              f"{suggested_slowdown(bi):.1f}x mobile CPU slowdown here (default 4x; --cpu-slowdown "
              f"{args.cpu_slowdown or 4:g} was used).")
    print(f"\nMedian of {args.runs} run(s) per row; score/budget.")
    print("page      lang form     " + " ".join(f"{c:>14}" for c in CATEGORIES) + "  median metrics")
    for name, lang, form, scores, metrics in rows:
        print(f"{name:9} {lang:4} {form:8} " + " ".join(f"{scores[c]:>11}/{BUDGETS[form][c]:<2}" for c in CATEGORIES)
              + "  " + _metrics(metrics))
    if missed:
        print("\nBudgets missed:\n" + "\n".join("- " + m for m in missed))
        return 1
    print("\nEvery budget met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
