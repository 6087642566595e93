"""The handbook as one PDF per language, printed by Chromium from the built site.

    python scripts/pdf.py [--site-dir site]      # `make pdf`, after `make build`

For each language: every page of the nav, in nav order (except the
interactive practice page and the tags index), is loaded from the built site
served on 127.0.0.1 and printed with Chromium's own print (Playwright's
page.pdf) using the site's print stylesheet: answers open, formulas as
KaTeX HTML, figures loaded, Chinese in WenQuanYi Micro Hei (DESIGN.md says why).
Links point at the published site (each page's canonical URL), not at the
local server. Then pypdf counts each page's sheets, a table of contents with
page numbers is printed in front, the parts are merged, every sheet gets its
number in the footer, the outline (bookmarks) follows the nav, and identical
objects (fonts, glyphs) are stored once. Output: <site>/pdf/handbook-<lang>.pdf,
so the deploy publishes it with the site; both home pages then show each
PDF's size after its link (label_home_pages).

`check()` fails, naming the PDF and what is missing, when a question heading
of that language (assets/questions.json) is not in the PDF's text or no CJK
font is embedded in the Chinese one; `make pdf` runs it on what it built.
"""

import functools
import html
import http.server
import io
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.utils import yaml_load

from handbook import ROOT, languages

# Pages that make no sense on paper: the practice page is a JavaScript app, the
# tags index a list of links back into the site.
SKIPPED = {"practice.md", "tags.md"}
OUT_DIR = "pdf"
A4 = {"format": "A4", "margin": {"top": "16mm", "bottom": "16mm", "left": "14mm", "right": "14mm"}}
WORDS = {
    "zh": {"contents": "目录", "built": "本 PDF 由网站 {url} 生成（提交 {commit}，{date}）。", "page": "页"},
    "en": {"contents": "Contents", "built": "Printed from {url} (commit {commit}, {date}).", "page": "page"},
}
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]

# Ready the page for print: open every answer, point links at the published
# site instead of the local server, load every lazy image, wait for fonts.
PREPARE = """async ([local, published]) => {
  document.querySelectorAll("details").forEach((d) => (d.open = true));
  document.querySelectorAll("article a[href]").forEach((a) => {
    if (a.href.startsWith(local)) a.href = published + a.href.slice(local.length);
  });
  const images = [...document.images];
  images.forEach((img) => { img.loading = "eager"; img.decoding = "sync"; });
  await Promise.all(images.map((img) => img.complete ? null : new Promise((r) => { img.onload = img.onerror = r; })));
  await document.fonts.ready;
  const broken = images.filter((img) => !img.naturalWidth).map((img) => img.getAttribute("src"));
  return broken;
}"""


@dataclass
class Part:
    src: str  # path in the nav (docs/<lang>/...)
    url: str  # path under the language's root
    section: str  # nav group, "" at the top level
    title: str = ""
    pdf: bytes = b""
    pages: int = 0
    first: int = 0  # index of its first sheet in the whole PDF
    anchors: list = field(default_factory=list)


