"""A minimal denoising diffusion probabilistic model (DDPM) on 8x8 digits.

Everything from Ho et al. (2020) that matters, small enough to read in one go:

* a linear beta schedule and the closed-form forward process
  q(x_t | x_0) = N(sqrt(abar_t) x_0, (1 - abar_t) I);
* a small noise-prediction network eps_theta(x_t, t) with a sinusoidal
  timestep embedding;
* the "simple" loss: MSE between the true and the predicted noise;
* ancestral sampling from x_T ~ N(0, I) down to x_0.

    python -m snippets.diffusion.ddpm                 # default size, about 80 s on 2 CPU cores
    python -m snippets.diffusion.ddpm --quick         # smaller run for tests
    python -m snippets.diffusion.ddpm --figures DIR   # also draws the two figures there

In practice: change `load_data()` for your own images, replace the MLP with a
U-Net for anything larger than 8x8 (Ho et al. use a U-Net with attention), use
T = 1000 steps as in the paper (here T = 200 to keep sampling fast), and keep an
exponential moving average of the weights for sampling.
"""

import argparse
import math
import time
from pathlib import Path

import numpy as np
import tensorflow as tf
import keras
from keras import layers

FIGURES = Path(__file__).resolve().parents[2] / "docs" / "assets" / "figures"  # where make bench writes


# --8<-- [start:data]
def load_data(seed=0):
    """8x8 digits scaled to [-1, 1] (the range the prior N(0, I) is matched to), split 80/20.

    The only function to change for other data. For MNIST (needs a download):
        (x, y), _ = keras.datasets.mnist.load_data(); x = x.reshape(-1, 784) / 127.5 - 1
    """
    from sklearn.datasets import load_digits

    digits = load_digits()
    x = (digits.data / 8.0 - 1.0).astype("float32")
    order = np.random.default_rng(seed).permutation(len(x))
    x, y = x[order], digits.target[order]
    n_test = len(x) // 5
    return x[n_test:], y[n_test:], x[:n_test], y[:n_test]
# --8<-- [end:data]


# --8<-- [start:schedule]
def linear_schedule(T=200):
    """Linear betas, rescaled from the paper's 1e-4..0.02 at T=1000 so that
    abar_T is still ~0 (x_T is pure noise) with fewer steps."""
    scale = 1000.0 / T
    betas = np.linspace(scale * 1e-4, scale * 0.02, T, dtype=np.float64)
    alphas = 1.0 - betas
    alpha_bars = np.cumprod(alphas)
    return {name: tf.constant(v, tf.float32)
            for name, v in (("betas", betas), ("alphas", alphas), ("alpha_bars", alpha_bars))}


def q_sample(x0, t, noise, schedule):
    """Jump straight to step t: x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps.

    t is 0-based here (t=0 is the first noising step).
    """
    abar = tf.gather(schedule["alpha_bars"], t)[:, None]
    return tf.sqrt(abar) * x0 + tf.sqrt(1.0 - abar) * noise
# --8<-- [end:schedule]


# --8<-- [start:model]
def timestep_embedding(t, dim=64):
    """Transformer-style sinusoidal embedding of the integer step t."""
    half = dim // 2
    freqs = tf.exp(-math.log(10_000.0) * tf.range(half, dtype=tf.float32) / half)
    args = tf.cast(t, tf.float32)[:, None] * freqs[None, :]
    return tf.concat([tf.sin(args), tf.cos(args)], axis=-1)


def build_model(data_dim=64, hidden=256, emb_dim=64, blocks=3):
    """eps_theta(x_t, t): an MLP with residual blocks; the time embedding is
    added inside every block so each layer knows the noise level."""
    x_in = keras.Input(shape=(data_dim,))
    t_emb = keras.Input(shape=(emb_dim,))
    temb = layers.Dense(hidden, activation="silu")(t_emb)
    h = layers.Dense(hidden)(x_in)
    for _ in range(blocks):
        r = layers.Activation("silu")(layers.Add()([h, layers.Dense(hidden)(temb)]))
        r = layers.Dense(hidden, activation="silu")(r)
        h = layers.Add()([h, layers.Dense(hidden)(r)])
    # Linear output: predicted noise is unbounded.
    out = layers.Dense(data_dim)(layers.Activation("silu")(h))
    return keras.Model([x_in, t_emb], out, name="eps_model")
# --8<-- [end:model]


# --8<-- [start:train]
def make_train_step(model, optimizer, schedule, T):
    @tf.function  # eager steps are several times slower
    def train_step(x0):
        n = tf.shape(x0)[0]
        t = tf.random.uniform([n], 0, T, dtype=tf.int32)  # one random step per example
        noise = tf.random.normal(tf.shape(x0))
        with tf.GradientTape() as tape:
            pred = model([q_sample(x0, t, noise, schedule), timestep_embedding(t)], training=True)
            loss = tf.reduce_mean(tf.square(noise - pred))  # L_simple
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    return train_step


