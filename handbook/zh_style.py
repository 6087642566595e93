"""Chinese style check: one term per concept, one typography, short answers you can say aloud.

    python scripts/zh_style.py                  # every docs/zh page, zh notebook cell and en short answer
    python scripts/zh_style.py FILE [FILE ...]  # only these (docs/zh/*.md, docs/en/*.md, notebooks/*.py)
    python scripts/zh_style.py --lengths        # print every short answer's spoken length

The guide is in CONTRIBUTING.md (中文写作规范); the term list is scripts/zh_terms.yml.
(scripts/zh_style.py runs main() below.)
In Chinese prose (docs/zh pages and the `lang="zh"` Markdown cells of notebooks/*.py) it fails on
* straight quotes "…" or '…' around Chinese text (write “…”);
* a banned variant of a listed term, and the patterns of the term list (ranges, joiners, “X 等人”);
* half-width , ; : ? ! . ( ) inside a Chinese sentence;
* spacing and punctuation between Chinese and Latin text, as autocorrect (autocorrect-py) lints it;
* a short answer (**简答：** / **Short answer:**) longer than can be said in about 30 seconds, or one
  that carries what nobody says aloud: ①②③ numbering, an exact date, a citation, "原文说…".
Code blocks, inline code, math, URLs, HTML tags and their attributes, heading attribute lists and
front matter keys are not checked. Each message names the file, the line and the fix.
Verbatim quotes of the source document (errata lines "> **原文…") are exempt from the term list.
Known exceptions live in scripts/zh_style_allow.yml, each with its reason.
"""

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from handbook import ROOT

TERMS_FILE = ROOT / "scripts" / "zh_terms.yml"
ALLOW_FILE = ROOT / "scripts" / "zh_style_allow.yml"

# Spoken length of a short answer: Chinese characters count one syllable each,
# a Latin word or a number counts one. About 4.5 syllables (2.5 English words) a second.
ZH_SHORT_MAX = 140
EN_SHORT_MAX = 110
ZH_SHORT = "**简答：**"
EN_SHORT = "**Short answer:**"

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN = re.compile(f"[{CJK}]")
MASK = "\x00"  # stands in for excluded text (never CJK, never punctuation)
FULLWIDTH = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", ".": "。", "(": "（", ")": "）"}

# What is not prose. Order matters: URLs before links' text survives, tags before entities.
INLINE_EXCLUDED = [
    re.compile(r"(`+).+?\1"),                              # inline code
    re.compile(r"(?<![\\$])\$\$.+?\$\$"),                  # display math on one line
    re.compile(r"(?<![\\$])\$(?!\s)(?:\\.|[^$\\])+?(?<!\s)\$"),  # inline math
    re.compile(r"\]\([^)\s]*(?:\s+\"[^\"]*\")?\)"),           # a link's URL and title: ](url "title")
    re.compile(r"\]\[[^\]]*\]"),                           # a reference link's label
    re.compile(r"<!--.*?-->"),                             # HTML comments
    re.compile(r"</?[A-Za-z][^<>]*>"),                     # HTML tags with their attributes; <autolinks>
    re.compile(r"https?://\S+"),                           # bare URLs
    re.compile(r"\{[:#.][^{}]*\}\s*$"),                    # attribute lists: { #id data-... }
    re.compile(r"&[a-z]+;|&#\d+;"),                       # HTML entities
    re.compile(r"\\[\\`*_{}\[\]()#+\-.!|$\"]"),             # Markdown escapes
]
FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
TAG_LEFT_OPEN = re.compile(r"<[A-Za-z][^<>]*$")  # a tag whose attributes go on over the next lines
BLOCK_OPTION = re.compile(r"^\s+(type|attrs|open)\s*:")   # options under a /// block header
SNIPPET = re.compile(r"^\s*-{1,2}8<-{1,2}")
REFERENCES = re.compile(r"^\*\*(参考文献|References)\*\*\s*$")
LIST_ITEM = re.compile(r"^\s*\d+\.\s")
SOURCE_QUOTE = re.compile(r"^\s*>\s*\*\*原文")
CITATION_LINE = ("**出处：**",)  # the errata's reference lines, cited like a references list