def nav_parts(lang: str) -> list[Part]:
    """The nav's pages in order, with the nav group each sits in."""
    language = languages.get(lang)
    config = yaml_load((ROOT / language.config).read_text(encoding="utf-8"))
    nav = config.get("nav") or yaml_load((ROOT / config["INHERIT"]).read_text(encoding="utf-8"))["nav"]
    parts = []

    def walk(item, section):
        if isinstance(item, str):
            if item not in SKIPPED:
                url = re.sub(r"(^|/)index$", r"\1", re.sub(r"\.(md|ipynb)$", "", item))
                parts.append(Part(item, url + ("/" if url and not url.endswith("/") else ""), section))
        elif isinstance(item, list):
            for x in item:
                walk(x, section)
        elif isinstance(item, dict):
            for key, value in item.items():
                walk(value, key if isinstance(value, list) else section)

    walk(nav, "")
    return parts


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(site_dir: Path):
    """The built site on a free port of 127.0.0.1, in a daemon thread; returns (server, base URL)."""
    handler = functools.partial(_Quiet, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


# Chromium embeds CFF-based OpenType fonts such as Noto Sans CJK as Type 3 fonts,
# whose text maps many Han characters to look-alike radicals (见 comes out as
# U+2EC5), so a reader's search in the PDF fails; it is also about 3x slower to
# print. WenQuanYi Micro Hei (TrueType, fonts-wqy-microhei) embeds as a CID font
# with the right text. Latin text keeps a Latin font; Han falls through to it.
PRINT_FONTS = """
body, .md-typeset { font-family: "Liberation Sans", Arial, "WenQuanYi Micro Hei", sans-serif !important; }
.md-typeset code, .md-typeset pre, .md-typeset kbd {
  font-family: "DejaVu Sans Mono", "Liberation Mono", "WenQuanYi Micro Hei Mono", monospace !important; }
/* Material keeps a details block on one sheet; a full answer is longer than a
   sheet, so that left most of a sheet blank before every answer. */
.md-typeset details, .md-typeset .admonition { break-inside: auto !important; }
"""
CJK_FONT = "WenQuanYiMicroHei"


def _print(page, url: str, local: str, published: str) -> tuple[bytes, str, list[str]]:
    page.goto(url, wait_until="load")
    page.add_style_tag(content=PRINT_FONTS)
    page.emulate_media(media="print")
    broken = page.evaluate(PREPARE, [local, published])
    if broken:
        raise RuntimeError(f"{url}: images did not load: {broken}")
    title = page.evaluate("() => (document.querySelector('article h1') || {}).textContent || document.title")
    anchors = page.evaluate("() => [...document.querySelectorAll('article [data-difficulty][id]')].map((h) => h.id)")
    return page.pdf(print_background=True, **A4), title.replace("¶", "").strip(), anchors


def _toc_html(lang: str, parts: list[Part], site_url: str, commit: str) -> str:
    words = WORDS[lang]
    rows, section = [], None
    for part in parts:
        if part.section != section and part.section:
            rows.append(f'<li class="section">{html.escape(part.section)}</li>')
        section = part.section
        rows.append(f'<li class="{"sub" if part.section else "top"}"><span>{html.escape(part.title)}</span>'
                    f'<b>{part.first + 1 if part.pages else "000"}</b></li>')
    note = words["built"].format(url=html.escape(site_url), commit=commit, date=time.strftime("%Y-%m-%d"))
    return f"""<!doctype html><html lang="{lang}"><meta charset="utf-8"><style>
body {{ font-family: "Liberation Sans", Arial, "WenQuanYi Micro Hei", sans-serif; font-size: 10.5pt; color: #111; }}
h1 {{ font-size: 20pt; margin: 0 0 .2em; }} p {{ color: #555; font-size: 9pt; margin: 0 0 1.2em; }}
ol {{ list-style: none; padding: 0; margin: 0; }}
li {{ display: flex; gap: .6em; padding: .12em 0; break-inside: avoid; }}
li span {{ flex: 1; border-bottom: 1px dotted #bbb; }} li b {{ font-weight: normal; min-width: 2.5em; text-align: right; }}
li.section {{ font-weight: bold; margin-top: .7em; }} li.sub {{ padding-left: 1.2em; }}
</style><h1>{html.escape(SITE_NAMES[lang])} · {words["contents"]}</h1><p>{note}</p><ol>{"".join(rows)}</ol></html>"""


SITE_NAMES = {"zh": "生成式 AI 面试手册", "en": "GenAI Interview Handbook"}


def _numbers_pdf(page, count: int, first: int) -> bytes:
    """A PDF of `count` empty A4 sheets, each with its number (first + i) at the bottom centre."""
    sheets = "".join(f'<div class="s"><span>{first + i}</span></div>' for i in range(count))
    page.set_content(f"""<!doctype html><style>@page {{ size: A4; margin: 0 }} body {{ margin: 0 }}
.s {{ height: 297mm; position: relative; break-after: page; overflow: hidden }}
.s span {{ position: absolute; bottom: 7mm; width: 100%; text-align: center; font: 9pt sans-serif; color: #666 }}</style>{sheets}""")
    return page.pdf(format="A4", margin={"top": "0", "bottom": "0", "left": "0", "right": "0"})


def build_language(browser, base_url: str, lang: str, out: Path, parts: list[Part] | None = None,
                   site_url: str = "", commit: str = "") -> dict:
    """Print one language's pages into `out`; returns figures for the log (pages, sheets, seconds)."""
    from pypdf import PdfReader, PdfWriter

    started = time.perf_counter()
    root = base_url + languages.get(lang).root
    parts = nav_parts(lang) if parts is None else parts
    context = browser.new_context(locale="zh-CN" if lang == "zh" else "en-US")
    page = context.new_page()
    try:
        for part in parts:
            part.pdf, part.title, part.anchors = _print(page, root + part.url, base_url, site_url or base_url)
            part.pages = len(PdfReader(io.BytesIO(part.pdf)).pages)
        # The contents' length does not depend on its numbers: print it once to count its sheets.
        page.set_content(_toc_html(lang, parts, site_url or base_url, commit), wait_until="load")
        toc_sheets = len(PdfReader(io.BytesIO(page.pdf(**A4))).pages)
        first = toc_sheets
        for part in parts:
            part.first, first = first, first + part.pages
        page.set_content(_toc_html(lang, parts, site_url or base_url, commit), wait_until="load")
        toc = page.pdf(**A4)
        assert len(PdfReader(io.BytesIO(toc)).pages) == toc_sheets, "the contents changed length once numbered"
        numbers = PdfReader(io.BytesIO(_numbers_pdf(page, first, 1)))
    finally:
        context.close()

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(toc)))
    sections = {}
    for part in parts:
        writer.append(PdfReader(io.BytesIO(part.pdf)), import_outline=False)
        parent = None
        if part.section:
            if part.section not in sections:
                sections[part.section] = writer.add_outline_item(part.section, part.first)
            parent = sections[part.section]
        writer.add_outline_item(part.title, part.first, parent=parent)
    for sheet, number in zip(writer.pages, numbers.pages):
        sheet.merge_page(number)
        sheet.compress_content_streams()  # merge_page leaves them uncompressed: 55 MB instead of 33 (zh)
    # Each page is printed on its own, so each part embeds its own copies of fonts and of the glyph
    # outlines Chromium draws for faked Chinese bold (WenQuanYi has no bold): zh 33.9 -> 21.1 MB.
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    writer.add_metadata({"/Title": SITE_NAMES[lang], "/Creator": "GenAI Interview Handbook (make pdf)"})
    writer.page_mode = "/UseOutlines"
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as f:
        writer.write(f)
    return {"lang": lang, "pages": len(parts), "sheets": first, "bytes": out.stat().st_size,
            "seconds": round(time.perf_counter() - started, 1), "anchors": [a for p in parts for a in p.anchors]}