def train(x_train, epochs=300, T=200, batch_size=128, lr=3e-3, hidden=256, seed=0):
    """Returns (model, schedule, per-epoch mean losses)."""
    keras.utils.set_random_seed(seed)
    rng = np.random.default_rng(seed)
    schedule = linear_schedule(T)
    model = build_model(x_train.shape[1], hidden=hidden)
    steps = epochs * math.ceil(len(x_train) / batch_size)
    # Cosine decay: a smaller step size late in training lowers the final loss.
    # (Ho et al. also sample with an EMA of the weights; at this size it made no
    # measurable difference, so it is left out.)
    optimizer = keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(lr, steps))
    step = make_train_step(model, optimizer, schedule, T)
    history = []
    for _ in range(epochs):
        order = rng.permutation(len(x_train))
        losses = [step(x_train[order[i:i + batch_size]]) for i in range(0, len(order), batch_size)]
        history.append(float(np.mean(losses)))
    return model, schedule, history
# --8<-- [end:train]


# --8<-- [start:sample]
def sample(model, schedule, n, T, seed=0, keep=()):
    """Ancestral sampling (Ho et al., Algorithm 2), from x_T ~ N(0, I) to x_0.

    x_{t-1} = (x_t - beta_t / sqrt(1 - abar_t) * eps_theta(x_t, t)) / sqrt(alpha_t) + sigma_t z
    with sigma_t^2 = beta_t and no noise on the last step. `keep` lists the
    steps whose x_t is also returned (for plotting the reverse process).
    """
    gen = tf.random.Generator.from_seed(seed)
    betas, alphas, abars = schedule["betas"], schedule["alphas"], schedule["alpha_bars"]

    @tf.function
    def reverse_step(x, t, z):
        tt = tf.fill([n], t)
        eps = model([x, timestep_embedding(tt)], training=False)
        mean = (x - betas[t] / tf.sqrt(1.0 - abars[t]) * eps) / tf.sqrt(alphas[t])
        return mean + tf.sqrt(betas[t]) * z * tf.cast(t > 0, tf.float32)

    x = gen.normal([n, model.input_shape[0][1]])
    snapshots = {T: x.numpy()}
    for t in range(T - 1, -1, -1):
        x = reverse_step(x, tf.constant(t), gen.normal(tf.shape(x)))
        if t in keep:
            snapshots[t] = x.numpy()
    return np.clip(x.numpy(), -1.0, 1.0), snapshots
# --8<-- [end:sample]


# --8<-- [start:evaluate]
def frechet_distance(a, b):
    """Fréchet distance between Gaussians fitted to two sets of vectors (FID's
    formula, here directly on the 64 pixels instead of Inception features)."""
    from scipy import linalg

    mu_a, mu_b = a.mean(0), b.mean(0)
    # A tiny ridge: corner pixels of the digits are always 0, so the raw
    # covariances are singular and sqrtm would be unstable.
    ridge = 1e-6 * np.eye(a.shape[1])
    cov_a, cov_b = np.cov(a, rowvar=False) + ridge, np.cov(b, rowvar=False) + ridge
    covmean = linalg.sqrtm(cov_a @ cov_b).real
    return float(np.sum((mu_a - mu_b) ** 2) + np.trace(cov_a + cov_b - 2.0 * covmean))


def nearest_neighbour_distance(images, reference):
    """Mean Euclidean distance from each image to its closest reference image.

    Small = lies near real digits; ~0 would mean the model copies training data.
    """
    d2 = (np.sum(images**2, 1)[:, None] + np.sum(reference**2, 1)[None, :]
          - 2.0 * images @ reference.T)
    return float(np.mean(np.sqrt(np.maximum(d2.min(axis=1), 0.0))))


def digit_classifier(x_train, y_train):
    """Logistic regression on real digits, used only to judge samples."""
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(max_iter=2000).fit(x_train, y_train)


def classifier_confidence(clf, images):
    """Mean top-class probability. Kept to show a trap: the classifier is also
    fairly confident on pure noise, so confidence alone proves little."""
    return float(np.mean(clf.predict_proba(images).max(axis=1)))


def baselines(x_train, n, seed=0):
    """Two reference 'generators': the prior itself (x_T, clipped) and a single
    Gaussian fitted to the training pixels (matches mean and covariance exactly)."""
    rng = np.random.default_rng(seed)
    noise = np.clip(rng.standard_normal((n, x_train.shape[1])), -1, 1)
    gauss = rng.multivariate_normal(x_train.mean(0), np.cov(x_train, rowvar=False), n)
    return {"noise": noise.astype("float32"), "gaussian": np.clip(gauss, -1, 1).astype("float32")}
# --8<-- [end:evaluate]