@dataclass
class Problem:
    path: str
    line: int
    rule: str
    text: str
    fix: str

    def __str__(self):
        return f"{self.path}:{self.line}: [{self.rule}] {self.text} -> {self.fix}".replace(MASK, "…")


@dataclass
class Line:
    number: int
    raw: str         # the line as written
    prose: str       # the line with everything that is not prose masked
    reference: bool  # an item of a references list (citation style, half-width punctuation allowed)


def load_terms(path=TERMS_FILE):
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    rules = []
    for term in data["terms"]:
        where = f"“{term['zh']}”（{term['en']}）"
        hint = f"；{term['note']}" if term.get("note") else ""
        for variant in term.get("banned") or []:
            rules.append((re.compile(re.escape(variant)), f"write {where} instead of “{variant}”{hint}", True))
        for pattern in term.get("regex") or []:
            rules.append((re.compile(pattern), f"write {where}{hint}", True))
    for pattern in data.get("patterns") or []:
        rules.append((re.compile(pattern["regex"]), f"write “{pattern['fix']}”：{pattern['reason']}",
                      pattern.get("references", True)))
    return rules


def load_allow(path=ALLOW_FILE):
    if not Path(path).exists():
        return []
    entries = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or []
    for entry in entries:
        missing = {"file", "rule", "text", "reason"} - set(entry)
        if missing:
            raise SystemExit(f"{path}: entry {entry} lacks {', '.join(sorted(missing))}; every exception needs its reason.")
    return entries


def mask(line: str) -> str:
    for pattern in INLINE_EXCLUDED:
        line = pattern.sub(lambda m: MASK * len(m.group(0)), line)
    return line


def markdown_lines(text: str, first=1, math_open=False):
    """Yield Line for every line of a Markdown text; lines that are not prose are fully masked."""
    in_fence, fence, in_math, in_front, in_refs, in_tag = False, "", math_open, False, False, False
    lines = text.split("\n")
    for i, raw in enumerate(lines):
        number = first + i
        stripped = raw.strip()
        if i == 0 and stripped == "---":
            in_front = True
            yield Line(number, raw, MASK * len(raw), False)
            continue
        if in_front:
            if stripped == "---":
                in_front = False
                yield Line(number, raw, MASK * len(raw), False)
                continue
            # Only the values of title and description are prose.
            key = re.match(r"^(title|description):\s*", raw)
            prose = MASK * key.end() + raw[key.end():] if key else MASK * len(raw)
            yield Line(number, raw, mask(prose) if key else prose, False)
            continue
        match = FENCE.match(raw)
        if in_fence:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence) and not raw.strip()[len(match.group(1)):].strip():
                in_fence = False
            yield Line(number, raw, MASK * len(raw), False)
            continue
        if match:
            in_fence, fence = True, match.group(1)
            yield Line(number, raw, MASK * len(raw), False)
            continue
        if in_math:
            if "$$" in raw:
                in_math = False
            yield Line(number, raw, MASK * len(raw), False)
            continue
        if stripped.startswith("$$") and stripped.count("$$") == 1:
            in_math = True
            yield Line(number, raw, MASK * len(raw), False)
            continue
        if BLOCK_OPTION.match(raw) or SNIPPET.match(raw):
            yield Line(number, raw, MASK * len(raw), False)
            continue
        if in_tag:  # an HTML tag opened on an earlier line: its attributes are not prose
            end = raw.find(">")
            in_tag = end < 0
            yield Line(number, raw, MASK * len(raw) if in_tag else MASK * (end + 1) + mask(raw[end + 1:]), False)
            continue
        opened = TAG_LEFT_OPEN.search(mask(raw))
        if opened:
            in_tag = True
            yield Line(number, raw, mask(raw[:opened.start()]) + MASK * (len(raw) - opened.start()), False)
            continue
        if REFERENCES.match(stripped):
            in_refs = True
        elif stripped.startswith(("#", "///")):
            in_refs = False
        yield Line(number, raw, mask(raw), (in_refs and bool(LIST_ITEM.match(raw))) or stripped.startswith(CITATION_LINE))


