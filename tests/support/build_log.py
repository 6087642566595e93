"""Read the log of `python scripts/site.py build`: each language's problems, whole.

handbook/site.py starts each language with "Building the <lang> site from
<config>" and attempts both even when the first fails. MkDocs' messages often
span several lines (a YAML error's file and line, a failing notebook cell's
traceback, the list of pages missing from the nav), so a problem is its
WARNING/ERROR line together with the lines that continue it.
"""

import re

from handbook.languages import CODES as LANGUAGES
START = re.compile(r"Building the (\w+) site from ")
LEVEL = re.compile(r"^(DEBUG|INFO|WARNING|ERROR)\s+-")
PROBLEM = re.compile(r"^(WARNING|ERROR)\s+-")
# Page paths in MkDocs' messages are relative to docs/<lang>/.
PAGE_REF = re.compile(r"(Doc file|reading page) '")
LISTED_PAGE = re.compile(r"^(\s+-\s+)(\S+\.(?:md|ipynb))\s*$")


def split_by_language(log: str) -> dict[str, list[str]]:
    """The log's lines, per language (lines before the first build go to the default language)."""
    parts = {lang: [] for lang in LANGUAGES}
    lang = LANGUAGES[0]
    for line in log.splitlines():
        m = START.search(line)
        if m and m.group(1) in parts:
            lang = m.group(1)
        parts[lang].append(line)
    return parts


def started(log: str) -> set[str]:
    return {m.group(1) for m in START.finditer(log)}


def problems(lines: list[str], lang: str) -> list[str]:
    """Each WARNING/ERROR with its continuation lines, page paths made relative to the repository."""
    docs, found, current = f"docs/{lang}/", [], None
    for line in lines:
        if PROBLEM.match(line):
            current = [PAGE_REF.sub(lambda m: f"{m.group(1)} '{docs}", line)]
            found.append(current)
        elif LEVEL.match(line):
            current = None
        elif current is not None and line.strip():
            current.append(LISTED_PAGE.sub(lambda m: f"{m.group(1)}{docs}{m.group(2)}", line))
    return ["\n".join(p) for p in found]
