"""Text contrast on a phone, in the light and the dark scheme, with answers closed (what Lighthouse
audits) and open (what a reader studies), checked by axe-core, the engine inside Lighthouse.

It catches a colour that fails WCAG AA (4.5:1) and a layout that makes text sit, for an
accessibility checker, over the wrong background: question bodies not yet rendered
(content-visibility) once put the last answer's text over the dark footer (#040404 on #212121).
"""

import os
from pathlib import Path

import pytest

from tests.browser.conftest import PageWatch

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
AXE = Path(os.environ.get("AXE_JS", ROOT / ".cache/axe-core/node_modules/axe-core/axe.min.js"))
# A page whose last question ends in code, a table and references; a theory page; code-heavy pages.
PAGES = ["applications/audio/", "en/llm/transformer/", "coding/vae-denoising/", "practice/"]


@pytest.fixture(scope="module")
def axe_source():
    if not AXE.is_file():
        pytest.fail(f"axe-core is missing at {AXE}: `make test` installs it "
                    "(npm install --prefix .cache/axe-core axe-core@4.14.1), or set AXE_JS=/path/to/axe.min.js.")
    return AXE.read_text(encoding="utf-8")


def contrast_violations(page, axe_source):
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(content=axe_source)
    return page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: ['color-contrast']});
        return r.violations.flatMap(v => v.nodes.map(n => n.html.slice(0, 80) + ' -> ' + n.any.map(a => a.message).join('; ')));
    }""")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES)
def test_text_contrast_meets_wcag_aa(browser, served_site, axe_source, path, scheme):
    context = browser.new_context(viewport={"width": 412, "height": 823}, is_mobile=True, has_touch=True,
                                  device_scale_factor=2, color_scheme=scheme)
    page = context.new_page()
    page.watch = PageWatch(context, served_site.url.rstrip("/"))
    try:
        page.goto(served_site.url + path)
        page.wait_for_function("document.body.getAttribute('data-md-color-scheme') !== null")
        page.wait_for_timeout(300)  # the bundle starts after the first paint
        found = {"answers closed": contrast_violations(page, axe_source)}
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        page.wait_for_timeout(100)
        found["answers open"] = contrast_violations(page, axe_source)
        bad = {state: v for state, v in found.items() if v}
        assert not bad, (f"/{path} ({scheme} scheme) has text below 4.5:1 contrast, as axe measures it: {bad}. "
                         "Fix the colour in docs/assets/stylesheets/extra.css.")
        page.watch.assert_clean()
    finally:
        context.close()
