"""Plumbing shared by the examples: the command line, figure saving, frozen copies of pages.

Not an example itself (the leading underscore keeps it off the coverage and
contract checks), so pages never include it. Keep it small: an example should
still read top to bottom without opening this file.
"""

import argparse
from pathlib import Path


def parser(doc, quick_help="a smaller run for tests and a first look"):
    """An argument parser with the two flags every example takes: --quick and --figures DIR."""
    p = argparse.ArgumentParser(description=doc.strip().splitlines()[0])
    p.add_argument("--quick", action="store_true", help=quick_help)
    p.add_argument("--figures", default=None, metavar="DIR", help="write the figures into this directory")
    return p


def save_figure(fig, path, dpi=100):
    """Lay out, write and close a Matplotlib figure (closing frees memory in long test runs)."""
    import matplotlib.pyplot as plt

    path = Path(path)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi)
    plt.close(fig)
    return path


class GitPages:
    """The handbook's pages at one git revision, for examples that train on a frozen copy of them
    (editing a page must not move an example's figures). Read-only; `write_frozen` stores the copy."""

    def __init__(self, rev, root=Path(__file__).resolve().parents[1]):
        self.root = root
        self.source = self._git("rev-parse", "--short", rev).strip()
        self.rev = rev

    def _git(self, *args):
        import subprocess

        return subprocess.run(["git", *args], cwd=self.root, check=True, capture_output=True,
                              encoding="utf-8").stdout

    def names(self, lang):
        """Markdown pages under docs/<lang>/, relative to it, sorted."""
        listed = self._git("ls-tree", "-r", "--name-only", self.rev, f"docs/{lang}/").split()
        return sorted(n.removeprefix(f"docs/{lang}/") for n in listed if n.endswith(".md"))

    def text(self, lang, name):
        return self._git("show", f"{self.rev}:docs/{lang}/{name}")


def write_frozen(path, data):
    """gzip-compressed JSON with no timestamp, so the same pages give the same bytes."""
    import gzip
    import json

    Path(path).write_bytes(gzip.compress(json.dumps(data, ensure_ascii=False).encode("utf-8"), mtime=0))


def read_frozen(path):
    import gzip
    import json

    return json.loads(gzip.decompress(Path(path).read_bytes()).decode("utf-8"))
