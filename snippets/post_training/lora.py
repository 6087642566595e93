"""LoRA vs full fine-tuning: what each learns, what each forgets, and merging.

What it shows
- A small MLP (Keras) is pre-trained on task A, scikit-learn's bundled 8x8 digits.
- It is then adapted to task B, the same digits rotated by 90 degrees (same labels,
  a new input distribution), in two ways with the same optimizer, learning rate and
  number of epochs:
  full fine-tuning (every weight trains) and rank-r LoRA through Keras 3's
  `Dense.enable_lora(rank, lora_alpha)` on every Dense layer (kernels and biases frozen;
  only A and B train, B starts at zero so the adapted model starts equal to the base).
- Scored on held-out digits: accuracy on task B (what was learned) and on task A with
  the adapter still active (what was forgotten), plus the count of trainable weights.
- Merging: W' = W + (alpha / r) A B gives a plain model with the same outputs.

Run
    python -m snippets.post_training.lora            # default size, three seeds (about 40 s)
    python -m snippets.post_training.lora --quick    # for the tests

What to change in practice
- In an LLM the adapted matrices are the attention projections (W_q, W_v in the LoRA
  paper; often all linear layers today), r is 8-64 and alpha a small multiple of r;
  Hugging Face PEFT or KerasHub's `backbone.enable_lora(rank)` do the wrapping.
- Forgetting is measured there on held-out general benchmarks, not on one old task.
"""

import time
from pathlib import Path

import numpy as np

from snippets._example import parser, save_figure

FIGURES = Path(__file__).resolve().parents[2] / "docs" / "assets" / "figures"
RANK, ALPHA = 4, 8  # alpha != rank, so a merge that forgets alpha / r is caught by the tests
DEFAULT = dict(width=256, epochs=40, seeds=(0, 1, 2))
QUICK = dict(width=128, epochs=20, seeds=(0,))


