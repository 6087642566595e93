"""Plumbing shared by the examples: the command line and figure saving.

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
