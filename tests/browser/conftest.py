"""Headless Chromium (Debian's package) driven by Python Playwright.

Playwright never downloads a browser here: it launches /usr/bin/chromium.
`make test` installs it with apt-get where it can; if it is missing, these
tests fail (they never skip) and say what to install.
"""

import os
import shutil
from urllib.parse import urlsplit

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}. Install it with "
            "`sudo apt-get install chromium fonts-noto-cjk` (Debian/Ubuntu), or set CHROMIUM=/path/to/chromium. "
            "`make test` installs it automatically when run as root."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        # launch() gives every run a fresh, empty profile of its own.
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


class PageWatch:
    """Records every request and console error of a browser context."""

    def __init__(self, context, origin):
        self.origin = origin
        self.foreign, self.errors = [], []
        context.on("request", self._request)
        context.on("console", lambda msg: msg.type == "error" and self.errors.append(msg.text))
        context.on("weberror", lambda err: self.errors.append(str(err.error)))

    def _request(self, request):
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https", "ws", "wss") and f"{parts.scheme}://{parts.netloc}" != self.origin:
            self.foreign.append(request.url)

    def assert_clean(self):
        assert not self.foreign, f"Pages requested other hosts (they must be self-contained): {self.foreign}"
        assert not self.errors, f"Console errors: {self.errors}"


@pytest.fixture
def site_page(browser, served_site):
    origin = served_site.url.rstrip("/")
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    watch = PageWatch(context, origin)
    page = context.new_page()
    page.watch = watch
    page.base = served_site.url
    yield page
    context.close()
