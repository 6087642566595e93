"""handbook/pdf.py label_sizes: the home pages show each PDF's size once `make pdf` has printed it."""

from handbook import languages, pdf

ZH_HOME = '<p>离线阅读：<a href="pdf/handbook-zh.pdf">中文 PDF</a> · <a href="pdf/handbook-en.pdf">English PDF</a>。</p>'
EN_HOME = '<p>offline: <a href="../pdf/handbook-en.pdf">English PDF</a> · <a href="../pdf/handbook-zh.pdf">中文 PDF</a>.</p>'
SIZES = {"zh": 21_200_000, "en": 11_600_000}


def test_each_link_gets_its_size_in_the_pages_language():
    zh, missing = pdf.label_sizes(ZH_HOME, SIZES, languages.get("zh").pdf_size)
    assert missing == []
    assert '中文 PDF</a><span class="pdf-size">（21 MB）</span>' in zh
    assert 'English PDF</a><span class="pdf-size">（12 MB）</span>' in zh
    en, _ = pdf.label_sizes(EN_HOME, SIZES, languages.get("en").pdf_size)
    assert 'English PDF</a><span class="pdf-size"> (12 MB)</span>' in en and "中文 PDF</a><span" in en


def test_labelling_twice_changes_nothing_and_a_missing_link_is_named():
    once, _ = pdf.label_sizes(ZH_HOME, SIZES, "（{mb} MB）")
    assert pdf.label_sizes(once, SIZES, "（{mb} MB）") == (once, [])
    _, missing = pdf.label_sizes('<a href="pdf/handbook-zh.pdf">中文 PDF</a>', SIZES, "（{mb} MB）")
    assert missing == ["en"]


def test_every_built_home_page_links_every_pdf(site_dir):
    for lang in languages.LANGUAGES:
        home = (site_dir / lang.root / "index.html").read_text(encoding="utf-8")
        _, missing = pdf.label_sizes(home, dict.fromkeys(languages.CODES, 1), lang.pdf_size)
        assert missing == [], f"{lang.docs_dir}/index.md has no link to the {missing} PDF"