def plot_forward_reverse(path, x0, schedule, reverse_snapshots, steps):
    """Top row: q(x_t | x_0) for one real digit. Bottom row: one reverse trajectory."""
    import matplotlib.pyplot as plt

    noise = np.random.default_rng(0).standard_normal(x0.shape).astype("float32")
    fig, axes = plt.subplots(2, len(steps), figsize=(len(steps) * 0.9, 2.2))
    for c, s in enumerate(steps):
        if s == 0:
            forward = x0
        else:
            forward = q_sample(x0[None], tf.constant([s - 1]), noise[None], schedule).numpy()[0]
        for r, (image, label) in enumerate(((forward, f"t={s}"), (reverse_snapshots[s][0], None))):
            ax = axes[r, c]
            ax.imshow(np.clip(image, -1, 1).reshape(8, 8), cmap="gray_r", vmin=-1, vmax=1)
            ax.set_xticks([]), ax.set_yticks([])
            if label:
                ax.set_title(label, fontsize=8)
    axes[0, 0].set_ylabel("forward", fontsize=8)
    axes[1, 0].set_ylabel("reverse", fontsize=8)
    fig.tight_layout(pad=0.2)
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_samples(path, samples, real, cols=10):
    """First row: real held-out digits for reference; then generated samples."""
    import matplotlib.pyplot as plt

    images = list(real[:cols]) + list(samples)
    rows = len(images) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(cols * 0.75, rows * 0.75 + 0.2),
                             gridspec_kw={"hspace": 0.15, "wspace": 0.15})
    for i, (ax, image) in enumerate(zip(axes.ravel(), images)):
        ax.imshow(image.reshape(8, 8), cmap="gray_r", vmin=-1, vmax=1)
        ax.set_xticks([]), ax.set_yticks([])
        if i < cols:  # frame the reference row in colour
            for spine in ax.spines.values():
                spine.set_edgecolor("tab:blue"), spine.set_linewidth(2)
    axes[0, 0].set_ylabel("real", fontsize=8)
    axes[1, 0].set_ylabel("DDPM", fontsize=8)
    fig.subplots_adjust(left=0.06, right=0.99, top=0.99, bottom=0.01)
    fig.savefig(path, dpi=100)
    plt.close(fig)


def run(quick=False, figures_dir=None, epochs=None, T=200, n_samples=None, seed=0, verbose=True):
    """Train (300 epochs and 500 samples; quick: 40 and 200), sample, score samples against
    held-out digits and two baselines; write the figures into figures_dir if given."""
    epochs, n_samples = epochs or (40 if quick else 300), n_samples or (200 if quick else 500)
    x_train, y_train, x_test, y_test = load_data(seed)
    start = time.perf_counter()
    model, schedule, history = train(x_train, epochs, T, seed=seed)
    seconds = time.perf_counter() - start
    steps = [0, T // 20, T // 10, T // 4, T // 2, 3 * T // 4, T]
    samples, snapshots = sample(model, schedule, n_samples, T, seed=seed, keep=set(steps))

    r = {"history": history, "loss_first": history[0], "loss_last": history[-1],
         "train_seconds": seconds, "scores": {}}
    # "real": a second set of real digits (training images), the best achievable.
    sets = {"samples": samples, "real": x_train[:len(x_test)], **baselines(x_train, n_samples, seed)}
    clf = digit_classifier(x_train, y_train)
    for name, images in sets.items():
        reference = x_train[len(x_test):] if name == "real" else x_train  # never its own neighbour
        r["scores"][name] = {
            "frechet": frechet_distance(images, x_test),
            "nn_distance": nearest_neighbour_distance(images, reference),
            "confidence": classifier_confidence(clf, images),
        }
    if verbose:
        print(f"loss {history[0]:.3f} -> {history[-1]:.3f} in {seconds:.1f} s")
        for name, sc in r["scores"].items():
            print(f"{name:8s}: Fréchet distance {sc['frechet']:6.2f}, nearest-neighbour "
                  f"distance {sc['nn_distance']:.2f}, classifier confidence {sc['confidence']:.2f}")
    if figures_dir is not None:
        figures_dir = Path(figures_dir)
        figures_dir.mkdir(parents=True, exist_ok=True)
        r["figures"] = [figures_dir / "diffusion-forward-reverse.png", figures_dir / "diffusion-samples.png"]
        plot_forward_reverse(r["figures"][0], x_train[0], schedule, snapshots, steps)
        one_per_class = x_test[[int(np.flatnonzero(y_test == d)[0]) for d in range(10)]]
        plot_samples(r["figures"][1], samples[:50], one_per_class)
    return r


def benchmark():
    """Default-size run. Metric: pixel-space Fréchet distance to held-out digits (lower is better)."""
    r = run(figures_dir=FIGURES)
    sc = r["scores"]
    entry = {"example": "diffusion/ddpm", "train_seconds": round(r["train_seconds"], 1)}
    return [
        {**entry, "metric": "Fréchet distance to held-out digits, pixel space (lower is better)",
         "value": round(sc["samples"]["frechet"], 2),
         "baseline": "Gaussian noise (x_T)", "baseline_value": round(sc["noise"]["frechet"], 2)},
        {**entry, "metric": "nearest-neighbour distance to training digits (lower is better)",
         "value": round(sc["samples"]["nn_distance"], 2),
         "baseline": "Gaussian fitted to the pixels", "baseline_value": round(sc["gaussian"]["nn_distance"], 2)},
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer epochs and samples, for tests")
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--steps", type=int, default=200, help="diffusion steps T")
    parser.add_argument("--figures", default=None, help="write the two figures into this directory")
    args = parser.parse_args(argv)
    run(args.quick, args.figures, epochs=args.epochs, T=args.steps)


if __name__ == "__main__":
    main()
