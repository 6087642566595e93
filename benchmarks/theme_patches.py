"""Does each theme patch still pay? An interleaved Lighthouse A/B, one variant per patch removed.

    python benchmarks/theme_patches.py [--runs 10] [--pages Q&A notebook] [--languages zh]

Builds the committed tree (git archive HEAD) twice: as it is, and without the
colour-toggle overrides (Material's own palette component). Every other variant
is the first build with one patch of handbook/theme/ undone on the built files:

- all              the site as deployed
- no-late-bundle   Material's own scripts block: the bundle in a plain <script> at the end of <body>
- no-compile-hint  the bundle without V8's `//# allFunctionsCalledOnLoad` first line
- no-lazy-index    Material's bundle as shipped (search index fetched on every page view), hint kept
- no-content-lazy  the undocumented `content.lazy` flag off
- material-palette Material's palette component instead of overrides/partials/palette.html
- a+b              several of the above undone together (not material-palette)

One server on one port serves whichever variant is being audited, so the URL
(and every cache key) is the same for all. Runs are interleaved, each round in
a new random order, because the host's speed drifts within minutes; identical
builds differed by up to 5 points over three runs in session 6. Mobile only, at
the CPU slowdown that makes this host emulate Lighthouse's intended phone
(measured from the host's benchmarkIndex in a first run, see audit.py).

Prints per variant and page: median score, TBT and LCP with their quartiles,
and a Mann-Whitney U test of TBT against `all`. A benchmark, not a test.
DESIGN.md (Page speed) has the results and what was dropped because of them.
"""

import argparse
import io
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import http.server
from pathlib import Path

from audit import GzipHandler, LANGUAGES, LIGHTHOUSE, PAGES, free_port, lighthouse, suggested_slowdown

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from handbook import theme  # noqa: E402

import material  # noqa: E402

THEME = Path(material.__file__).parent / "templates"
PALETTE_OVERRIDES = ["overrides/partials/palette.html", "overrides/partials/javascripts/palette.html"]
# overrides/main.html's loader ends with the script list as JSON: `})(["...bundle...", ...]);`
LOADER = re.compile(r"<script>\s*\(function \(scripts\) \{.*?\}\)\((\[.*?\])\);\s*</script>", re.S)


