"""A tiny mixture-of-experts layer with top-k routing and a load-balancing loss.

What it shows
- Top-k routing: a linear router scores every expert for every token (here: every
  image), keeps the k best, renormalises their softmax weights and mixes those
  experts' outputs. The other experts are not used for that token.
- The Switch/GShard load-balancing loss, alpha * E * sum_i f_i * P_i, where f_i is the
  fraction of routing slots sent to expert i and P_i the mean router probability of
  expert i. It is 1 when the load is uniform and grows as the router favours a few.
- The same model trained with and without that loss on scikit-learn's digits: with
  it the experts are used evenly (coefficient of variation of the load near 0),
  without it the router piles tokens onto a few experts, at similar accuracy.

Run
    python -m snippets.llm.moe --quick      # a few seconds on a 2-core CPU

What to change in practice
- Real MoE layers replace the FFN of a Transformer block and route each token.
  They dispatch tokens to experts (gather/scatter or all-to-all across devices)
  instead of running every expert on every token as this toy does for clarity.
- Switch uses alpha = 0.01; the toy uses 0.05 because it trains for seconds, not
  for days.
"""

import time
from pathlib import Path

import numpy as np

FIGURE = "moe-expert-load.png"


# --8<-- [start:data]
def load_data(seed=0):
    """Digits (1,797 8x8 images, shipped with scikit-learn), pixels scaled to [0, 1]."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    x, y = load_digits(return_X_y=True)
    x = (x / 16.0).astype("float32")
    return train_test_split(x, y, test_size=0.25, random_state=seed, stratify=y)
# --8<-- [end:data]


# --8<-- [start:layer]
import keras  # noqa: E402
from keras import ops  # noqa: E402

from snippets._example import parser, save_figure


class TopKMoE(keras.layers.Layer):
    """E small ReLU experts; each input goes through its top-k of them."""

    def __init__(self, num_experts=8, k=2, hidden=32, units=32, balance_weight=0.0, **kwargs):
        super().__init__(**kwargs)
        self.num_experts, self.k, self.hidden, self.units = num_experts, k, hidden, units
        self.balance_weight = balance_weight

    def build(self, input_shape):
        d, e = input_shape[-1], self.num_experts
        self.router = self.add_weight(shape=(d, e), initializer="glorot_uniform", name="router")
        self.w1 = self.add_weight(shape=(e, d, self.hidden), initializer="glorot_uniform", name="w1")
        self.b1 = self.add_weight(shape=(e, self.hidden), initializer="zeros", name="b1")
        self.w2 = self.add_weight(shape=(e, self.hidden, self.units), initializer="glorot_uniform", name="w2")
        self.b2 = self.add_weight(shape=(e, self.units), initializer="zeros", name="b2")

    def route(self, x):
        """Router probabilities (B, E) and the 0/1 mask of each input's top-k experts (B, E)."""
        probs = ops.softmax(ops.matmul(x, self.router), axis=-1)
        _, top = ops.top_k(probs, k=self.k)
        mask = ops.sum(ops.one_hot(top, self.num_experts), axis=1)
        return probs, mask

    def call(self, x):
        probs, mask = self.route(x)
        gates = probs * mask
        gates = gates / ops.sum(gates, axis=-1, keepdims=True)  # renormalise over the k chosen
        # Every expert on every input, for clarity; real layers dispatch only the routed inputs.
        h = ops.relu(ops.einsum("bd,edh->beh", x, self.w1) + self.b1)
        y = ops.einsum("beh,ehu->beu", h, self.w2) + self.b2
        if self.balance_weight:
            self.add_loss(self.balance_weight * load_balancing_loss(probs, mask))
        return ops.einsum("be,beu->bu", gates, y)


def load_balancing_loss(probs, mask):
    """Switch Transformer eq. (4), for top-k: E * sum_i f_i * P_i, equal to 1 when uniform.

    f_i (share of routing slots that went to expert i) comes from an argmax and has no
    gradient; P_i (mean router probability) carries the gradient that evens the load.
    """
    num_experts = ops.shape(probs)[-1]
    f = ops.mean(mask, axis=0) / ops.sum(ops.mean(mask, axis=0))
    p = ops.mean(probs, axis=0)
    return ops.cast(num_experts, probs.dtype) * ops.sum(ops.stop_gradient(f) * p)
# --8<-- [end:layer]


