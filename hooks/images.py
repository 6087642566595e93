"""Give every image on a page its size, and load it only when it is about to show.

Markdown images (`![alt](../assets/figures/x.png)`) become bare `<img>` tags.
Without width and height the browser cannot reserve their space, so the text
jumps when an image arrives (layout shift), and without `loading="lazy"` every
figure and diagram downloads with the page, even inside a closed answer.

This hook adds, to each `<img>` of a page that lacks them: `width` and `height`
read from the file (PNG header, or the SVG root's width/height or viewBox),
`loading="lazy"` and `decoding="async"`. Material's CSS (`max-width: 100%;
height: auto`) still scales the image down on narrow screens, keeping its
aspect ratio. `data:` images (notebook outputs) are left alone. An image file
whose size cannot be read fails the build, naming the page and the file.
"""

import re
import struct
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from mkdocs.exceptions import PluginError

IMG = re.compile(r"<img\b[^>]*>")
SRC = re.compile(r'\ssrc="([^"]+)"')
SVG_ROOT = re.compile(r"<svg\b[^>]*>", re.S)


def _attribute(tag: str, name: str):
    found = re.search(rf'\s{name}="([^"]*)"', tag)
    return found.group(1) if found else None


def image_size(path: Path) -> tuple[int, int]:
    """Intrinsic size in CSS pixels of a PNG or SVG file."""
    if path.suffix.lower() == ".png":
        head = path.read_bytes()[:24]
        if head[:8] != b"\x89PNG\r\n\x1a\n":
            raise ValueError("not a PNG file")
        return struct.unpack(">II", head[16:24])
    if path.suffix.lower() == ".svg":
        root = SVG_ROOT.search(path.read_text(encoding="utf-8"))
        if not root:
            raise ValueError("no <svg> element")
        width, height = _attribute(root.group(0), "width"), _attribute(root.group(0), "height")
        if width and height and width.replace(".", "").isdigit() and height.replace(".", "").isdigit():
            return round(float(width)), round(float(height))
        view_box = _attribute(root.group(0), "viewBox")
        if view_box and len(view_box.split()) == 4:
            return tuple(round(float(v)) for v in view_box.split()[2:])
        raise ValueError("the <svg> element has neither numeric width/height nor a viewBox")
    raise ValueError(f"unsupported image type {path.suffix!r}: add it to hooks/images.py")


def size_images(html: str, page_url: str, file_for_url, page_name: str = "page") -> str:
    """html with width, height, loading and decoding added to each <img>.

    file_for_url maps a site-relative URL ("assets/figures/x.png") to the
    image's source path, or None when it is not a file of the site.
    """

    def fix(match):
        tag = match.group(0)
        src = SRC.search(tag)
        if not src or src.group(1).startswith("data:"):
            return tag
        extra = []
        if _attribute(tag, "width") is None and _attribute(tag, "height") is None:
            url = urlsplit(urljoin("/" + page_url, src.group(1)))
            path = file_for_url(unquote(url.path).lstrip("/")) if not url.netloc else None
            if path is None:
                raise PluginError(f"hooks/images.py: {page_name}: image {src.group(1)!r} is not a file of this site.")
            try:
                width, height = image_size(Path(path))
            except (OSError, ValueError) as err:
                raise PluginError(f"hooks/images.py: {page_name}: cannot read the size of {path}: {err}") from err
            extra.append(f'width="{width}" height="{height}"')
        if _attribute(tag, "loading") is None:
            extra.append('loading="lazy"')
        if _attribute(tag, "decoding") is None:
            extra.append('decoding="async"')
        if not extra:
            return tag
        return tag[:4] + " " + " ".join(extra) + tag[4:]

    return IMG.sub(fix, html)


def on_page_content(html, page, config, files):
    by_url = {f.url: f.abs_src_path for f in files if f.abs_src_path}
    return size_images(html, page.url, by_url.get, page.file.src_uri)