def notebook_zh_lines(text: str):
    """Lines of the zh Markdown cells of a jupytext percent script, with the comment marker blanked."""
    lines = text.split("\n")
    cell_lang, block, start = None, [], 0

    def flush():
        if cell_lang == "zh" and block:
            yield from markdown_lines("\n".join(block), first=start)

    for i, raw in enumerate(lines, 1):
        if raw.startswith("# %%"):
            yield from flush()
            lang = re.search(r'\[markdown\].*lang="(\w+)"', raw)
            cell_lang, block, start = (lang.group(1) if lang else None), [], i + 1
            continue
        if cell_lang == "zh":
            block.append(raw[2:] if raw.startswith("# ") else raw[1:] if raw.startswith("#") else raw)
    yield from flush()


# ---- the checks ---------------------------------------------------------------------------------

def _excerpt(text, start, end, width=12):
    return text[max(0, start - width):end + width].replace(MASK, "…").strip()


def check_quotes(line: Line):
    prose = line.prose
    if '"' not in prose and "'" not in prose:
        return
    for match in re.finditer(r'"([^"\n]*)"', prose):
        around = prose[max(0, match.start() - 1):match.end() + 1]
        if HAN.search(around):
            yield "straight-quote", f'“{match.group(0)}” in Chinese prose', f"write “{match.group(1)}” with curly quotes “…”"
    rest = re.sub(r'"[^"\n]*"', "", prose)
    for match in re.finditer(r'"', rest):
        if HAN.search(rest[max(0, match.start() - 1):match.end() + 1]):
            yield "straight-quote", f"an unpaired straight quote in “{_excerpt(rest, match.start(), match.end())}”", "write “ or ”"
    for match in re.finditer(rf"(?<![A-Za-z])'([^'\n]*[{CJK}][^'\n]*)'", prose):
        yield "straight-quote", f"“{match.group(0)}” in Chinese prose", f"write ‘{match.group(1)}’ (or “{match.group(1)}”)"


def check_terms(line: Line, rules):
    for pattern, fix, in_references in rules:
        if line.reference and not in_references:
            continue
        for match in pattern.finditer(line.prose):
            yield "term", f"“{_excerpt(line.prose, match.start(), match.end(), 6)}”", fix


HALF = re.compile(rf"(?<=[{CJK}])[,;:?!]|[,;:?!](?=\s?[{CJK}])|(?<=[{CJK}])\.(?=\s|$|[{CJK}])")
PARENS = re.compile(rf"\(([^()\n]*[{CJK}][^()\n]*)\)")


def check_halfwidth(line: Line):
    if line.reference:
        return
    prose = line.prose
    for match in HALF.finditer(prose):
        mark = match.group(0)
        yield "half-width", f"“{_excerpt(prose, match.start(), match.end(), 8)}”", f"write the full-width “{FULLWIDTH[mark]}” in a Chinese sentence"
    for match in PARENS.finditer(prose):
        yield "half-width", f"“{_excerpt(prose, match.start(), match.end(), 4)}”", f"write full-width parentheses （{match.group(1)}）"


MARKUP = [
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),    # links and images: keep the text
    (re.compile(r"`[^`]+`"), " CODE "),                  # inline code: one word
    (re.compile(r"\$[^$]+\$"), " MATH "),                # a formula: one word
    (re.compile(r"<[^>]+>"), " "),
    (re.compile(r"[*_]{1,3}"), ""),
]


def _plain(text):
    for pattern, repl in MARKUP:
        text = pattern.sub(repl, text)
    return text