# --8<-- [start:model]
def build_model(balance_weight, num_experts=8, k=2):
    inputs = keras.Input((64,))
    moe = TopKMoE(num_experts=num_experts, k=k, balance_weight=balance_weight, name="moe")
    outputs = keras.layers.Dense(10)(moe(inputs))
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(3e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    return model


def expert_load(model, x):
    """Share of routing slots each expert receives on x (sums to 1)."""
    _, mask = model.get_layer("moe").route(ops.convert_to_tensor(x))
    counts = ops.convert_to_numpy(ops.sum(mask, axis=0))
    return counts / counts.sum()


def load_stats(load, capacity_factor=1.25):
    """Evenness of the load, and the slots a capacity limit would drop.

    With capacity C = capacity_factor * slots / E per expert, an expert that receives
    more than C slots drops the rest (they skip the layer through the residual).
    """
    load = np.asarray(load, dtype="float64")
    e = len(load)
    entropy = float(-(load[load > 0] * np.log(load[load > 0])).sum() / np.log(e))
    dropped = float(np.clip(load - capacity_factor / e, 0, None).sum())
    return {"cv": float(load.std() / load.mean()), "entropy": entropy,
            "dropped_at_capacity": dropped, "max_share": float(load.max())}
# --8<-- [end:model]


# --8<-- [start:train]
def train_pair(epochs=60, balance_weight=0.05, seed=0):
    """Train the same MoE classifier with and without the balancing loss."""
    x_train, x_test, y_train, y_test = load_data(seed)
    results = {}
    for name, weight in (("no_balance", 0.0), ("balance", balance_weight)):
        keras.utils.set_random_seed(seed)  # same initial weights and batches for both
        model = build_model(weight)
        start = time.perf_counter()
        model.fit(x_train, y_train, epochs=epochs, batch_size=64, verbose=0)
        seconds = time.perf_counter() - start
        task_loss, accuracy = model.evaluate(x_test, y_test, verbose=0)[:2]
        if weight:  # evaluate() adds the balancing term; report the task loss alone
            probs, mask = model.get_layer("moe").route(ops.convert_to_tensor(x_test))
            task_loss -= weight * float(load_balancing_loss(probs, mask))
        load = expert_load(model, x_test)
        results[name] = {"test_loss": float(task_loss), "test_accuracy": float(accuracy),
                         "load": load.tolist(), "train_seconds": seconds, **load_stats(load)}
    return results
# --8<-- [end:train]


def plot_load(results, path):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.5, 3.0))
    e = len(results["balance"]["load"])
    width = 0.4
    for i, (name, label) in enumerate((("no_balance", "without balancing loss"),
                                       ("balance", "with balancing loss"))):
        r = results[name]
        ax.bar(np.arange(e) + (i - 0.5) * width, r["load"], width,
               label=f"{label} (CV {r['cv']:.2f})")
    ax.axhline(1 / e, color="grey", linestyle="--", label="uniform 1/E")
    ax.set_xlabel("expert")
    ax.set_ylabel("share of routing slots (test set)")
    ax.set_xticks(range(e))
    ax.legend(fontsize=8)
    return save_figure(fig, path)


def run(quick=False, figures_dir=None):
    results = train_pair(epochs=20 if quick else 60)
    if figures_dir is not None:
        results["figure"] = plot_load(results, Path(figures_dir) / FIGURE)
    return results


def benchmark():
    root = Path(__file__).resolve().parents[2]
    r = run(figures_dir=root / "docs/assets/figures")
    seconds = round(r["balance"]["train_seconds"] + r["no_balance"]["train_seconds"], 1)
    return [
        {"example": "llm/moe", "metric": "CV of expert load (lower is more even)",
         "value": round(r["balance"]["cv"], 3), "baseline": "same MoE without balancing loss",
         "baseline_value": round(r["no_balance"]["cv"], 3), "train_seconds": seconds},
        {"example": "llm/moe", "metric": "test accuracy",
         "value": round(r["balance"]["test_accuracy"], 3), "baseline": "same MoE without balancing loss",
         "baseline_value": round(r["no_balance"]["test_accuracy"], 3), "train_seconds": seconds},
    ]


def main(argv=None):
    cli = parser(__doc__, quick_help="20 epochs instead of 60")
    args = cli.parse_args(argv)
    r = run(args.quick, args.figures)
    for name in ("no_balance", "balance"):
        s = r[name]
        print(f"{name:10s} accuracy {s['test_accuracy']:.3f}  loss {s['test_loss']:.3f}  "
              f"load CV {s['cv']:.2f}  entropy {s['entropy']:.2f}  max share {s['max_share']:.2f}  "
              f"dropped at capacity 1.25 {s['dropped_at_capacity']:.1%}  ({s['train_seconds']:.1f} s)")
    return r


if __name__ == "__main__":
    main()