# --8<-- [start:data]
def load_tasks(split_seed=0):
    """Task A: 8x8 digits. Task B: the same digits rotated by 90 degrees. One 80/20 split for both."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    x, y = load_digits(return_X_y=True)
    x = (x / 16.0).astype("float32")
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2, stratify=y, random_state=split_seed)
    rotate = lambda a: np.rot90(a.reshape(-1, 8, 8), 1, axes=(1, 2)).reshape(-1, 64).copy()
    return dict(a=(x_train, y_train, x_test, y_test), b=(rotate(x_train), y_train, rotate(x_test), y_test))
# --8<-- [end:data]


def build_mlp(width):
    import keras

    return keras.Sequential([
        keras.Input(shape=(64,)),
        keras.layers.Dense(width, activation="relu"),
        keras.layers.Dense(width, activation="relu"),
        keras.layers.Dense(10),
    ])


def fit(model, x, y, epochs, lr=1e-3):
    import keras

    model.compile(optimizer=keras.optimizers.Adam(lr),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(x, y, epochs=epochs, batch_size=64, verbose=0)
    return model


def accuracy(model, x, y):
    return float((model.predict(x, batch_size=512, verbose=0).argmax(1) == y).mean())


def n_trainable(model):
    return int(sum(np.prod(v.shape) for v in model.trainable_weights))


# --8<-- [start:lora]
def add_lora(base, rank=RANK, alpha=ALPHA):
    """A copy of `base` whose Dense layers train only a rank-r update (alpha / r) * A @ B."""
    model = build_mlp(base.layers[0].units)
    model.set_weights(base.get_weights())
    for layer in model.layers:
        layer.enable_lora(rank, lora_alpha=alpha)  # freezes the kernel; A ~ he_uniform, B = 0
        layer.bias.trainable = False  # as PEFT's default bias="none"
    return model


def merge_lora(model, base):
    """A plain model with W' = W + (alpha / r) A @ B: no extra matmul at inference.

    W comes from `base`: LoRA froze it. (Keras' own `layer.kernel` already returns W', merged.)
    """
    merged = build_mlp(model.layers[0].units)
    for src, w, dst in zip(model.layers, base.layers, merged.layers):
        delta = (src.lora_alpha / src.lora_rank) * (src.lora_kernel_a.numpy() @ src.lora_kernel_b.numpy())
        dst.set_weights([w.kernel.numpy() + delta, w.bias.numpy()])
    return merged
# --8<-- [end:lora]


# --8<-- [start:compare]
def compare(tasks, width, epochs, seed, rank=RANK, alpha=ALPHA):
    """Pre-train on A, then adapt to B by full fine-tuning and by LoRA; score both tasks."""
    import keras

    xa, ya, xa_test, ya_test = tasks["a"]
    xb, yb, xb_test, yb_test = tasks["b"]
    keras.utils.set_random_seed(seed)
    base = fit(build_mlp(width), xa, ya, epochs)
    row = dict(seed=seed, base_a=accuracy(base, xa_test, ya_test), base_b=accuracy(base, xb_test, yb_test))

    keras.utils.set_random_seed(seed)
    full = build_mlp(width)
    full.set_weights(base.get_weights())
    row["full_params"] = n_trainable(full)
    fit(full, xb, yb, epochs)  # same optimizer, learning rate and epochs as LoRA
    row.update(full_a=accuracy(full, xa_test, ya_test), full_b=accuracy(full, xb_test, yb_test))

    keras.utils.set_random_seed(seed)
    lora = add_lora(base, rank, alpha)
    row["lora_params"] = n_trainable(lora)
    row["lora_start_gap"] = float(np.abs(lora.predict(xa_test, verbose=0) - base.predict(xa_test, verbose=0)).max())
    fit(lora, xb, yb, epochs)
    row.update(lora_a=accuracy(lora, xa_test, ya_test), lora_b=accuracy(lora, xb_test, yb_test))
    return row, base, lora
# --8<-- [end:compare]


def run(quick=False, figures_dir=None, seeds=None):
    cfg = dict(QUICK if quick else DEFAULT)
    seeds = cfg["seeds"] if seeds is None else tuple(seeds)
    tasks = load_tasks()
    start = time.perf_counter()
    rows, models = [], None
    for seed in seeds:
        row, base, lora = compare(tasks, cfg["width"], cfg["epochs"], seed)
        rows.append(row)
        models = models or dict(base=base, lora=lora)  # the first seed's models, for the merge check
    train_seconds = time.perf_counter() - start
    mean = {k: float(np.mean([r[k] for r in rows])) for k in rows[0] if k != "seed"}
    results = dict(rows=rows, mean=mean, train_seconds=train_seconds, tasks=tasks, **models,
                   width=cfg["width"], epochs=cfg["epochs"], rank=RANK, alpha=ALPHA)
    if figures_dir is not None:
        results["figure"] = plot(mean, len(rows), Path(figures_dir) / "lora-vs-full.png")
    return results


def plot(mean, n_seeds, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.2, 3.2), dpi=110)
    labels = ["pre-trained", "full fine-tuning", f"LoRA r={RANK}"]
    pos = np.arange(3)
    for k, (task, name) in enumerate((("b", "new task B (rotated)"), ("a", "old task A (digits)"))):
        vals = [mean[f"{m}_{task}"] for m in ("base", "full", "lora")]
        bars = ax.bar(pos + (k - 0.5) * 0.38, vals, 0.38, label=name)
        ax.bar_label(bars, fmt="%.2f", fontsize=8)
    ax.set(xticks=pos, xticklabels=labels, ylabel=f"held-out accuracy (mean of {n_seeds} seeds)", ylim=(0, 1.25))
    ax.legend(loc="upper center", ncol=2, fontsize=8)
    return save_figure(fig, path)


def table(results):
    lines = [f"{'seed':>4} {'base A':>7} {'full B':>7} {'full A':>7} {'LoRA B':>7} {'LoRA A':>7}"]
    for r in results["rows"]:
        lines.append(f"{r['seed']:>4} {r['base_a']:7.3f} {r['full_b']:7.3f} {r['full_a']:7.3f} {r['lora_b']:7.3f} {r['lora_a']:7.3f}")
    m = results["mean"]
    lines.append(f"mean {m['base_a']:7.3f} {m['full_b']:7.3f} {m['full_a']:7.3f} {m['lora_b']:7.3f} {m['lora_a']:7.3f}")
    lines.append(f"trainable weights: full {results['rows'][0]['full_params']:,}, LoRA {results['rows'][0]['lora_params']:,}")
    return "\n".join(lines)


def benchmark():
    """Default size: width-256 MLP, 40 epochs per stage, mean over seeds 0-2."""
    r = run(figures_dir=FIGURES)
    m, row = r["mean"], r["rows"][0]
    common = dict(example="post_training/lora", train_seconds=round(r["train_seconds"], 1))
    return [
        {**common, "metric": f"trainable weights, LoRA r={RANK}", "value": row["lora_params"],
         "baseline": "full fine-tuning", "baseline_value": row["full_params"]},
        {**common, "metric": "new task (rotated digits) held-out accuracy, LoRA, mean of 3 seeds",
         "value": round(m["lora_b"], 3), "baseline": "full fine-tuning", "baseline_value": round(m["full_b"], 3)},
        {**common, "metric": "old task (digits) held-out accuracy after adapting, LoRA, mean of 3 seeds",
         "value": round(m["lora_a"], 3), "baseline": "full fine-tuning", "baseline_value": round(m["full_a"], 3)},
    ]


def main(argv=None):
    args = parser(__doc__).parse_args(argv)
    results = run(quick=args.quick, figures_dir=args.figures)
    print(table(results))
    return results


if __name__ == "__main__":
    main()
