"""Read the Markdown sources the way the site and the tests see them.

Shared by the parity, fence and snippet-coverage tests, so that each states
its rule once and reports failures with the file (and line) to fix.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from markdown_it import MarkdownIt
from mkdocs.exceptions import ConfigurationError
from mkdocs.utils import yaml_load

from handbook import ROOT, languages

DOCS = ROOT / "docs"
LANGUAGES = languages.CODES
CONFIGS = {lang.code: ROOT / lang.config for lang in languages.LANGUAGES}
SNIPPETS = ROOT / "snippets"

HEADING_ID = re.compile(r"^#{1,6}\s.*\{[^{}]*?#([A-Za-z0-9_-]+)[^{}]*\}\s*$")
HEADING_ATTRS = re.compile(r"^#{1,6}\s.*\{([^{}]*)\}\s*$")
DATA_ATTR = re.compile(r'(data-[\w-]+)="([^"]*)"')
INCLUDE = re.compile(r'^\s*-{1,}8<-{1,}\s+"([^"]+)"', re.M)
FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<mark>`{3,}|~{3,})\s*(?P<info>.*)$")
PYTHON_LANGS = {"py", "python", "python3"}


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def built_files(site_dir: Path, lang: str, pattern: str) -> list[Path]:
    """Files of one language's built site matching pattern (relative to its root); at least one."""
    root = site_dir / languages.get(lang).root
    found = sorted(root.glob(pattern))
    assert found, f"no {pattern} under {root}"
    return found


def pages(lang: str) -> dict[str, Path]:
    """Markdown pages of one language, keyed by their path inside docs/<lang>/."""
    base = DOCS / lang
    return {p.relative_to(base).as_posix(): p for p in sorted(base.rglob("*.md"))}


def all_pages() -> list[Path]:
    return [p for lang in LANGUAGES for p in pages(lang).values()]


def heading_ids(text: str) -> list[str]:
    """Explicit { #id } anchors on headings, in order (fenced code skipped)."""
    return [m.group(1) for line in _outside_fences(text) if (m := HEADING_ID.match(line))]


def question_attrs(text: str) -> dict[str, dict[str, str]]:
    """data-* attributes of each question heading, keyed by its id."""
    found = {}
    for line in _outside_fences(text):
        m = HEADING_ATTRS.match(line)
        idm = HEADING_ID.match(line)
        if m and idm and "data-" in m.group(1):
            found[idm.group(1)] = dict(DATA_ATTR.findall(m.group(1)))
    return found


def includes(text: str) -> list[str]:
    """Snippet includes (`--8<-- "path:section"`), in order."""
    return INCLUDE.findall(text)


def _outside_fences(text: str):
    in_fence = None
    for line in text.splitlines():
        m = FENCE_OPEN.match(line)
        if in_fence is None and m:
            in_fence = m.group("mark")
            continue
        if in_fence is not None:
            if line.strip().startswith(in_fence) and line.strip().strip(in_fence[0]) == "":
                in_fence = None
            continue
        yield line


@dataclass
class Fence:
    path: Path
    line: int  # 1-based line of the opening fence
    lang: str
    options: set
    content: str


def fence_info(info: str) -> tuple[str, set]:
    """Language and options of a fence, in pytest-markdown-docs' superfences reading."""
    info = info.strip()
    if info.startswith("{"):
        parts = info.strip("{}").split()
        lang = next((p[1:] for p in parts if p.startswith(".")), "")
        return lang, {p.lstrip(".") for p in parts if p != "." + lang}
    parts = info.split()
    return (parts[0] if parts else ""), set(parts[1:])


def collected_fences(path: Path) -> list[Fence]:
    """Fences as pytest-markdown-docs sees them (top-level CommonMark fences)."""
    text = path.read_text(encoding="utf-8")
    fences = []
    for token in MarkdownIt("commonmark").parse(text):
        if token.type == "fence" and token.map:
            lang, options = fence_info(token.info)
            fences.append(Fence(path, token.map[0] + 1, lang, options, token.content))
    return fences


def python_fence_lines(path: Path) -> list[int]:
    """Lines that open a Python fence anywhere in the file, indented or not."""
    lines = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        m = FENCE_OPEN.match(line)
        if m and fence_info(m.group("info"))[0] in PYTHON_LANGS:
            lines.append(number)
    return lines


def nav_files(lang: str) -> list[str]:
    """Files listed in a config's nav, flattened in order (inherits mkdocs.yml).

    A config that does not parse skips the caller with one line: the build
    test shows the YAML error, with its file and line, once per language.
    """
    try:
        config = yaml_load(CONFIGS[lang].read_text(encoding="utf-8"))
        nav = config.get("nav")
        if nav is None and "INHERIT" in config:
            nav = yaml_load((CONFIGS[lang].parent / config["INHERIT"]).read_text(encoding="utf-8"))["nav"]
    except (yaml.YAMLError, ConfigurationError):
        pytest.skip(f"{CONFIGS[lang].name} does not parse: tests/test_site_build.py::test_the_site_builds_strictly shows why")
    out = []

    def walk(item):
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, list):
            for x in item:
                walk(x)
        elif isinstance(item, dict):
            for x in item.values():
                walk(x)

    walk(nav)
    return out
