"""Weight quantization of a small trained model: per-tensor, per-channel and per-group scales.

Trains a small MLP (Keras) on scikit-learn's bundled 8x8 digits, then rounds
its Dense kernels to 8, 4 and 2 bits with symmetric abs-max scales shared
by the whole tensor, by each output channel, or by each group of 16 input
weights of a channel. Every variant is scored on the same held-out digits
and its weight bytes are counted (integer codes plus one fp16 scale per
group). Finally it runs Keras' own `model.quantize("int8")` and
`model.quantize("int4")` on copies of the float model.

    python -m snippets.inference.quantization            # default size
    python -m snippets.inference.quantization --quick    # for the tests

At real scale the same rounding is applied to billions of weights, and the
methods that matter (GPTQ, AWQ) choose the rounding or the scales using
calibration activations instead of rounding each weight to its nearest
level; int4 kernels then read packed 4-bit weights and dequantize on the fly.
"""

import time
import warnings
from pathlib import Path

import numpy as np

from snippets._example import parser, save_figure

SEED = 0
BITS = (8, 4, 2)
GROUP = 16
FIGURES = Path(__file__).resolve().parents[2] / "docs" / "assets" / "figures"


# --8<-- [start:data]
def load_data(seed=SEED):
    """8x8 digits scaled to [0, 1], 80/20 stratified split (ships with scikit-learn, no download)."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    x, y = load_digits(return_X_y=True)
    x = (x / 16.0).astype("float32")
    return train_test_split(x, y, test_size=0.2, stratify=y, random_state=seed)
# --8<-- [end:data]


def train_model(x_train, y_train, epochs=60, seed=SEED):
    import keras

    keras.utils.set_random_seed(seed)
    model = keras.Sequential([
        keras.Input(shape=(64,)),
        keras.layers.Dense(256, activation="relu"),
        keras.layers.Dense(256, activation="relu"),
        keras.layers.Dense(10),
    ])
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=epochs, batch_size=64, verbose=0)
    return model


# --8<-- [start:quantize]
def quantize(w, bits, granularity, group=GROUP):
    """Symmetric abs-max rounding of a (inputs, outputs) kernel; returns (dequantized kernel, number of scales).

    One scale per tensor, per output channel (a column), or per group of
    `group` consecutive input weights within a column. Codes lie in
    [-qmax, qmax] with qmax = 2**(bits-1) - 1: 127, 7, or 1 (ternary) at 2 bits.
    """
    qmax = 2 ** (bits - 1) - 1
    n_in, n_out = w.shape
    if granularity == "tensor":
        blocks = w.reshape(1, -1)                                    # one row: the whole tensor
    elif granularity == "channel":
        blocks = w.T                                                 # one row per output channel
    elif granularity == "group":
        assert n_in % group == 0, f"{n_in} inputs do not split into groups of {group}"
        blocks = w.T.reshape(n_out * n_in // group, group)           # one row per group within a channel
    else:
        raise ValueError(f"granularity must be tensor, channel or group, not {granularity!r}")
    scale = np.abs(blocks).max(axis=1, keepdims=True) / qmax
    scale = np.where(scale == 0, 1.0, scale)                         # an all-zero block stays zero
    codes = np.clip(np.round(blocks / scale), -qmax, qmax)
    deq = codes * scale
    deq = deq.reshape(1, -1).reshape(w.shape) if granularity == "tensor" else deq.reshape(n_out, n_in).T
    return deq.astype(w.dtype), scale.size


def weight_bytes(n_weights, n_scales, bits, scale_bytes=2):
    """Packed integer codes plus one fp16 scale per tensor, channel or group."""
    return n_weights * bits / 8 + n_scales * scale_bytes
# --8<-- [end:quantize]


def kernels(model):
    return [layer for layer in model.layers if hasattr(layer, "kernel")]


def accuracy(model, x, y):
    return float(np.mean(np.argmax(model.predict(x, verbose=0, batch_size=512), axis=1) == y))


# --8<-- [start:evaluate]
def evaluate_grid(model, x_test, y_test, bits_list=BITS, group=GROUP):
    """Accuracy and weight bytes of every (bits, granularity), quantizing every Dense kernel; biases stay float."""
    import keras

    float_weights = model.get_weights()
    n_weights = sum(w.size for w in float_weights if w.ndim == 2)
    rows = [dict(bits=32, granularity="float", accuracy=accuracy(model, x_test, y_test), bytes=n_weights * 4)]
    twin = keras.models.clone_model(model)
    for bits in bits_list:
        for granularity in ("tensor", "channel", "group"):
            new, n_scales = [], 0
            for w in float_weights:
                if w.ndim == 2:                                     # a kernel; 1-D arrays are biases
                    w, n = quantize(w, bits, granularity, group)
                    n_scales += n
                new.append(w)
            twin.set_weights(new)
            rows.append(dict(bits=bits, granularity=granularity, accuracy=accuracy(twin, x_test, y_test),
                             bytes=weight_bytes(n_weights, n_scales, bits)))
    return rows
# --8<-- [end:evaluate]


# --8<-- [start:keras_api]
def keras_quantized(model, mode, x_test, y_test):
    """Keras' own post-training quantization on a copy: model.quantize(mode).

    "int8": each Dense kernel becomes int8 with one abs-max scale per output
    unit, and at call time each input row (token) is quantized to int8 too,
    so the matmul is int8 x int8 (weights and activations, dynamic).
    "int4": weight-only, groups of 128 inputs (block_size=128) with a zero
    point, two codes packed per byte; activations stay float.
    """
    import keras

    copy = keras.models.clone_model(model)
    copy.set_weights(model.get_weights())
    with warnings.catch_warnings():  # the InputLayer has no weights to quantize, and says so
        warnings.simplefilter("ignore", UserWarning)
        copy.quantize(mode)
    first = kernels(copy)[0]
    return dict(mode=mode, accuracy=accuracy(copy, x_test, y_test), kernel_dtype=str(first._kernel.dtype),
                kernel_shape=tuple(first._kernel.shape), scale_shape=tuple(first.kernel_scale.shape),
                policy=first.dtype_policy.name)
# --8<-- [end:keras_api]


def run(quick=False, figures_dir=None):
    """Train once, then score every quantization. Returns a dict of rows and Keras API results."""
    x_train, x_test, y_train, y_test = load_data()
    start = time.perf_counter()
    model = train_model(x_train, y_train, epochs=30 if quick else 60)
    train_seconds = time.perf_counter() - start
    rows = evaluate_grid(model, x_test, y_test)
    keras_rows = [keras_quantized(model, mode, x_test, y_test) for mode in ("int8", "int4")]
    results = dict(rows=rows, keras=keras_rows, train_seconds=train_seconds, model=model,
                   n_test=len(y_test), chance=float(np.max(np.bincount(y_test)) / len(y_test)))
    if figures_dir is not None:
        results["figure"] = Path(figures_dir) / "quantization-granularity.png"
        plot(rows, results["figure"])
    return results


def plot(rows, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.2, 3.2), dpi=110)
    for granularity, marker in (("tensor", "o"), ("channel", "s"), ("group", "^")):
        pts = [(r["bits"], r["accuracy"]) for r in rows if r["granularity"] == granularity]
        ax.plot(*zip(*pts), marker=marker, label=f"per-{granularity}")
    ax.axhline(rows[0]["accuracy"], color="gray", ls="--", lw=1, label="float32")
    ax.set(xlabel="bits per weight", ylabel="held-out accuracy", xticks=list(BITS), ylim=(0, 1.02))
    ax.legend(loc="lower right", fontsize=8)
    save_figure(fig, path, dpi="figure")


def table(results):
    lines = [f"{'bits':>4}  {'scales':<8} {'accuracy':>8} {'KB':>7}"]
    for r in results["rows"]:
        lines.append(f"{r['bits']:>4}  {r['granularity']:<8} {r['accuracy']:>8.3f} {r['bytes'] / 1024:>7.1f}")
    for k in results["keras"]:
        lines.append(f"keras model.quantize({k['mode']!r}): accuracy {k['accuracy']:.3f}, kernel {k['kernel_dtype']} "
                     f"{k['kernel_shape']}, scale {k['scale_shape']}, policy {k['policy']}")
    return "\n".join(lines)


def benchmark():
    """Default size: accuracy of 2- and 4-bit per-group vs per-tensor scales, on held-out digits."""
    r = run(figures_dir=FIGURES)
    acc = {(row["bits"], row["granularity"]): row["accuracy"] for row in r["rows"]}
    common = dict(example="inference/quantization", train_seconds=round(r["train_seconds"], 1))
    return [
        {**common, "metric": f"held-out accuracy, {bits}-bit weights, one scale per {GROUP} weights",
         "value": round(acc[(bits, "group")], 3), "baseline": f"{bits}-bit, one scale per tensor",
         "baseline_value": round(acc[(bits, "tensor")], 3)}
        for bits in (4, 2)
    ] + [{**common, "metric": "held-out accuracy, Keras model.quantize('int8')",
          "value": round(r["keras"][0]["accuracy"], 3), "baseline": "float32 model",
          "baseline_value": round(acc[(32, "float")], 3)}]


def main(argv=None):
    cli = parser(__doc__, quick_help="fewer epochs, for tests")
    args = cli.parse_args(argv)
    results = run(quick=args.quick, figures_dir=args.figures)
    print(table(results))
    return results


if __name__ == "__main__":
    main()
