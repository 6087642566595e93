"""A WaveNet-style autoregressive model of raw waveforms.

WaveNet (van den Oord et al., 2016, https://arxiv.org/abs/1609.03499) models a
waveform one sample at a time: p(x) = prod_t p(x_t | x_<t). It mu-law quantises
the signal to 256 classes, predicts a softmax over the next sample's class and
gets a long receptive field from a stack of dilated causal convolutions with
gated activations, residual and skip connections. This module builds a small
version of that model, trains it on synthetic waveforms (sums of two sines
with random frequencies, amplitudes and phases), checks that it is causal and
that its receptive field is what the formula says, and lets it continue a
waveform it has never seen, sample by sample.

    python -m snippets.audio.wavenet                 # default size, about a minute on 2 CPU cores
    python -m snippets.audio.wavenet --quick         # a few seconds, for tests
    python -m snippets.audio.wavenet --figures DIR   # also draws audio-wavenet.png there

In practice: replace `load_waveforms` with real audio (e.g. 16 kHz speech
cut into fixed-length clips scaled to [-1, 1]), stack more dilation cycles
(WaveNet repeats 1, 2, ..., 512) and condition on text or mel spectrograms
(the Tacotron 2 vocoder setting) through extra inputs to the gates.
"""

import argparse
import time
from pathlib import Path

import numpy as np
import keras
import tensorflow as tf
from keras import layers

FIGURES = Path(__file__).resolve().parents[2] / "docs" / "assets" / "figures"  # where make bench writes
FIGURE = "audio-wavenet.png"

# Periods of up to 40 samples fit in the default receptive field of 65 samples.
DEFAULTS = dict(n_waves=2048, length=192, classes=256, channels=32, dilations=(1, 2, 4, 8, 16, 32), steps=600, batch=32)
QUICK = dict(n_waves=256, length=96, classes=64, channels=24, dilations=(1, 2, 4, 8, 16), steps=150, batch=16)


# --8<-- [start:data]
def load_waveforms(n_waves, length, seed=0):
    """Sums of two sines with random periods (8-40 samples), amplitudes and phases, in [-1, 1].

    This is the only function to change for real audio: return an array of
    shape (n_waves, length) scaled to [-1, 1].
    """
    rng = np.random.default_rng(seed)
    t = np.arange(length)
    periods = rng.uniform(8, 40, size=(n_waves, 2, 1))
    amplitudes = rng.uniform(0.15, 0.45, size=(n_waves, 2, 1))
    phases = rng.uniform(0, 2 * np.pi, size=(n_waves, 2, 1))
    waves = (amplitudes * np.sin(2 * np.pi * t / periods + phases)).sum(axis=1)
    return waves.astype("float32")


def mu_law_encode(x, classes=256):
    """Companding as in WaveNet: more levels near zero, where audio spends most of its time."""
    mu = classes - 1
    y = np.sign(x) * np.log1p(mu * np.abs(x)) / np.log1p(mu)
    return np.clip(np.round((y + 1) / 2 * mu), 0, mu).astype("int32")


def mu_law_decode(q, classes=256):
    mu = classes - 1
    y = 2 * np.asarray(q, "float32") / mu - 1
    return np.sign(y) * ((1 + mu) ** np.abs(y) - 1) / mu
# --8<-- [end:data]


# --8<-- [start:model]
def receptive_field(dilations, kernel_size=2):
    """Number of past samples (including the current one) that one output sees.

    The first causal convolution adds kernel_size - 1, each dilated layer adds
    (kernel_size - 1) * dilation.
    """
    return (kernel_size - 1) * (1 + sum(dilations)) + 1


def build_wavenet(classes, channels, dilations, kernel_size=2):
    """Input: (batch, time) integer classes. Output: (batch, time, classes) logits for x[t+1]."""
    x_in = keras.Input(shape=(None,), dtype="int32")
    h = layers.Embedding(classes, channels)(x_in)  # a learned one-hot: cheaper than a one-hot matmul
    h = layers.Conv1D(channels, kernel_size, padding="causal")(h)
    skips = []
    for d in dilations:
        # "causal" padding pads only on the left, so position t never sees t+1 onwards.
        # One convolution computes both the filter and the gate halves.
        fg = layers.Conv1D(2 * channels, kernel_size, dilation_rate=d, padding="causal")(h)
        f, g = layers.Lambda(lambda a: tf.split(a, 2, axis=-1))(fg)
        z = layers.Multiply()([layers.Activation("tanh")(f), layers.Activation("sigmoid")(g)])  # gated unit
        res, skip = layers.Lambda(lambda a: tf.split(a, 2, axis=-1))(layers.Conv1D(2 * channels, 1)(z))
        skips.append(skip)
        h = layers.Add()([h, res])  # residual connection
    out = layers.Activation("relu")(layers.Add()(skips))
    out = layers.Conv1D(channels, 1, activation="relu")(out)
    logits = layers.Conv1D(classes, 1)(out)
    return keras.Model(x_in, logits, name="wavenet")
# --8<-- [end:model]


# --8<-- [start:train]
def train(model, q, steps, batch, lr=3e-3, seed=0):
    """Teacher forcing: inputs q[:, :-1], targets q[:, 1:], cross-entropy in nats per sample."""
    rng = np.random.default_rng(seed)
    optimizer = keras.optimizers.Adam(lr)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    @tf.function
    def step(x, y):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    history = []
    for _ in range(steps):
        idx = rng.integers(0, len(q), batch)
        history.append(float(step(q[idx, :-1], q[idx, 1:])))
    return history