def normalise(text: str) -> str:
    """Text compared without whitespace (PDF text breaks lines anywhere) and with ligatures undone."""
    text = text.replace("\ufb01", "fi").replace("\ufb02", "fl").replace("\u00ad", "")
    return re.sub(r"\s+", "", html.unescape(text))


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "".join(page.extract_text() or "" for page in PdfReader(path).pages)


def embedded_fonts(path: Path) -> set[str]:
    """BaseFont names of every font the PDF's pages use (subset prefixes dropped)."""
    from pypdf import PdfReader

    names = set()
    for page in PdfReader(path).pages:
        fonts = (page.get("/Resources") or {}).get("/Font") or {}
        for ref in fonts.values():
            font = ref.get_object()
            names.add(str(font.get("/BaseFont", "")).split("+", 1)[-1])
    return names


def check(path: Path, lang: str, titles: list[str]) -> list[str]:
    """Problems of a printed PDF: question titles missing from its text, Chinese without a CJK font."""
    text = normalise(pdf_text(path))
    problems = [f"{path.name}: question heading not found in the PDF text: {t!r}" for t in titles if normalise(t) not in text]
    if lang == "zh":
        if CJK_FONT not in embedded_fonts(path):
            problems.append(f"{path.name}: Chinese is not set in {CJK_FONT} (fonts: {sorted(embedded_fonts(path))}); "
                            "install fonts-wqy-microhei (`make browser` does as root)")
    return problems


