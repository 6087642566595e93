"""Build or serve the bilingual site: one MkDocs build per language.

    python scripts/site.py build [--site-dir site]   # zh at the root, en under en/
    python scripts/site.py serve                     # http://127.0.0.1:8000, live reload

(scripts/site.py runs main() below.)

`mkdocs serve` serves a single config, so it cannot show both languages under
one address; this wraps MkDocs' own live-reload server around both builds.
"""

import argparse
import logging
import os
import shutil
import sys
import tempfile
import traceback
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException
from mkdocs.livereload import LiveReloadServer

from handbook import ROOT
from handbook.languages import LANGUAGES

# The default language is built first (LANGUAGES[0]), because a build empties its site_dir.
WATCHED = ("docs", "snippets", "notebooks", "overrides", "hooks", "handbook", "benchmarks",
           *(lang.config for lang in LANGUAGES))

log = logging.getLogger("site")


def _build(config_file: str, site_dir: Path, strict: bool, serving: bool) -> None:
    config = load_config(config_file=str(ROOT / config_file), site_dir=str(site_dir), strict=strict)
    config.plugins.on_startup(command="serve" if serving else "build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()


class BuildFailed(Exception):
    """One or more languages failed to build; the message has each one's full reason."""


def build_site(site_dir: Path, strict: bool = True) -> None:
    """Build every language into site_dir. Raises on a warning when strict.

    Every language is attempted even when an earlier one fails, so one run
    shows the problems of both. Each build starts with a "Building the <lang>
    site" line, and a failure is reported with MkDocs' whole message (a YAML
    error's file and line, a failing notebook cell), so the log of one
    language can be told from the other's (tests/test_site_build.py).
    """
    os.chdir(ROOT)  # snippets' base_path and hooks resolve paths from here
    failures = []
    for language in LANGUAGES:
        lang, config_file = language.code, language.config
        log.info("Building the %s site from %s", lang, config_file)
        try:
            _build(config_file, site_dir / language.root, strict, serving=False)
        except MkDocsException as exc:  # Abort carries the strict-mode summary, after the warnings
            message = f"Build failed ({lang}, {config_file}): {exc}"
            log.error("%s", message)
            failures.append(message)
        except Exception:  # a bug in a hook or plugin: where it happened is the message
            message = f"Build failed ({lang}, {config_file}):\n{traceback.format_exc()}"
            log.error("%s", message)
            failures.append(message)
    if failures:
        raise BuildFailed("\n".join(failures))


def _snapshot() -> dict[str, float]:
    stamps = {}
    for path in WATCHED:
        target = ROOT / path
        for f in [target] if target.is_file() else target.rglob("*") if target.exists() else []:
            if f.is_file() and ".cache" not in f.parts:
                stamps[f.relative_to(ROOT).as_posix()] = f.stat().st_mtime
    return stamps


def serve(host: str, port: int) -> None:
    """Live preview of both languages.

    Each language is built into its own folder (en/ is linked into the zh
    root), so an edit under docs/zh/ or docs/en/ rebuilds only that language.
    """
    os.chdir(ROOT)
    from handbook import theme

    theme.memoize_search_index()  # unchanged pages are not indexed again
    tmp = Path(tempfile.mkdtemp(prefix="handbook-site-"))
    default = LANGUAGES[0]
    roots = {lang.config: tmp / (lang.root.strip("/") or "site") for lang in LANGUAGES}
    os.environ.setdefault("SITE_URL", f"http://{host}:{port}/")  # read by handbook/urls.py in the hooks
    state = {"stamps": {}}

    def builder():
        stamps = _snapshot()
        changed = {p for p in stamps.keys() | state["stamps"].keys() if stamps.get(p) != state["stamps"].get(p)}
        state["stamps"] = stamps
        only = [lang.config for lang in LANGUAGES if changed and all(p.startswith(lang.docs_dir + "/") for p in changed)]
        configs = only or [lang.config for lang in LANGUAGES]
        for config_file in configs:
            try:
                _build(config_file, roots[config_file], strict=False, serving=True)
            except Exception as exc:  # keep serving the last good build
                log.error("Build of %s failed: %s", config_file, exc)
        for lang in LANGUAGES[1:]:
            link = roots[default.config] / lang.root.strip("/")
            if not link.is_symlink():
                link.symlink_to(roots[lang.config], target_is_directory=True)

    server = LiveReloadServer(builder=builder, host=host, port=port, root=str(roots[default.config]))

    def error_page(code):
        page = roots[default.config] / "404.html"
        return page.read_bytes() if code == 404 and page.is_file() else None

    server.error_handler = error_page
    builder()
    for path in WATCHED:
        if (ROOT / path).exists():
            server.watch(str(ROOT / path))
    try:
        server.serve()
    except KeyboardInterrupt:
        log.info("Shutting down...")
    finally:
        server.shutdown()
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="strict build of both languages")
    b.add_argument("--site-dir", default="site")
    s = sub.add_parser("serve", help="serve both languages with live reload")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)-7s -  %(message)s")
    if args.command == "build":
        try:
            build_site(Path(args.site_dir).resolve())
        except BuildFailed:
            return 1  # each language's failure is already logged, in full
        return 0
    serve(args.host, args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