def nll(model, q):
    """Mean negative log-likelihood (nats per sample) of the next sample on held-out waveforms."""
    logits = model(q[:, :-1], training=False)
    return float(keras.losses.SparseCategoricalCrossentropy(from_logits=True)(q[:, 1:], logits))


def marginal_nll(train_q, test_q, classes):
    """A context-free baseline: the training histogram of classes (add-one smoothed) scored on test."""
    p = np.bincount(train_q.ravel(), minlength=classes) + 1.0
    p /= p.sum()
    return float(-np.log(p[test_q[:, 1:]]).mean())
# --8<-- [end:train]


# --8<-- [start:generate]
def generate(model, prime, n_new, receptive, temperature=1.0, seed=0):
    """Continue integer sequences `prime` (batch, t0) by sampling n_new samples one at a time.

    Each new sample only needs the last `receptive` inputs, so the model is run
    on that window rather than on the whole history (WaveNet implementations
    go further and cache every layer's activations).
    """
    rng = np.random.default_rng(seed)
    window = tf.function(lambda x: model(x, training=False)[:, -1, :])
    seq = np.array(prime, dtype="int32")
    for _ in range(n_new):
        logits = window(seq[:, -receptive:]).numpy() / temperature
        p = np.exp(logits - logits.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        nxt = np.array([rng.choice(p.shape[1], p=row) for row in p], dtype="int32")
        seq = np.concatenate([seq, nxt[:, None]], axis=1)
    return seq
# --8<-- [end:generate]


def causality_gap(model, q, t, seed=0):
    """Largest change of the outputs at positions <= t when inputs after t are randomised."""
    rng = np.random.default_rng(seed)
    changed = q.copy()
    changed[:, t + 1:] = rng.integers(0, model.output_shape[-1], size=changed[:, t + 1:].shape)
    a = model(q, training=False).numpy()[:, : t + 1]
    b = model(changed, training=False).numpy()[:, : t + 1]
    return float(np.abs(a - b).max())


def plot(prime, generated, truth, classes, path):
    import matplotlib.pyplot as plt

    t0 = prime.shape[1]
    fig, axes = plt.subplots(len(generated), 1, figsize=(8, 1.7 * len(generated)), sharex=True)
    for ax, gen, real in zip(np.atleast_1d(axes), generated, truth):
        ax.plot(np.arange(len(real)), mu_law_decode(real, classes), color="0.7", lw=2, label="true continuation")
        ax.plot(np.arange(t0), mu_law_decode(gen[:t0], classes), color="C0", lw=1, label="prompt (real)")
        ax.plot(np.arange(t0, len(gen)), mu_law_decode(gen[t0:], classes), color="C3", lw=1, label="sampled by the model")
        ax.axvline(t0, color="k", lw=0.5, ls="--")
        ax.set_ylim(-1, 1)
    np.atleast_1d(axes)[0].legend(loc="upper left", fontsize=7, ncol=3)
    np.atleast_1d(axes)[-1].set_xlabel("sample index")
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    plt.close(fig)


def run(quick=False, figures_dir=None, seed=0):
    cfg = QUICK if quick else DEFAULTS
    keras.utils.set_random_seed(seed)
    receptive = receptive_field(cfg["dilations"])
    n_new = 96 if quick else 160
    train_q = mu_law_encode(load_waveforms(cfg["n_waves"], cfg["length"], seed), cfg["classes"])
    # Held-out waveforms (another seed), long enough for a prompt of two receptive fields plus the continuation.
    test_q = mu_law_encode(load_waveforms(64, max(cfg["length"], 2 * receptive + n_new), seed + 1), cfg["classes"])
    model = build_wavenet(cfg["classes"], cfg["channels"], cfg["dilations"])
    start = time.perf_counter()
    history = train(model, train_q, cfg["steps"], cfg["batch"], seed=seed)
    seconds = time.perf_counter() - start
    result = dict(
        model=model, receptive=receptive, history=history, train_seconds=seconds,
        test_nll=nll(model, test_q), uniform_nll=float(np.log(cfg["classes"])), test_q=test_q,
        marginal_nll=marginal_nll(train_q, test_q, cfg["classes"]),
        classes=cfg["classes"],
    )
    if figures_dir is not None:
        figure = Path(figures_dir) / FIGURE
        t0 = 2 * receptive
        prime = test_q[:3, :t0]
        gen = generate(model, prime, n_new, receptive, seed=seed)
        plot(prime, gen, test_q[:3, : t0 + n_new], cfg["classes"], figure)
        result["generated"] = gen
    return result


def benchmark():
    r = run(figures_dir=FIGURES)
    entry = dict(example="audio/wavenet", metric="test NLL (nats/sample, 256 mu-law classes)",
                 value=round(r["test_nll"], 3), train_seconds=round(r["train_seconds"], 1))
    return [
        dict(entry, baseline="uniform over 256 classes (log 256)", baseline_value=round(r["uniform_nll"], 3)),
        dict(entry, baseline="context-free class histogram", baseline_value=round(r["marginal_nll"], 3)),
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny model and few steps (seconds)")
    parser.add_argument("--figures", default=None, help="write audio-wavenet.png into this directory")
    args = parser.parse_args(argv)
    r = run(quick=args.quick, figures_dir=args.figures)
    print(f"receptive field: {r['receptive']} samples")
    print(f"train loss: {r['history'][0]:.3f} -> {np.mean(r['history'][-20:]):.3f} nats/sample")
    print(f"test NLL: {r['test_nll']:.3f} nats/sample (uniform: {r['uniform_nll']:.3f}, "
          f"class histogram: {r['marginal_nll']:.3f}); trained in {r['train_seconds']:.1f} s")
    if args.figures:
        print(f"figure: {Path(args.figures) / FIGURE}")


if __name__ == "__main__":
    main()