def _site_url(site_dir: Path) -> str:
    found = re.search(r'<link rel="canonical" href="([^"]+)"', (site_dir / "index.html").read_text("utf-8"))
    return found.group(1) if found else ""


def _commit() -> str:
    import os
    import subprocess

    if os.environ.get("GIT_COMMIT"):
        return os.environ["GIT_COMMIT"][:12]
    out = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True, cwd=ROOT)
    return out.stdout.strip() or "unknown"


def question_titles(site_dir: Path, lang: str, anchors: list[str] | None = None) -> list[str]:
    """The titles of a language's questions (assets/questions.json), only those in `anchors` if given."""
    import json

    data = json.loads((site_dir / languages.get(lang).root / "assets" / "questions.json").read_text("utf-8"))
    return [q["title"] for q in data["questions"] if anchors is None or q["id"] in anchors]


def label_sizes(html_text: str, sizes: dict[str, int], label: str) -> tuple[str, list[str]]:
    """The home page with each PDF link followed by its file's size (readers on mobile data see it before
    they tap), and the languages whose link was not found. Labelling twice changes nothing."""
    missing = []
    for code, size in sizes.items():
        link = re.compile(rf'<a href="(?:\.\./)?{OUT_DIR}/handbook-{code}\.pdf">[^<]*</a>(?!<span class="pdf-size">)')
        span = f'<span class="pdf-size">{html.escape(label.format(mb=max(1, round(size / 1e6))))}</span>'
        html_text, count = link.subn(lambda m: m[0] + span, html_text)
        if not count and f"handbook-{code}.pdf" not in html_text:
            missing.append(code)
    return html_text, missing


def label_home_pages(site_dir: Path) -> list[str]:
    sizes = {code: out.stat().st_size for code in languages.CODES
             if (out := site_dir / OUT_DIR / f"handbook-{code}.pdf").is_file()}
    problems = []
    for lang in languages.LANGUAGES:
        home = site_dir / lang.root / "index.html"
        text, missing = label_sizes(home.read_text(encoding="utf-8"), sizes, lang.pdf_size)
        home.write_text(text, encoding="utf-8")
        problems += [f"{lang.docs_dir}/index.md: no link to {OUT_DIR}/handbook-{code}.pdf; the home page should "
                     f"offer every language's PDF (see the other language's index.md)" for code in missing]
    return problems


def main(argv=None) -> int:
    import argparse
    import os

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site-dir", default="site", help="the built site (make build); PDFs go to <site-dir>/pdf/")
    parser.add_argument("--lang", action="append", choices=languages.CODES, help="only this language (repeatable)")
    args = parser.parse_args(argv)
    site_dir = Path(args.site_dir).resolve()
    if not (site_dir / "index.html").is_file():
        print(f"{site_dir} has no built site: run `make build` first.")
        return 1
    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    server, base = serve(site_dir)
    problems = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            for lang in args.lang or languages.CODES:
                out = site_dir / OUT_DIR / f"handbook-{lang}.pdf"
                stats = build_language(browser, base, lang, out, site_url=_site_url(site_dir), commit=_commit())
                print(f"{out.relative_to(site_dir.parent)}: {stats['pages']} pages, {stats['sheets']} sheets, "
                      f"{stats['bytes'] / 1e6:.1f} MB, {stats['seconds']} s")
                problems += check(out, lang, question_titles(site_dir, lang))
            browser.close()
    finally:
        server.shutdown()
    problems += label_home_pages(site_dir)
    for problem in problems:
        print(problem)
    return 1 if problems else 0