def spoken_length(text: str) -> int:
    """Syllables of a Chinese short answer: one per Chinese character, one per Latin word or number."""
    plain = _plain(text)
    return len(HAN.findall(plain)) + len(re.findall(r"[A-Za-z0-9]+(?:[-.'’/][A-Za-z0-9]+)*", plain))


def word_count(text: str) -> int:
    """Words of an English short answer."""
    return len(re.findall(r"[A-Za-z0-9][A-Za-z0-9'’.,/-]*", _plain(text)))


def short_answers(lines):
    """(line number, language, text, length) of every short answer."""
    for line in lines:
        for marker, lang in ((ZH_SHORT, "zh"), (EN_SHORT, "en")):
            if line.raw.startswith(marker):
                text = line.raw[len(marker):]
                yield line.number, lang, text, spoken_length(text) if lang == "zh" else word_count(text)


MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
# What nobody says aloud in an interview; the full answer keeps it.
NOT_SPOKEN = {
    "zh": [
        (re.compile(r"[①-⑩]"), "numbered ①②③", "say 一是……二是……"),
        (re.compile(r"\d{4} 年 \d{1,2} 月 \d{1,2} 日"), "an exact date", "say the month or the year; the day goes to the full answer"),
        (re.compile(r"原文(?:说|称|把|列|提到|认为|写)"), "a reference to the source document", "answer the question; what the source said goes to the full answer and the errata"),
        (re.compile(r"等[，,] ?(?:\d{4}|NeurIPS|ICLR|ICML|CVPR|ACL|arXiv)|arXiv:"), "a citation", "name the work; the citation goes to the full answer"),
    ],
    "en": [
        (re.compile(r"\(\d\)"), "numbered (1), (2)", "use plain sentences"),
        (re.compile(rf"\b\d{{1,2}} (?:{MONTHS}) \d{{4}}|\b(?:{MONTHS}) \d{{1,2}}, \d{{4}}"), "an exact date", "say the month or the year; the day goes to the full answer"),
        (re.compile(r"\b[Tt]he source(?:'s|\s+(?:says|said|claims|lists|describes|predicts|presents|points))"), "a reference to the source document", "answer the question; what the source said goes to the full answer and the errata"),
        (re.compile(r"\bet al\.|arXiv:"), "a citation", "name the work; the citation goes to the full answer"),
    ],
}


def check_short(number, lang, text, length):
    for pattern, what, fix in NOT_SPOKEN[lang]:
        found = pattern.search(_plain(text))
        if found:
            yield "short-answer", f"short answer “{text.strip()[:24]}…” contains {what} (“{found.group(0)}”)", fix
    limit = ZH_SHORT_MAX if lang == "zh" else EN_SHORT_MAX
    if length > limit:
        unit = "syllables" if lang == "zh" else "words"
        start = text.strip()[:24]
        yield "short-answer", f"short answer “{start}…” is {length} {unit} (limit {limit}, about 30 s spoken)", (
            "cut it to what you would say aloud; move formulas, citations, dates, code and what the source said "
            "into the full answer (CONTRIBUTING.md, 简答怎么写)"
        )


_autocorrect = None
# autocorrect's defaults, less the rules that contradict this handbook's typography
# (space-dash would write 编码器 - 解码器, halfwidth-punctuation (unCLIP) for （unCLIP）)
# and those check_halfwidth does with the exclusions above (fullwidth, space-bracket).
AUTOCORRECT_CONFIG = """
rules:
  space-dash: 0
  space-bracket: 0
  fullwidth: 0
  halfwidth-punctuation: 0
  spellcheck: 0
context:
  codeblock: 0
"""


