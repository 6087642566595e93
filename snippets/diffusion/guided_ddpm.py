"""Classifier-free guidance and DDIM on the project's DDPM, made class-conditional on 8x8 digits.

What it shows, on the DDPM of `snippets/diffusion/ddpm.py` (same schedule, same network):

* condition dropout: during training the class label is replaced by a "null"
  label with probability p_uncond, so one network learns both eps(x_t, t, c)
  and eps(x_t, t, null);
* classifier-free guidance (Ho & Salimans, 2022):
  eps_w = (1 + w) eps(x_t, t, c) - w eps(x_t, t, null); w = 0 is the plain
  conditional model. A larger w gives samples that a classifier recognises as
  the requested class more often, and that vary less within the class;
* DDIM (Song et al., 2021), eta = 0: a deterministic update that only needs
  abar at the current and the next visited step, so 50 of the 200 steps suffice.

A classifier trained on real digits (`ddpm.digit_classifier`) scores the samples.

    python -m snippets.diffusion.guided_ddpm                 # default size, about a minute on 2 CPU cores
    python -m snippets.diffusion.guided_ddpm --quick         # smaller run for tests
    python -m snippets.diffusion.guided_ddpm --figures DIR   # also draws the guidance grid there

At real scale: the label embedding becomes a text encoder's output fed through
cross-attention, p_uncond is 0.1-0.2, guidance scales of about 3-8 (in the
eps_c + s (eps_c - eps_u) convention, s = 1 + w) are usual, and the sampler is
DDIM or a DPM-Solver with 20-50 steps.
"""

import math
import time
from pathlib import Path

import numpy as np
import tensorflow as tf
import keras

from snippets._example import parser, save_figure
from snippets.diffusion.ddpm import (build_model, digit_classifier, frechet_distance, linear_schedule,
                                     load_data, q_sample, timestep_embedding)

FIGURES = Path(__file__).resolve().parents[2] / "docs" / "assets" / "figures"
CLASSES = 10


# --8<-- [start:condition]
def embedding(t, labels):
    """Time embedding and class one-hot side by side: ddpm.build_model feeds this vector
    into every residual block, so the same network becomes class-conditional.
    The null label (-1) is the all-zero one-hot: "no class given"."""
    return tf.concat([timestep_embedding(t), tf.one_hot(labels, CLASSES)], axis=-1)


def make_train_step(model, optimizer, schedule, T, p_uncond):
    @tf.function
    def train_step(x0, labels):
        n = tf.shape(x0)[0]
        t = tf.random.uniform([n], 0, T, dtype=tf.int32)
        noise = tf.random.normal(tf.shape(x0))
        # Condition dropout: with probability p_uncond the label becomes null (-1).
        drop = tf.random.uniform([n]) < p_uncond
        labels = tf.where(drop, -tf.ones_like(labels), labels)
        with tf.GradientTape() as tape:
            pred = model([q_sample(x0, t, noise, schedule), embedding(t, labels)], training=True)
            loss = tf.reduce_mean(tf.square(noise - pred))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    return train_step
# --8<-- [end:condition]


def train(x_train, y_train, epochs=200, T=200, batch_size=128, lr=3e-3, hidden=256, p_uncond=0.2, seed=0):
    """ddpm.train with labels and condition dropout. Returns (model, schedule, losses)."""
    keras.utils.set_random_seed(seed)
    rng = np.random.default_rng(seed)
    schedule = linear_schedule(T)
    model = build_model(x_train.shape[1], hidden=hidden, emb_dim=64 + CLASSES)
    steps = epochs * math.ceil(len(x_train) / batch_size)
    optimizer = keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(lr, steps))
    step = make_train_step(model, optimizer, schedule, T, p_uncond)
    y_train = y_train.astype("int32")
    history = []
    for _ in range(epochs):
        order = rng.permutation(len(x_train))
        losses = [step(x_train[order[i:i + batch_size]], y_train[order[i:i + batch_size]])
                  for i in range(0, len(order), batch_size)]
        history.append(float(np.mean(losses)))
    return model, schedule, history


# --8<-- [start:guidance]
def guided_eps(model, x, t, labels, w):
    """Classifier-free guidance: eps_w = (1 + w) eps(x, t, c) - w eps(x, t, null).

    One batched call computes the conditional and the unconditional prediction."""
    n = tf.shape(x)[0]
    tt = tf.fill([n], t)
    both = model([tf.concat([x, x], 0),
                  embedding(tf.concat([tt, tt], 0), tf.concat([labels, -tf.ones_like(labels)], 0))],
                 training=False)
    eps_c, eps_u = both[:n], both[n:]
    return (1.0 + w) * eps_c - w * eps_u
