"""`make pdf` on two pages per language: what it prints is what the handbook needs on paper.

The full PDFs (every page, both languages, a few minutes) are made and checked
by `make pdf` itself (handbook/pdf.py check()); this runs the same code on the
home page and the Q&A page, whose answers carry formulas and figures.
"""

import json
import re

import pytest

from handbook import languages, pdf

PAGES = ["index.md", "qa/fundamentals.md"]


@pytest.fixture(scope="module", params=languages.CODES)
def printed(request, browser, served_site, tmp_path_factory):
    lang = request.param
    parts = [p for p in pdf.nav_parts(lang) if p.src in PAGES]
    assert [p.src for p in parts] == PAGES, f"{PAGES} are not in the {lang} nav in this order"
    out = tmp_path_factory.mktemp("pdf") / f"handbook-{lang}.pdf"
    stats = pdf.build_language(browser, served_site.url, lang, out, parts=parts, site_url="https://example.org/", commit="test")
    return lang, out, stats, parts


def _questions(site_dir, lang, anchors):
    data = json.loads((site_dir / languages.get(lang).root / "assets/questions.json").read_text("utf-8"))
    return [q for q in data["questions"] if q["id"] in anchors]


def test_every_question_heading_is_in_the_pdf_text(printed, site_dir):
    lang, out, stats, parts = printed
    anchors = [a for p in parts for a in p.anchors]
    assert len(anchors) >= 4, f"the Q&A page printed only {anchors}"
    titles = [q["title"] for q in _questions(site_dir, lang, anchors)]
    assert len(titles) == len(anchors)
    assert pdf.check(out, lang, titles) == []


def test_answers_are_expanded_and_formulas_and_figures_printed(printed, site_dir):
    lang, out, stats, parts = printed
    text = pdf.normalise(pdf.pdf_text(out))
    answers = json.loads((site_dir / languages.get(lang).root / "assets/answers.json").read_text("utf-8"))
    # A sentence from inside the closed "full answer" block of the KL-term question.
    full = re.sub(r"<[^>]+>", " ", answers["vae-kl-term"].split("</p>", 1)[1])
    sentence = next(s for s in re.split(r"(?<=[。.])", re.sub(r"\s+", " ", full)) if len(s.strip()) > 20 and "\\" not in s)
    assert pdf.normalise(sentence[:20]) in text, f"full answer not printed: {sentence[:40]!r}"
    fonts = pdf.embedded_fonts(out)
    assert {"KaTeX_Main-Regular", "KaTeX_Math-Italic"} <= fonts, f"formulas not set in KaTeX's fonts: {sorted(fonts)}"
    from pypdf import PdfReader

    images = set()

    def collect(resources):  # Chromium wraps images in form XObjects
        for ref in (resources.get("/XObject") or {}).values():
            obj = ref.get_object()
            if obj.get("/Subtype") in ("/Image", "/Form"):
                images.add(ref.idnum)
            if obj.get("/Subtype") == "/Form" and "/Resources" in obj:
                collect(obj["/Resources"])

    for page in PdfReader(out).pages:
        collect(page["/Resources"])
    # The Q&A page shows three SVG diagrams; Chromium draws each <img> as a form XObject
    # (build_language already fails when an image did not load).
    assert len(images) >= 3, f"{len(images)} figures in the PDF; the Q&A page shows 3 diagrams"


def test_chinese_is_set_in_a_cjk_font_with_its_real_characters(printed):
    lang, out, stats, parts = printed
    text = pdf.pdf_text(out)
    assert pdf.CJK_FONT in pdf.embedded_fonts(out)
    # The zh home page's heading; the en home page links the "中文 PDF".
    # Chromium's Type 3 embedding of Noto CJK would give U+2F63 (a radical) for 生.
    assert {"zh": "生成式", "en": "中文"}[lang] in text and not re.search(r"[\u2e80-\u2fdf]", text), text[:300]


def test_contents_has_page_numbers_and_every_sheet_its_number(printed):
    lang, out, stats, parts = printed
    from pypdf import PdfReader

    reader = PdfReader(out)
    assert len(reader.pages) == stats["sheets"] == parts[0].first + sum(p.pages for p in parts)
    contents = pdf.normalise(reader.pages[0].extract_text())
    for part in parts:
        assert pdf.normalise(part.title) + str(part.first + 1) in contents, (part.title, part.first + 1, contents[:400])
    last = reader.pages[-1].extract_text().split()
    assert str(len(reader.pages)) in last, f"the last sheet does not show its number {len(reader.pages)}: {last[-5:]}"
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert [p.title for p in parts if not p.section] == outline[:1] and len(reader.outline) >= 2
    links = [a.get_object()["/A"].get("/URI", "") for page in reader.pages for a in page.get("/Annots") or []
             if a.get_object().get("/A")]
    # Links go to the published site, never to the local server the PDF was printed from.
    assert any(str(u).startswith("https://example.org/") for u in links), links[:5]
    assert not any("127.0.0.1" in str(u) for u in links), [u for u in links if "127.0.0.1" in str(u)][:3]


def streams_stored_twice(path) -> list[tuple[int, int]]:
    """Pairs of object numbers whose stream data is identical (small streams ignored)."""
    from pypdf import PdfReader
    from pypdf.generic import StreamObject

    reader = PdfReader(path)
    seen, twice = {}, []
    for number in sorted({n for table in reader.xref.values() for n in table}):
        obj = reader.get_object(number)
        if isinstance(obj, StreamObject) and len(data := obj.get_data()) > 256:
            if data in seen:
                twice.append((seen[data], number))
            seen.setdefault(data, number)
    return twice


def test_no_stream_is_embedded_twice(printed):
    """Each page is printed on its own, so identical fonts and glyph outlines must be merged."""
    lang, out, stats, parts = printed
    twice = streams_stored_twice(out)
    assert not twice, (f"{out.name}: {len(twice)} streams stored twice (objects {twice[:3]}...); "
                       "handbook/pdf.py must keep compress_identical_objects before writing")
