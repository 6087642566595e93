"""Scaling on a toy: held-out loss against model size, and a fitted power law.

What it shows
- Character-level language models (an MLP over the previous 16 characters) of
  increasing width, each trained on the same text for the same number of tokens.
- A straight-line fit of log(loss) against log(parameters): L(N) = (N_c / N)^alpha,
  the form of Kaplan et al. (2020), with the fitted alpha printed beside the
  published exponents.

The corpus is the text of Python's own help topics (the `pydoc_data` module that
ships with every CPython, about 465,000 characters), so nothing is downloaded.

Run
    python -m snippets.llm.scaling --quick     # three sizes, a few seconds
    python -m snippets.llm.scaling             # six sizes (make bench)

What to change in practice
- Real scaling studies train Transformers over 3+ orders of magnitude of parameters
  and data, count non-embedding parameters, tune the learning rate per size, and fit
  L(N, D) = E + A / N^alpha + B / D^beta (Hoffmann et al., 2022). A toy spans one or two
  orders of magnitude and its exponent is not comparable to theirs; only the shape is.
"""

import time
from pathlib import Path

import numpy as np

from snippets._example import parser, save_figure

CONTEXT = 16
FIGURE = "scaling-toy.png"
PUBLISHED = {  # exponents of L against N as published
    "Kaplan et al. 2020, L(N) = (N_c/N)^alpha_N": 0.076,
    "Hoffmann et al. 2022 (Chinchilla), alpha in E + A/N^alpha + B/D^beta": 0.34,
}


# --8<-- [start:data]
def load_corpus():
    """Python's help topics, in a fixed order, as one string (ships with CPython)."""
    from pydoc_data.topics import topics

    return "\n".join(topics[key] for key in sorted(topics))


def make_windows(text, vocab, n, offset=0, context=CONTEXT):
    """n (previous `context` characters -> next character) pairs, starting at `offset`."""
    ids = np.array([vocab.get(c, 0) for c in text], dtype="int32")
    starts = offset + np.arange(n)
    x = ids[starts[:, None] + np.arange(context)]
    y = ids[starts + context]
    return x, y


def load_data(n_train, n_test=20_000):
    """Train on the first 85% of the text, test on the last 15% (never seen)."""
    text = load_corpus()
    vocab = {c: i + 1 for i, c in enumerate(sorted(set(text)))}  # id 0: unknown
    split = int(0.85 * len(text))
    if n_train > split - CONTEXT:
        raise ValueError(f"n_train={n_train} is more than the {split - CONTEXT} training windows")
    rng = np.random.default_rng(0)
    train_starts = rng.choice(split - CONTEXT, size=n_train, replace=False)
    ids = np.array([vocab.get(c, 0) for c in text], dtype="int32")
    x_train = ids[train_starts[:, None] + np.arange(CONTEXT)]
    y_train = ids[train_starts + CONTEXT]
    x_test, y_test = make_windows(text, vocab, n_test, offset=split)
    return (x_train, y_train), (x_test, y_test), len(vocab) + 1
# --8<-- [end:data]


