"""A GAN that learns to draw handwritten digits, with a correct training loop.

What it shows: the alternating discriminator / generator updates of a GAN
(Goodfellow et al., 2014) with the non-saturating generator loss, written as
one `tf.function` train step with two `GradientTape`s, and an outcome check:
a classifier trained on real digits labels the generated samples, and we
report how many of the 10 classes they cover (a cheap stand-in for FID that
exposes mode collapse).

Data: scikit-learn's bundled 8x8 `load_digits` (1,797 images, no download).
`load_data()` is the only function to change to train on MNIST or on your own
images; the models read the image size from the data.

    python -m snippets.gan.digits                  # 2,000 steps
    python -m snippets.gan.digits --quick          # fewer steps, for the tests
    python -m snippets.gan.digits --figures DIR    # also draws gan-digits-samples.png there

In practice: use convolutional models (DCGAN) for images larger than 8x8, a
larger batch, and FID on a held-out set instead of a classifier histogram.
"""

import argparse
import math
import time
from pathlib import Path

import numpy as np
import tensorflow as tf
import keras
from keras import layers

FIGURES = Path(__file__).resolve().parents[2] / "docs/assets/figures"  # where make bench writes
FIGURE = "gan-digits-samples.png"
LATENT_DIM = 32
QUICK = {"steps": 600}  # --quick and the tests


# --8<-- [start:data]
def load_data():
    """Images as float32 in [-1, 1], shape (n, height, width), and int labels.

    The generator ends in tanh, so the real data must live in [-1, 1] too.
    """
    from sklearn.datasets import load_digits

    digits = load_digits()
    images = digits.images.astype("float32") / 16.0 * 2.0 - 1.0  # pixel values are 0..16
    labels = digits.target
    # MNIST instead (downloads 11 MB once; 28x28, values 0..255):
    #   (images, labels), _ = keras.datasets.mnist.load_data()
    #   images = images.astype("float32") / 127.5 - 1.0
    # Your own images: load them into an (n, h, w) array scaled the same way.
    return images, labels
# --8<-- [end:data]


# --8<-- [start:models]
def build_generator(image_shape, latent_dim=LATENT_DIM):
    """z ~ N(0, I) -> image in [-1, 1]."""
    return keras.Sequential(
        [
            keras.Input((latent_dim,)),
            layers.Dense(128),
            layers.LeakyReLU(0.2),
            layers.Dense(256),
            layers.LeakyReLU(0.2),
            layers.Dense(int(np.prod(image_shape)), activation="tanh"),
            layers.Reshape(image_shape),
        ],
        name="generator",
    )


def build_discriminator(image_shape):
    """image -> one logit. No sigmoid: the loss takes logits, which is numerically stable."""
    return keras.Sequential(
        [
            keras.Input(image_shape),
            layers.Flatten(),
            layers.Dense(256),
            layers.LeakyReLU(0.2),
            layers.Dense(128),
            layers.LeakyReLU(0.2),
            layers.Dense(1),
        ],
        name="discriminator",
    )
# --8<-- [end:models]


# --8<-- [start:train_step]
bce = keras.losses.BinaryCrossentropy(from_logits=True)


def make_train_step(generator, discriminator, g_opt, d_opt, latent_dim=LATENT_DIM):
    """One GAN step: update D on real + fake, then G through the (fixed) D."""

    @tf.function  # traced once; an eager GAN step is many times slower
    def train_step(real):
        batch = tf.shape(real)[0]

        # 1) Discriminator: maximise log D(x) + log(1 - D(G(z))).
        z = tf.random.normal((batch, latent_dim))
        with tf.GradientTape() as tape:
            fake = generator(z, training=True)
            real_logits = discriminator(real, training=True)
            fake_logits = discriminator(fake, training=True)
            d_loss = bce(tf.ones_like(real_logits), real_logits) + bce(tf.zeros_like(fake_logits), fake_logits)
        grads = tape.gradient(d_loss, discriminator.trainable_variables)
        d_opt.apply_gradients(zip(grads, discriminator.trainable_variables))

        # 2) Generator, non-saturating loss: maximise log D(G(z)), i.e. label the
        #    fakes "real". The gradient flows through D into G, but only G's
        #    weights are updated.
        z = tf.random.normal((batch, latent_dim))
        with tf.GradientTape() as tape:
            fake_logits = discriminator(generator(z, training=True), training=True)
            g_loss = bce(tf.ones_like(fake_logits), fake_logits)
        grads = tape.gradient(g_loss, generator.trainable_variables)
        g_opt.apply_gradients(zip(grads, generator.trainable_variables))
        return d_loss, g_loss

    return train_step
# --8<-- [end:train_step]