# --8<-- [end:guidance]


# --8<-- [start:samplers]
def sample_ancestral(model, schedule, labels, w, T, seed=0):
    """ddpm.sample (Ho et al., Algorithm 2) with the guided eps: all T steps."""
    betas, alphas, abars = schedule["betas"], schedule["alphas"], schedule["alpha_bars"]
    labels = tf.constant(labels, tf.int32)
    gen = tf.random.Generator.from_seed(seed)

    @tf.function
    def step(x, t, z):
        eps = guided_eps(model, x, t, labels, w)
        mean = (x - betas[t] / tf.sqrt(1.0 - abars[t]) * eps) / tf.sqrt(alphas[t])
        return mean + tf.sqrt(betas[t]) * z * tf.cast(t > 0, tf.float32)

    x = gen.normal([len(labels), model.input_shape[0][1]])
    for t in range(T - 1, -1, -1):
        x = step(x, tf.constant(t), gen.normal(tf.shape(x)))
    return np.clip(x.numpy(), -1.0, 1.0)


def ddim_steps(T, n_steps):
    """The visited steps, evenly spaced from T-1 down to 0 (0-based, like q_sample)."""
    return np.linspace(T - 1, 0, n_steps).round().astype(int)


def sample_ddim(model, schedule, labels, w, T, n_steps=50, seed=0):
    """DDIM with eta = 0 (Song et al., 2021, Eq. 12), over n_steps of the T training steps.

    From the visited step t to the next visited step s < t:
        x0_hat = (x_t - sqrt(1 - abar_t) eps) / sqrt(abar_t), clipped to [-1, 1]
        x_s    = sqrt(abar_s) x0_hat + sqrt(1 - abar_s) eps
    After the last visited step (t = 0), abar_s = 1: the output is x0_hat itself.
    abar_t must be the value q_sample used to make x_t at this index. Index bugs
    can be silent (both indices one step late still gives digits), so the tests
    check both samplers against exact answers on known distributions.
    """
    abars = schedule["alpha_bars"]
    labels = tf.constant(labels, tf.int32)
    gen = tf.random.Generator.from_seed(seed)

    @tf.function
    def step(x, t, abar_s):
        eps = guided_eps(model, x, t, labels, w)
        abar_t = abars[t]
        x0_hat = (x - tf.sqrt(1.0 - abar_t) * eps) / tf.sqrt(abar_t)
        # Pixels live in [-1, 1]: clip the estimate and make eps agree with it
        # (without this, eta = 0 keeps the small model's errors as grainy noise).
        x0_hat = tf.clip_by_value(x0_hat, -1.0, 1.0)
        eps = (x - tf.sqrt(abar_t) * x0_hat) / tf.sqrt(1.0 - abar_t)
        return tf.sqrt(abar_s) * x0_hat + tf.sqrt(1.0 - abar_s) * eps

    visited = ddim_steps(T, n_steps)
    x = gen.normal([len(labels), model.input_shape[0][1]])
    for i, t in enumerate(visited):
        abar_s = abars[visited[i + 1]] if i + 1 < len(visited) else tf.constant(1.0)
        x = step(x, tf.constant(int(t)), abar_s)
    return np.clip(x.numpy(), -1.0, 1.0)
# --8<-- [end:samplers]


# --8<-- [start:evaluate]
def class_accuracy(clf, images, labels):
    """Share of samples the real-digit classifier assigns to the requested class."""
    return float(np.mean(clf.predict(images) == labels))


def within_class_diversity(images, labels):
    """Mean pairwise Euclidean distance between samples of the same requested class,
    averaged over classes: lower = the samples of a class look more alike."""
    per_class = []
    for c in np.unique(labels):
        x = images[labels == c]
        d2 = np.sum(x**2, 1)[:, None] + np.sum(x**2, 1)[None, :] - 2.0 * x @ x.T
        iu = np.triu_indices(len(x), 1)
        per_class.append(np.mean(np.sqrt(np.maximum(d2[iu], 0.0))))
    return float(np.mean(per_class))
# --8<-- [end:evaluate]


