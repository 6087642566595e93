"""Rotary position embedding (RoPE) in NumPy, and why it encodes relative position.

What it shows
- RoPE rotates each pair of query/key dimensions by an angle proportional to the
  token's position m: pair i turns by m * theta_i, with theta_i = base^(-2i/d).
- Because rotations compose, <R(m) q, R(n) k> = <q, R(n - m) k>: the attention score
  depends on the positions only through n - m. Shift both positions and the score is
  unchanged.
- Sinusoidal absolute embeddings added to the input (the original Transformer) do not
  have this property: the score of the same two tokens changes when both move.

Run
    python -m snippets.llm.rope                    # prints the scores before and after a shift
    python -m snippets.llm.rope --figures DIR      # also draws the score against distance

What to change in practice
- Llama-style code rotates the first half of the dimensions against the second half
  ("rotate_half") instead of neighbouring pairs; it is the same RoPE with the
  dimensions permuted (the test checks this). Context extension (position
  interpolation, NTK/YaRN) only changes `positions` or `base` here.
"""

from pathlib import Path

import numpy as np

from snippets._example import parser, save_figure


# --8<-- [start:rope]
def rope_frequencies(d, base=10000.0):
    """theta_i = base^(-2i/d) for the d/2 pairs: fast rotation first, very slow last."""
    return base ** (-np.arange(0, d, 2) / d)


def apply_rope(x, positions, base=10000.0):
    """Rotate pairs (x[2i], x[2i+1]) of x (..., n, d) by positions[m] * theta_i."""
    d = x.shape[-1]
    angles = np.asarray(positions, dtype=float)[:, None] * rope_frequencies(d, base)  # (n, d/2)
    cos, sin = np.cos(angles), np.sin(angles)
    even, odd = x[..., 0::2], x[..., 1::2]
    out = np.empty_like(x, dtype=float)
    out[..., 0::2] = even * cos - odd * sin  # a 2-D rotation of every pair
    out[..., 1::2] = even * sin + odd * cos
    return out


def rope_score(q, k, m, n, base=10000.0):
    """Attention logit (before 1/sqrt(d)) of query q at position m and key k at position n."""
    return float(apply_rope(q[None], [m], base)[0] @ apply_rope(k[None], [n], base)[0])
# --8<-- [end:rope]


# --8<-- [start:sinusoidal]
def sinusoidal_embedding(positions, d, base=10000.0):
    """The original Transformer's absolute encoding: sin on even, cos on odd dimensions."""
    angles = np.asarray(positions, dtype=float)[:, None] * rope_frequencies(d, base)
    pe = np.empty((len(angles), d))
    pe[:, 0::2], pe[:, 1::2] = np.sin(angles), np.cos(angles)
    return pe


def additive_score(x_q, x_k, w_q, w_k, m, n):
    """Logit when the position is added to the token vector before the projections."""
    d = x_q.shape[-1]
    pe = sinusoidal_embedding([m, n], d)
    return float((x_q + pe[0]) @ w_q @ ((x_k + pe[1]) @ w_k))
# --8<-- [end:sinusoidal]


def rope_rotate_half(x, positions, base=10000.0):
    """The Llama / Hugging Face layout: dimension i pairs with i + d/2."""
    d = x.shape[-1]
    angles = np.asarray(positions, dtype=float)[:, None] * rope_frequencies(d, base)
    cos = np.concatenate([np.cos(angles)] * 2, axis=-1)
    sin = np.concatenate([np.sin(angles)] * 2, axis=-1)
    rotated = np.concatenate([-x[..., d // 2:], x[..., : d // 2]], axis=-1)
    return x * cos + rotated * sin


def run(quick=False, figures_dir=None, d=64, seed=0):
    """Scores of one query/key pair at (m, n) and at (m + s, n + s), with RoPE and with added sinusoids."""
    rng = np.random.default_rng(seed)
    q, k = rng.normal(size=(2, d))
    w_q, w_k = rng.normal(size=(2, d, d)) / np.sqrt(d)
    pairs = [(5, 2), (105, 102), (1005, 1002)]  # the same distance, shifted
    result = {
        "rope": [rope_score(q, k, m, n) for m, n in pairs],
        "sinusoidal": [additive_score(q, k, w_q, w_k, m, n) for m, n in pairs],
        "pairs": pairs,
    }
    if figures_dir is not None:
        result["figure"] = plot_score_by_distance(d, Path(figures_dir) / "rope-relative.png", quick)
    return result


def plot_score_by_distance(d, path, quick=False):
    """The RoPE score of a query with an identical key against their distance, at two offsets."""
    import matplotlib.pyplot as plt

    distances = np.arange(0, 200 if quick else 1000)
    v = np.ones(d)  # q = k: the "same token" at distance n - m
    fig, ax = plt.subplots(figsize=(5.5, 3.2))
    for offset, style in ((0, "-"), (3000, ":")):
        scores = [rope_score(v, v, offset + t, offset) for t in distances]
        ax.plot(distances, np.array(scores) / d, style, label=f"query at {offset}+distance, key at {offset}")
    ax.set_xlabel("distance between query and key (tokens)")
    ax.set_ylabel("RoPE score / d")
    ax.set_title("RoPE: the score depends only on the distance")
    ax.legend(fontsize=8)
    return save_figure(fig, path)


def main(argv=None):
    cli = parser(__doc__)
    args = cli.parse_args(argv)
    result = run(quick=args.quick, figures_dir=args.figures)
    for (m, n), r, s in zip(result["pairs"], result["rope"], result["sinusoidal"]):
        print(f"m={m:5d} n={n:5d} (m-n={m - n}): RoPE {r:+.6f}   added sinusoids {s:+.6f}")


if __name__ == "__main__":
    main()