# --8<-- [start:train]
def train(images, steps=2000, batch_size=64, seed=0, log_every=0):
    """Train a GAN on `images`; returns (generator, history of (d_loss, g_loss))."""
    keras.utils.set_random_seed(seed)  # seeds Python, NumPy and TensorFlow
    generator = build_generator(images.shape[1:])
    discriminator = build_discriminator(images.shape[1:])
    # beta_1=0.5 (DCGAN, Radford et al. 2016): less momentum keeps the two
    # players from overshooting each other.
    g_opt = keras.optimizers.Adam(2e-4, beta_1=0.5)
    d_opt = keras.optimizers.Adam(2e-4, beta_1=0.5)
    train_step = make_train_step(generator, discriminator, g_opt, d_opt)

    dataset = (
        tf.data.Dataset.from_tensor_slices(images)
        .shuffle(len(images), seed=seed, reshuffle_each_iteration=True)
        .repeat()
        .batch(batch_size, drop_remainder=True)  # fixed shape: one trace only
    )
    history = []
    for step, real in enumerate(dataset.take(steps), start=1):
        d_loss, g_loss = train_step(real)
        history.append((float(d_loss), float(g_loss)))
        if log_every and step % log_every == 0:
            print(f"step {step:5d}  D loss {d_loss:.3f}  G loss {g_loss:.3f}")
    return generator, np.array(history)


def sample(generator, n, seed=1):
    z = np.random.default_rng(seed).standard_normal((n, generator.input_shape[-1])).astype("float32")
    return generator(z, training=False).numpy()
# --8<-- [end:train]


# --8<-- [start:evaluate]
def fit_digit_classifier(images, labels, seed=0):
    """A classifier trained on REAL digits; it judges what the generator draws."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split

    x = images.reshape(len(images), -1)
    x_tr, x_te, y_tr, y_te = train_test_split(x, labels, test_size=0.25, random_state=seed, stratify=labels)
    clf = LogisticRegression(max_iter=2000).fit(x_tr, y_tr)
    return clf, clf.score(x_te, y_te)


def class_coverage(classifier, samples, n_classes=10):
    """How the generated samples spread over the classes.

    A collapsed generator draws one or two digits: few classes covered, one
    class holding most samples, low entropy. Uniform over 10 classes gives
    entropy log2(10) = 3.32 bits.
    """
    predicted = classifier.predict(samples.reshape(len(samples), -1))
    share = np.bincount(predicted, minlength=n_classes) / len(predicted)
    nonzero = share[share > 0]
    return {
        "classes_covered": int(np.sum(share >= 0.01)),  # at least 1% of the samples
        "max_class_share": float(share.max()),
        "entropy_bits": float(-(nonzero * np.log2(nonzero)).sum()),
        "histogram": share,
    }
# --8<-- [end:evaluate]


# --8<-- [start:plot]
def save_figure(samples, path, rows=8, cols=12):
    """A grid of generated digits."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(rows, cols, figsize=(cols * 0.55, rows * 0.55))
    for ax, image in zip(axes.flat, samples):
        ax.imshow(image, cmap="gray_r", vmin=-1, vmax=1, interpolation="nearest")
        ax.axis("off")
    fig.subplots_adjust(wspace=0.05, hspace=0.05, left=0.01, right=0.99, top=0.99, bottom=0.01)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
# --8<-- [end:plot]


def run(quick=False, figures_dir=None, seed=0, steps=None, n_samples=1000, log_every=0):
    """Train (2,000 steps, or QUICK["steps"] if quick), sample, evaluate; returns a dict of results."""
    steps = steps or (QUICK["steps"] if quick else 2000)
    images, labels = load_data()
    start = time.perf_counter()
    generator, history = train(images, steps=steps, seed=seed, log_every=log_every)
    seconds = time.perf_counter() - start
    samples = sample(generator, n_samples, seed=seed + 1)
    classifier, real_accuracy = fit_digit_classifier(images, labels)
    result = class_coverage(classifier, samples)
    result.update(history=history, train_seconds=seconds, classifier=classifier,
                  classifier_accuracy=real_accuracy, samples=samples)
    if figures_dir is not None:
        save_figure(samples, Path(figures_dir) / FIGURE)
    return result


def benchmark():
    result = run(figures_dir=FIGURES)
    return [
        {
            "example": "gan/digits",
            "metric": "classes covered (of 10)",
            "value": result["classes_covered"],
            "baseline": "real digits",
            "baseline_value": 10,
            "train_seconds": round(result["train_seconds"], 1),
        },
        {
            "example": "gan/digits",
            "metric": "class entropy (bits, max 3.32)",
            "value": round(result["entropy_bits"], 2),
            "baseline": "uniform",
            "baseline_value": round(math.log2(10), 2),
            "train_seconds": round(result["train_seconds"], 1),
        },
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="600 steps instead of 2,000")
    parser.add_argument("--steps", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--figures", default=None, help=f"write {FIGURE} into this directory")
    args = parser.parse_args(argv)
    steps = args.steps or (QUICK["steps"] if args.quick else 2000)
    r = run(figures_dir=args.figures, seed=args.seed, steps=steps, log_every=max(steps // 5, 1))
    print(f"trained {steps} steps in {r['train_seconds']:.1f} s")
    print(f"classifier accuracy on held-out real digits: {r['classifier_accuracy']:.3f}")
    print(f"classes covered: {r['classes_covered']}/10, largest class share {r['max_class_share']:.2f}, "
          f"entropy {r['entropy_bits']:.2f} bits (uniform: {math.log2(10):.2f})")
    print("class histogram:", np.round(r["histogram"], 3))
    if args.figures:
        print(f"figure: {Path(args.figures) / FIGURE}")


if __name__ == "__main__":
    main()