def check_autocorrect(prose_text, prose):
    """Spacing between CJK and Latin text, as autocorrect lints it, where the change touches prose."""
    global _autocorrect
    if _autocorrect is None:
        import autocorrect_py
        autocorrect_py.load_config(AUTOCORRECT_CONFIG)
        _autocorrect = autocorrect_py
    result = _autocorrect.lint_for(prose_text, "md")
    for item in result.lines:
        old, new = item.old, item.new
        i = 0
        while i < min(len(old), len(new)) and old[i] == new[i]:
            i += 1
        j = 0
        while j < min(len(old), len(new)) - i and old[-1 - j] == new[-1 - j]:
            j += 1
        at = item.col - 1  # old starts at this column of the line
        masked = prose.get(item.line, "")[max(0, at + i - 1):at + len(old) - j + 1]
        if masked and not masked.strip(MASK):
            continue  # inside code, math, a URL or an HTML attribute
        a, b = old[max(0, i - 8):len(old) - j + 8], new[max(0, i - 8):len(new) - j + 8]
        yield item.line, "spacing", f"“{a.replace(MASK, '…')}”", f"write “{b.replace(MASK, '…')}” (autocorrect)"


def lines_by_number(lines):
    return {line.number: line.raw for line in lines}


def lines_of(path: Path, text: str):
    if path.suffix == ".py":
        return list(notebook_zh_lines(text)), "zh"
    lang = "en" if "/en/" in path.as_posix() or path.as_posix().startswith("docs/en") else "zh"
    return list(markdown_lines(text)), lang


def check_file(path, text=None, rules=None, allow=None):
    path = Path(path)
    text = path.read_text(encoding="utf-8") if text is None else text
    rules = load_terms() if rules is None else rules
    allow = load_allow() if allow is None else allow
    try:
        shown = path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        shown = path.as_posix()
    lines, lang = lines_of(path, text)
    found = []
    for number, short_lang, short, length in short_answers(lines):
        found += [Problem(shown, number, *p) for p in check_short(number, short_lang, short, length)]
    if lang == "zh":
        for line in lines:
            if not HAN.search(line.prose):
                continue
            # A verbatim quote of the source document (errata: "> **原文…：** “…”") keeps its wording.
            terms = [] if SOURCE_QUOTE.match(line.raw) else check_terms(line, rules)
            for check in (check_quotes(line), terms, check_halfwidth(line)):
                found += [Problem(shown, line.number, *p) for p in check]
        # autocorrect parses the Markdown itself (it skips code and math); keep what it finds in prose lines.
        prose = {line.number: line.prose for line in lines}
        references = {line.number for line in lines if line.reference}
        last = max(prose, default=0)
        source = "\n".join(lines_by_number(lines).get(n, "") for n in range(1, last + 1))
        found += [Problem(shown, n, *p) for n, *p in check_autocorrect(source, prose) if HAN.search(prose.get(n, "")) and n not in references]
    raw = {line.number: line.raw for line in lines}
    return [p for p in found if not _allowed(p, raw.get(p.line, ""), allow)]


def _allowed(problem, raw, allow):
    return any(e["file"] == problem.path and e["rule"] == problem.rule and e["text"] in raw for e in allow)


def default_files():
    return (sorted(ROOT.glob("docs/zh/**/*.md")) + sorted(ROOT.glob("notebooks/*.py"))
            + sorted(ROOT.glob("docs/en/**/*.md")))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--lengths", action="store_true", help="print each short answer's spoken length")
    args = parser.parse_args(argv)
    files = args.files or default_files()
    if args.lengths:
        for path in files:
            lines, _ = lines_of(path, path.read_text(encoding="utf-8"))
            for number, lang, text, length in short_answers(lines):
                print(f"{length:4d} {lang} {path}:{number}")
        return 0
    rules, allow = load_terms(), load_allow()
    problems = [p for path in files for p in check_file(path, rules=rules, allow=allow)]
    for problem in problems:
        print(problem)
    if problems:
        print(f"\n{len(problems)} problem(s). The guide: CONTRIBUTING.md (中文写作规范); terms: scripts/zh_terms.yml; "
              "exceptions with their reasons: scripts/zh_style_allow.yml.", file=sys.stderr)
    return 1 if problems else 0

