"""The site's languages, declared once: where each lives, its config file, its UI strings.

The first language is the default, built by mkdocs.yml at the site root; every
other one is its own build (mkdocs.<code>.yml, inheriting mkdocs.yml) under
/<code>/. Pages live in docs/<code>/, executed notebooks in notebooks/<code>/.
The hooks, scripts, benchmarks and tests read the list from here.

Adding a language: a Language below, docs/<code>/ with every page, and the
strings that have to stay in YAML, because MkDocs or a contributor reads them
there (tests/test_languages.py checks that each is present for every language):

- mkdocs.<code>.yml: site_name, site_description, theme.language, the palette
  toggle names (theme.palette[*].toggle.name), the search language and the nav
  labels;
- hooks/topics.yml: the label of every difficulty and topic;
- benchmarks/labels.<code>.yml: metric and baseline names in that language
  (optional; results.json's English names are shown where it is missing).
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Language:
    code: str  # theme.language, docs/<code>/, notebooks/<code>/
    name: str  # in the language selector (overrides/partials/alternate.html)
    root: str  # path under the site root: "" or "<code>/"
    config: str  # the MkDocs config file that builds it
    # Question meta line, answer switch and "report an error" link (hooks/questions.py).
    questions: dict = field(repr=False)
    # Results table of the benchmarks page (hooks/benchmarks.py).
    benchmarks: dict = field(repr=False)
    # The line under a notebook's title (handbook/notebooks.py).
    notebook_links: str = field(repr=False)
    # The shared 404 page shows every language's text (overrides/404.html).
    not_found: dict = field(repr=False)
    # After each PDF link on the home page, once `make pdf` has printed it (handbook/pdf.py).
    pdf_size: str = field(repr=False, default=" ({mb} MB)")

    @property
    def docs_dir(self) -> str:
        return f"docs/{self.code}"


LANGUAGES = (
    Language(
        code="zh",
        name="简体中文",
        root="",
        config="mkdocs.yml",
        questions={
            "difficulty": "难度", "topics": "主题", "report": "报告错误",
            # Chinese punctuation in the meta line (难度：基础, 主题：GAN、VAE)
            "colon": "：", "separator": "、",
            "report_title": "[勘误] {title}", "expand": "展开全部答案", "collapse": "折叠全部答案",
            # Practice-progress marks under practised questions (answers.js, srs.js).
            "seen": "练过", "due": "待复习", "mastered": "已掌握",
        },
        benchmarks={
            "headings": ("示例", "指标", "结果", "基线", "基线结果", "训练时间（秒）"),
            "empty": "尚无结果：运行 `make bench`。",
        },
        notebook_links="[在 Colab 中打开]({colab}) · [下载 .ipynb]({name}.ipynb) · 本页代码调用经过测试的模块 `{modules}`，输出来自真实运行。",
        not_found={"title": "页面不存在", "text": "你要找的页面不存在，可能已被移动或改名。", "home": "返回中文首页"},
        pdf_size="（{mb} MB）",
    ),
    Language(
        code="en",
        name="English",
        root="en/",
        config="mkdocs.en.yml",
        questions={
            "difficulty": "Difficulty", "topics": "Topics", "report": "Report an error",
            "colon": ": ", "separator": ", ",
            "report_title": "[Error] {title}", "expand": "Expand all answers", "collapse": "Collapse all answers",
            "seen": "Practised", "due": "Due for review", "mastered": "Mastered",
        },
        benchmarks={
            "headings": ("Example", "Metric", "Result", "Baseline", "Baseline result", "Training time (s)"),
            "empty": "No results yet: run `make bench`.",
        },
        notebook_links="[Open in Colab]({colab}) · [Download the .ipynb]({name}.ipynb) · The code calls the tested module `{modules}`; every output comes from a real run.",
        not_found={"title": "Page not found", "text": "The page you are looking for does not exist; it may have moved or been renamed.",
                   "home": "Go to the English home page"},
        pdf_size=" ({mb} MB)",
    ),
)
CODES = tuple(lang.code for lang in LANGUAGES)
DEFAULT = LANGUAGES[0]
_BY_CODE = {lang.code: lang for lang in LANGUAGES}


def get(code: str) -> Language:
    """The language with this code; an unknown one names the known codes."""
    try:
        return _BY_CODE[code]
    except KeyError:
        raise KeyError(f"unknown language {code!r}: handbook/languages.py declares {', '.join(CODES)}") from None
