"""Shared test setup. Environment first: it must be set before TensorFlow,
Keras or matplotlib are imported by any test module."""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_CACHE = Path(os.environ.get("HANDBOOK_CACHE", ROOT / ".cache"))
for _var, _sub in (("KERAS_HOME", "keras"), ("MPLCONFIGDIR", "matplotlib"), ("KAGGLEHUB_CACHE", "kagglehub")):
    os.environ.setdefault(_var, str(_CACHE / _sub))
    Path(os.environ[_var]).mkdir(parents=True, exist_ok=True)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # the full TF package logs CUDA warnings on CPU
os.environ.setdefault("MPLBACKEND", "Agg")
tempfile.tempdir = None

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # `import snippets...` from any working directory


# --- A snippet that raises when imported --------------------------------------
# pytest.ini has --continue-on-collection-errors, so a test module that cannot
# be imported is one error among the results, not the end of the run. This
# adds the fix to that error when the cause is a module under snippets/.

import re  # noqa: E402

import pytest  # noqa: E402


@pytest.hookimpl(wrapper=True)
def pytest_collect_file(file_path, parent):
    # pytest-markdown-docs would import every test module a second time to
    # look for fences in docstrings; tests keep none, and a module that fails
    # to import would be reported twice.
    collected = yield
    if file_path.suffix == ".py":
        return [c for c in collected or [] if type(c).__name__ != "MarkdownDocstringCodeModule"]
    return collected


_SNIPPET_IN_TRACEBACK = re.compile(r'(?<![\w/])(snippets/[\w/]+\.py)"?, line (\d+)|(?<![\w/])(snippets/[\w/]+\.py):(\d+)')


def pytest_collectreport(report):
    if not report.failed:
        return
    text = str(report.longrepr).replace(str(ROOT) + "/", "")
    found = [(m.group(1) or m.group(3), m.group(2) or m.group(4)) for m in _SNIPPET_IN_TRACEBACK.finditer(text)]
    found = [(path, line) for path, line in found if not path.startswith("tests/")]
    if not found:
        return
    path, line = found[-1]  # the innermost snippet frame: where it raised
    dotted = path[:-3].replace("/", ".")
    report.sections.append((
        "how to fix",
        f"{path} raises when it is imported (line {line}), so {report.nodeid} could not run. "
        f"Fix the error shown above; `python -c \"import {dotted}\"` reproduces it. "
        "Every other test still ran.",
    ))


# --- The built site, shared by the build test and the browser tests ---------

import functools  # noqa: E402
import http.server  # noqa: E402
import shutil  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import threading  # noqa: E402
from dataclasses import dataclass  # noqa: E402

import pytest  # noqa: E402


@dataclass
class BuiltSite:
    path: Path
    url: str
    returncode: int
    log: str


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Build:
    """`scripts/site.py build` in a subprocess, started when the first test that needs the
    site is collected: it then runs on the second core while collection goes on (importing
    TensorFlow takes about as long as the build), instead of in the first browser test."""

    def __init__(self):
        self.url = f"http://127.0.0.1:{_free_port()}/"
        self.site = Path(tempfile.mkdtemp(prefix="handbook-test-site-"))
        self.out, self.err = (tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") for _ in "oe")
        self.proc = subprocess.Popen(
            [sys.executable, str(ROOT / "scripts" / "site.py"), "build", "--site-dir", str(self.site)],
            cwd=ROOT, env=dict(os.environ, SITE_URL=self.url), stdout=self.out, stderr=self.err,
        )

    def result(self) -> BuiltSite:
        returncode = self.proc.wait()
        self.out.seek(0), self.err.seek(0)
        return BuiltSite(self.site, self.url, returncode, self.out.read() + self.err.read())

    def discard(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.out.close(), self.err.close()
        shutil.rmtree(self.site, ignore_errors=True)


_build = None


def _needs_site(item) -> bool:
    return "built_site" in getattr(item, "fixturenames", ())


def pytest_itemcollected(item):
    global _build
    if _build is None and _needs_site(item):
        _build = _Build()


@pytest.hookimpl(trylast=True)  # after -k/-m/--deselect have removed items
def pytest_collection_modifyitems(items):
    global _build
    if _build is not None and not any(_needs_site(item) for item in items):
        _build.discard()  # nothing selected uses the site: stop building it
        _build = None


def pytest_unconfigure(config):
    if _build is not None:
        _build.discard()


@pytest.fixture(scope="session")
def built_site() -> BuiltSite:
    """A strict build of both languages, made for the address it is served at."""
    global _build
    if _build is None:  # e.g. a test file collected by a plugin that skipped pytest_itemcollected
        _build = _Build()
    return _build.result()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def site_dir(built_site) -> Path:
    """The built site's folder, for tests that read it.

    When the build failed they are skipped with this one line: the build's own
    message, once per language, is test_site_build.py's failure.
    """
    if built_site.returncode != 0:
        pytest.skip("the site did not build: tests/test_site_build.py::test_the_site_builds_strictly shows why")
    return built_site.path


@pytest.fixture(scope="session")
def served_site(built_site, site_dir) -> BuiltSite:
    port = int(built_site.url.rsplit(":", 1)[1].strip("/"))
    handler = functools.partial(_QuietHandler, directory=str(built_site.path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield built_site
    server.shutdown()