def plot_guidance(path, rows, scales):
    """One row per guidance scale, one column per class."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(len(rows), CLASSES, figsize=(CLASSES * 0.6, len(rows) * 0.65 + 0.1))
    for r, (images, w) in enumerate(zip(rows, scales)):
        for c in range(CLASSES):
            ax = axes[r, c]
            ax.imshow(images[c].reshape(8, 8), cmap="gray_r", vmin=-1, vmax=1)
            ax.set_xticks([]), ax.set_yticks([])
        axes[r, 0].set_ylabel(f"w={w:g}", fontsize=8)
    return save_figure(fig, path)


def run(quick=False, figures_dir=None, seed=0, verbose=True):
    """Train a class-conditional DDPM with condition dropout, then sample every class at
    several guidance scales (ancestral, T steps) and with a 50-step DDIM; score the samples."""
    epochs, hidden, per_class = (40, 128, 20) if quick else (200, 256, 50)
    T, scales = 200, (0.0, 1.0, 3.0)
    x_train, y_train, x_test, y_test = load_data(seed)
    start = time.perf_counter()
    model, schedule, history = train(x_train, y_train, epochs, T, hidden=hidden, seed=seed)
    seconds = time.perf_counter() - start
    clf = digit_classifier(x_train, y_train)
    labels = np.repeat(np.arange(CLASSES), per_class).astype("int32")

    def score(images):
        return {"accuracy": class_accuracy(clf, images, labels),
                "diversity": within_class_diversity(images, labels),
                "frechet": frechet_distance(images, x_test)}

    r = {"history": history, "train_seconds": seconds, "scales": scales, "T": T,
         "ancestral": {}, "ddim": {}, "sample_seconds": {}}
    samples = {}
    for w in scales:
        start = time.perf_counter()
        samples[w] = sample_ancestral(model, schedule, labels, w, T, seed=seed + 1)
        r["sample_seconds"][f"ancestral w={w:g}"] = time.perf_counter() - start
        r["ancestral"][w] = score(samples[w])
    for w in (0.0, 1.0):
        start = time.perf_counter()
        r["ddim"][w] = score(sample_ddim(model, schedule, labels, w, T, 50, seed=seed + 1))
        r["sample_seconds"][f"ddim w={w:g}"] = time.perf_counter() - start
    real = np.concatenate([x_test[y_test == c][:per_class] for c in range(CLASSES)])
    real_labels = np.concatenate([y_test[y_test == c][:per_class] for c in range(CLASSES)])
    r["real"] = {"accuracy": class_accuracy(clf, real, real_labels),
                 "diversity": within_class_diversity(real, real_labels)}
    r["model"], r["schedule"], r["labels"], r["classifier"] = model, schedule, labels, clf
    if verbose:
        print(f"trained in {seconds:.1f} s, loss {history[0]:.3f} -> {history[-1]:.3f}")
        for name in ("ancestral", "ddim"):
            for w, s in r[name].items():
                print(f"{name:9s} w={w:g}: accuracy {s['accuracy']:.3f}, within-class diversity "
                      f"{s['diversity']:.2f}, Fréchet {s['frechet']:.2f}")
        print(f"real held-out digits: accuracy {r['real']['accuracy']:.3f}, diversity {r['real']['diversity']:.2f}")
    if figures_dir is not None:
        first = [samples[w][::per_class] for w in scales]  # the first sample of each class
        r["figures"] = [plot_guidance(Path(figures_dir) / "guided-ddpm-scales.png", first, scales)]
    return r


def benchmark():
    """Default-size run: accuracy and diversity against the guidance scale; DDIM vs ancestral."""
    r = run(figures_dir=FIGURES)
    a, d, t = r["ancestral"], r["ddim"], round(r["train_seconds"], 1)
    entry = {"example": "diffusion/guided_ddpm", "train_seconds": t}
    return [
        {**entry, "metric": "requested-class accuracy, classifier-free guidance w=3",
         "value": round(a[3.0]["accuracy"], 3), "baseline": "no guidance (w=0)",
         "baseline_value": round(a[0.0]["accuracy"], 3)},
        {**entry, "metric": "within-class diversity (mean pairwise distance), w=3",
         "value": round(a[3.0]["diversity"], 2), "baseline": "no guidance (w=0)",
         "baseline_value": round(a[0.0]["diversity"], 2)},
        {**entry, "metric": "requested-class accuracy, 50-step DDIM, w=1",
         "value": round(d[1.0]["accuracy"], 3), "baseline": "200-step ancestral sampler, w=1",
         "baseline_value": round(a[1.0]["accuracy"], 3)},
        {**entry, "metric": "Fréchet distance to held-out digits, 50-step DDIM, w=0 (lower is better)",
         "value": round(d[0.0]["frechet"], 2), "baseline": "200-step ancestral sampler, w=0",
         "baseline_value": round(a[0.0]["frechet"], 2)},
    ]


def main(argv=None):
    args = parser(__doc__).parse_args(argv)
    run(args.quick, args.figures)


if __name__ == "__main__":
    main()
