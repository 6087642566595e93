"""The shared example plumbing: both flags parse, and a saved figure is written and closed."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from snippets._example import parser, save_figure  # noqa: E402


def test_parser_takes_quick_and_figures_dir():
    args = parser("Title line.\n\nMore text.").parse_args(["--quick", "--figures", "out"])
    assert args.quick is True and args.figures == "out"
    assert parser("T.").parse_args([]).figures is None


def test_save_figure_writes_png_and_closes(tmp_path):
    fig, ax = plt.subplots()
    ax.plot([0, 1], [1, 0])
    path = save_figure(fig, tmp_path / "sub" / "line.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert fig.number not in plt.get_fignums()
