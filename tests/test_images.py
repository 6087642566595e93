"""hooks/images.py: every image on the site has its size and loads lazily."""

import re

import pytest
from mkdocs.exceptions import PluginError

from hooks import images
from tests.support.docs import ROOT

FIGURE = ROOT / "docs" / "assets" / "figures" / "gpt2-text-generation.png"


def test_png_size_comes_from_its_header():
    assert images.image_size(FIGURE) == (550, 320)


def test_svg_size_comes_from_width_and_height_or_the_view_box(tmp_path):
    sized = tmp_path / "a.svg"
    sized.write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 5" width="760" height="300"/>')
    boxed = tmp_path / "b.svg"
    boxed.write_text('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"\n viewBox="0 0 640.4 200"/>')
    assert images.image_size(sized) == (760, 300)
    assert images.image_size(boxed) == (640, 200)


def test_attributes_are_added_and_existing_ones_kept():
    html = ('<p><img alt="a" src="../../assets/figures/x.png" /></p>'
            '<img src="data:image/png;base64,AAAA">'
            '<img src="y.png" width="10" height="5" loading="eager">')
    out = images.size_images(html, "coding/page/", {"assets/figures/x.png": str(FIGURE)}.get)
    assert '<img width="550" height="320" loading="lazy" decoding="async" alt="a" src="../../assets/figures/x.png" />' in out
    assert '<img src="data:image/png;base64,AAAA">' in out
    assert '<img decoding="async" src="y.png" width="10" height="5" loading="eager">' in out


def test_an_image_that_is_not_a_site_file_fails_the_build():
    with pytest.raises(PluginError, match="coding/page.md.*missing.png"):
        images.size_images('<img src="missing.png">', "coding/page/", {}.get, "coding/page.md")


def test_built_pages_size_every_image(site_dir):
    missing = []
    for page in sorted(site_dir.rglob("*.html")):
        for tag in re.findall(r"<img\b[^>]*>", page.read_text(encoding="utf-8")):
            if 'src="data:' in tag:
                continue
            if not all(f" {a}=" in tag for a in ("width", "height", "loading")):
                missing.append(f"{page.relative_to(site_dir)}: {tag[:80]}")
    assert not missing, "images without width/height/loading (hooks/images.py):\n" + "\n".join(missing)