# --8<-- [start:model]
def build_model(width, vocab_size, embed_dim=16):
    """Embed the 16 previous characters, one hidden layer of `width` units, predict the next."""
    import keras

    model = keras.Sequential([
        keras.Input((CONTEXT,), dtype="int32"),
        keras.layers.Embedding(vocab_size, embed_dim),
        keras.layers.Flatten(),
        keras.layers.Dense(width, activation="gelu"),
        keras.layers.Dense(vocab_size),
    ])
    model.compile(optimizer=keras.optimizers.Adam(3e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model
# --8<-- [end:model]


# --8<-- [start:fit]
def fit_power_law(n_params, losses):
    """Least squares of log L = log a - alpha * log N. Returns alpha, a and R^2."""
    x, y = np.log(np.asarray(n_params, float)), np.log(np.asarray(losses, float))
    slope, intercept = np.polyfit(x, y, 1)
    residual = y - (slope * x + intercept)
    r2 = 1 - residual.var() / y.var()
    return {"alpha": float(-slope), "a": float(np.exp(intercept)), "r2": float(r2)}


def sweep(widths, n_train, epochs=1, seed=0):
    """Train one model per width on the same data; held-out loss of each."""
    import keras

    (x, y), (x_test, y_test), vocab_size = load_data(n_train)
    rows = []
    for width in widths:
        keras.utils.set_random_seed(seed)
        model = build_model(width, vocab_size)
        start = time.perf_counter()
        model.fit(x, y, batch_size=256, epochs=epochs, verbose=0)
        rows.append({
            "width": width,
            "params": model.count_params(),
            "test_loss": float(model.evaluate(x_test, y_test, batch_size=1024, verbose=0)),
            "train_seconds": time.perf_counter() - start,
            "tokens": n_train * epochs,
        })
    return rows, vocab_size
# --8<-- [end:fit]


def plot(rows, fit, path):
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FormatStrFormatter

    n = np.array([r["params"] for r in rows], float)
    loss = np.array([r["test_loss"] for r in rows])
    fig, ax = plt.subplots(figsize=(5.5, 3.2))
    ax.loglog(n, loss, "o", label="held-out loss")
    grid = np.geomspace(n.min(), n.max(), 50)
    ax.loglog(grid, fit["a"] * grid ** -fit["alpha"], "--",
              label=f"fit L = a N^-{fit['alpha']:.3f} (R² {fit['r2']:.3f})")
    ax.yaxis.set_major_formatter(FormatStrFormatter("%.1f"))
    ax.yaxis.set_minor_formatter(FormatStrFormatter("%.1f"))
    ax.set_xlabel("parameters N")
    ax.set_ylabel("cross-entropy (nats/char)")
    ax.set_title("Character-level MLPs on Python's help text")
    ax.legend(fontsize=8)
    return save_figure(fig, path)


def run(quick=False, figures_dir=None):
    if quick:
        rows, vocab_size = sweep([8, 32, 128], n_train=30_000)
    else:
        rows, vocab_size = sweep([8, 16, 32, 64, 128, 256], n_train=200_000, epochs=2)
    fit = fit_power_law([r["params"] for r in rows], [r["test_loss"] for r in rows])
    out = {"rows": rows, "fit": fit, "vocab_size": vocab_size,
           "uniform_loss": float(np.log(vocab_size)), "published": PUBLISHED}
    if figures_dir is not None:
        out["figure"] = plot(rows, fit, Path(figures_dir) / FIGURE)
    return out


def benchmark():
    root = Path(__file__).resolve().parents[2]
    r = run(figures_dir=root / "docs/assets/figures")
    seconds = round(sum(row["train_seconds"] for row in r["rows"]), 1)
    entries = [{
        "example": "llm/scaling", "metric": "fitted exponent alpha of L(N) = a N^-alpha",
        "value": round(r["fit"]["alpha"], 3), "baseline": "Kaplan et al. 2020 alpha_N",
        "baseline_value": 0.076, "train_seconds": seconds,
    }]
    for row in r["rows"]:
        entries.append({
            "example": "llm/scaling", "metric": f"held-out loss, width {row['width']} ({row['params']:,} params)",
            "value": round(row["test_loss"], 3), "baseline": "uniform guess ln(V)",
            "baseline_value": round(r["uniform_loss"], 3), "train_seconds": round(row["train_seconds"], 1),
        })
    return entries


def main(argv=None):
    cli = parser(__doc__, quick_help="three sizes on less data")
    args = cli.parse_args(argv)
    r = run(args.quick, args.figures)
    for row in r["rows"]:
        print(f"width {row['width']:4d}: {row['params']:7,d} params, held-out loss "
              f"{row['test_loss']:.3f} nats/char ({row['train_seconds']:.1f} s)")
    f = r["fit"]
    print(f"fit: L = {f['a']:.2f} * N^-{f['alpha']:.3f}, R^2 = {f['r2']:.3f} "
          f"(uniform guess: {r['uniform_loss']:.2f})")
    for name, value in PUBLISHED.items():
        print(f"  published: {name} = {value}")
    return r


if __name__ == "__main__":
    main()