def export_head(dest: Path, drop=()):
    archive = subprocess.run(["git", "archive", "HEAD"], cwd=ROOT, check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(dest, filter="data")
    for path in drop:
        (dest / path).unlink()


def build(src: Path, site: Path, base: str):
    subprocess.run([sys.executable, "scripts/site.py", "build", "--site-dir", str(site)], cwd=src, check=True,
                   env={**os.environ, "SITE_URL": base})


def theme_file(site: Path, pattern: str) -> tuple[Path, Path]:
    """(built file, Material's file as shipped) for one glob pattern."""
    [built] = sorted(site.glob(pattern))
    return built, THEME / built.relative_to(site)


def no_compile_hint(site, pages):
    bundle, _ = theme_file(site, theme.BUNDLE)
    bundle.write_text(bundle.read_text(encoding="utf-8").removeprefix(theme.COMPILE_HINT), encoding="utf-8")


def no_lazy_index(site, pages):
    bundle, shipped = theme_file(site, theme.BUNDLE)
    bundle.write_text(theme.add_compile_hint(shipped.read_text(encoding="utf-8")), encoding="utf-8")


def no_late_bundle(site, pages):
    for page in pages:
        html = page.read_text(encoding="utf-8")
        match = LOADER.search(html)
        if not match:
            sys.exit(f"{page}: overrides/main.html's loader not found; update LOADER in {__file__}.")
        tags = "".join(f'<script src="{src}"></script>' for src in json.loads(match[1]))
        page.write_text(html[: match.start()] + tags + html[match.end():], encoding="utf-8")


def no_content_lazy(site, pages):
    for page in pages:
        html = page.read_text(encoding="utf-8")
        if '"content.lazy"' not in html:
            sys.exit(f"{page}: no content.lazy in the page's config; nothing to compare.")
        page.write_text(re.sub(r'"content\.lazy",?', "", html), encoding="utf-8")


VARIANTS = {"no-late-bundle": no_late_bundle, "no-compile-hint": no_compile_hint, "no-lazy-index": no_lazy_index,
            "no-content-lazy": no_content_lazy}


def quartiles(values):
    q = statistics.quantiles(values, n=4) if len(values) > 1 else [values[0]] * 3
    return q[0], statistics.median(values), q[2]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="rounds; each audits every variant once per page")
    parser.add_argument("--pages", nargs="*", default=["Q&A", "notebook"], help=f"subset of {list(PAGES)}")
    parser.add_argument("--languages", nargs="*", default=["zh"], help=f"subset of {list(LANGUAGES)}")
    parser.add_argument("--variants", nargs="*", default=["all", *VARIANTS, "material-palette"],
                        help="join names with + to undo several patches in one variant")
    parser.add_argument("--cpu-slowdown", type=float, default=None, help="default: calibrated on this host")
    parser.add_argument("--work-dir", default=None, help="keep the builds and reports here (default: temporary)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if not LIGHTHOUSE.exists():
        sys.exit(f"Lighthouse is not installed at {LIGHTHOUSE}; run `make audit` once (it installs it).")

    work = Path(args.work_dir or tempfile.mkdtemp(prefix="theme-ab-")).resolve()
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    sites = {}
    for name, drop in (("all", ()), ("material-palette", PALETTE_OVERRIDES)):
        if name in args.variants:
            src, site = work / f"src-{name}", work / name
            if not site.exists():
                export_head(src, drop)
                build(src, site, base)
            sites[name] = site
    urls = {(page, lang): f"{LANGUAGES[lang]}{PAGES[page]}index.html" for page in args.pages for lang in args.languages}
    for name in args.variants:
        if name in sites:
            continue
        if not (work / name).exists():  # "a+b": both patches undone
            shutil.copytree(sites["all"], work / name)
            for part in name.split("+"):
                VARIANTS[part](work / name, [work / name / path for path in urls.values()])
        sites[name] = work / name

    served = [sites["all"]]
    handler = lambda *a, **k: GzipHandler(*a, directory=str(served[0]), **k)  # noqa: E731
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    reports = work / "reports"
    reports.mkdir(exist_ok=True)

    slowdown = args.cpu_slowdown
    if slowdown is None:
        *_, metrics = lighthouse(base + urls[next(iter(urls))].removesuffix("index.html"), "mobile",
                                 reports / "calibration.json")
        slowdown = round(suggested_slowdown(metrics["BI"]), 1)
        print(f"benchmarkIndex {metrics['BI']:.0f}: CPU slowdown {slowdown}x", flush=True)

    results = {}  # (variant, page, lang) -> list of (score, TBT, LCP)
    rng = random.Random(args.seed)
    for round_ in range(args.runs):
        order = [(v, key) for v in sites for key in urls]
        rng.shuffle(order)
        for variant, (page, lang) in order:
            served[0] = sites[variant]
            out = reports / f"{variant}-{page.replace('&', '')}-{lang}-{round_}.json"
            scores, _, metrics = lighthouse(base + urls[page, lang].removesuffix("index.html"), "mobile", out, slowdown)
            results.setdefault((variant, page, lang), []).append(
                (scores["performance"], metrics["TBT"], metrics["LCP"]))
        print(f"round {round_ + 1}/{args.runs} done", flush=True)
    server.shutdown()
    (work / "results.json").write_text(json.dumps({"|".join(k): v for k, v in results.items()}, indent=1))

    from scipy.stats import mannwhitneyu

    print(f"\nMobile, {slowdown}x CPU slowdown, {args.runs} interleaved runs; quartiles q1/median/q3; "
          "p: two-sided Mann-Whitney U of TBT against `all`.")
    w = max(map(len, sites))
    print(f"{'variant':{w}} {'page':9} lang {'score':>13} {'TBT ms':>17} {'LCP s':>17}  p(TBT)")
    for page, lang in urls:
        reference = [r[1] for r in results[("all", page, lang)]]
        for variant in sites:
            runs = results[(variant, page, lang)]
            score, tbt, lcp = (quartiles([r[i] for r in runs]) for i in range(3))
            p = "" if variant == "all" else f"{mannwhitneyu([r[1] for r in runs], reference).pvalue:.3f}"
            print(f"{variant:{w}} {page:9} {lang:4} {'/'.join(f'{s:.0f}' for s in score):>13} "
                  f"{'/'.join(f'{t:.0f}' for t in tbt):>17} {'/'.join(f'{v / 1000:.2f}' for v in lcp):>17}  {p}")
    print(f"\nBuilds and reports: {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
