"""SRGAN-style 2x super-resolution, trained and evaluated on real pictures.

What it shows: a super-resolution GAN whose generator TAKES THE LOW-RESOLUTION
IMAGE (not noise) and predicts the missing detail as a residual over bicubic
upsampling, with sub-pixel convolution (`tf.nn.depth_to_space`) for the
upsampling step. The loss is a content loss (L1) plus a small adversarial
loss (weight 1e-3, as in SRGAN) from a patch discriminator. Evaluation is on
held-out pictures never seen in training, against bicubic upsampling, with
pooled PSNR and SSIM.

Data: grayscale pictures bundled with scikit-image (no download). Training
pairs are made by cutting high-resolution (HR) patches and downsampling them;
`load_pictures()` is the only function to change to train on your own images.

    python -m snippets.gan.super_resolution                 # default size
    python -m snippets.gan.super_resolution --quick         # fewer steps, for the tests
    python -m snippets.gan.super_resolution --figures DIR   # also draws gan-super-resolution.png there

In practice: SRGAN (Ledig et al., 2017) adds a VGG feature ("perceptual")
loss, which needs ImageNet weights we cannot download here; use RGB, 4x,
16+ residual blocks, hundreds of thousands of steps, and realistic
degradations (blur, noise, JPEG) if the inputs are real photos (Real-ESRGAN).
"""

import argparse
import time
from pathlib import Path

import numpy as np
import tensorflow as tf
import keras
from keras import layers

FIGURES = Path(__file__).resolve().parents[2] / "docs/assets/figures"  # where make bench writes
FIGURE = "gan-super-resolution.png"
SCALE = 2
DEFAULTS = {"steps": 1000, "n_patches": 8000}
QUICK = {"steps": 200, "n_patches": 2000}  # --quick and the tests
# Different pictures for training and evaluation: the test measures generalisation.
TRAIN_PICTURES = ("camera", "astronaut", "coffee", "brick", "grass", "rocket", "immunohistochemistry", "page")
TEST_PICTURES = ("chelsea", "coins", "moon", "gravel")


# --8<-- [start:data]
def load_pictures(names):
    """Grayscale float32 images in [0, 1], one array per name.

    These pictures ship inside scikit-image (no network). For your own data,
    return a list of 2-D float arrays in [0, 1] instead.
    """
    import skimage.data
    from skimage.color import rgb2gray

    images = []
    for name in names:
        image = getattr(skimage.data, name)()
        image = rgb2gray(image) if image.ndim == 3 else image / 255.0
        images.append(image.astype("float32"))
    return images


def downsample(hr, scale=SCALE):
    """The degradation we learn to invert: antialiased bicubic downsampling.

    hr: (batch, H, W, 1) tensor. A model trained on this exact degradation
    does worse on real low-quality photos (blur, noise, JPEG): see Real-ESRGAN.
    """
    h, w = hr.shape[1] // scale, hr.shape[2] // scale
    return tf.image.resize(hr, (h, w), method="bicubic", antialias=True)


def bicubic_upsample(lr, scale=SCALE):
    h, w = lr.shape[1] * scale, lr.shape[2] * scale
    return tf.image.resize(lr, (h, w), method="bicubic")


def random_patches(images, n, size=32, seed=0):
    """n random size x size HR patches with random flips and 90-degree rotations."""
    rng = np.random.default_rng(seed)
    patches = np.empty((n, size, size, 1), "float32")
    for i in range(n):
        image = images[rng.integers(len(images))]
        y = rng.integers(image.shape[0] - size + 1)
        x = rng.integers(image.shape[1] - size + 1)
        patch = np.rot90(image[y : y + size, x : x + size], k=rng.integers(4))
        patches[i, ..., 0] = patch[:, ::-1] if rng.random() < 0.5 else patch
    return patches
# --8<-- [end:data]


# --8<-- [start:generator]
def residual_block(x, filters):
    y = layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
    y = layers.Conv2D(filters, 3, padding="same")(y)
    return layers.Add()([x, y])


def build_generator(filters=32, blocks=3, scale=SCALE):
    """LR image -> HR image. Fully convolutional, so any input size works.

    The network works at low resolution (cheap) and predicts only the detail
    that bicubic upsampling misses; sub-pixel convolution (conv to
    scale^2 channels + depth_to_space) does the learned upsampling without
    the checkerboard artefacts of strided transposed convolutions.
    """
    lr = keras.Input((None, None, 1))
    x = first = layers.Conv2D(filters, 3, padding="same", activation="relu")(lr)
    for _ in range(blocks):
        x = residual_block(x, filters)
    x = layers.Add()([first, layers.Conv2D(filters, 3, padding="same")(x)])
    x = layers.Conv2D(scale * scale, 3, padding="same")(x)
    residual = layers.Lambda(lambda t: tf.nn.depth_to_space(t, scale))(x)
    base = layers.Lambda(
        lambda t: tf.image.resize(t, tf.shape(t)[1:3] * scale, method="bicubic")
    )(lr)
    hr = layers.Add()([base, residual])
    return keras.Model(lr, hr, name="generator")
# --8<-- [end:generator]


# --8<-- [start:discriminator]
def build_discriminator(filters=32):
    """HR image -> a grid of real/fake logits, one per receptive field (a "patch" D).

    A patch discriminator judges local texture, which is what SR has to invent.
    """
    return keras.Sequential(
        [
            keras.Input((None, None, 1)),
            layers.Conv2D(filters, 3, padding="same"),
            layers.LeakyReLU(0.2),
            layers.Conv2D(filters, 3, strides=2, padding="same"),
            layers.LeakyReLU(0.2),
            layers.Conv2D(2 * filters, 3, strides=2, padding="same"),
            layers.LeakyReLU(0.2),
            layers.Conv2D(1, 3, padding="same"),
        ],
        name="discriminator",
    )
# --8<-- [end:discriminator]


# --8<-- [start:train_step]
bce = keras.losses.BinaryCrossentropy(from_logits=True)


def make_train_step(generator, discriminator, g_opt, d_opt, adv_weight=1e-3):
    @tf.function
    def train_step(hr):
        lr = downsample(hr)
        # One generator forward pass serves both updates (two tapes record it);
        # SR generators are the expensive half of the step.
        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            sr = generator(lr, training=True)
            real_logits = discriminator(hr, training=True)
            fake_logits = discriminator(sr, training=True)
            # Discriminator: real HR patches -> 1, generated ones -> 0.
            d_loss = bce(tf.ones_like(real_logits), real_logits) + bce(tf.zeros_like(fake_logits), fake_logits)
            # Generator: stay close to the HR image (content) and fool D
            # (adversarial, non-saturating). The small weight keeps the content
            # loss in charge; raise it for sharper but less faithful textures.
            content = tf.reduce_mean(tf.abs(sr - hr))
            adversarial = bce(tf.ones_like(fake_logits), fake_logits)
            g_loss = content + adv_weight * adversarial
        d_grads = d_tape.gradient(d_loss, discriminator.trainable_variables)
        g_grads = g_tape.gradient(g_loss, generator.trainable_variables)
        d_opt.apply_gradients(zip(d_grads, discriminator.trainable_variables))
        g_opt.apply_gradients(zip(g_grads, generator.trainable_variables))
        return d_loss, content, adversarial

    return train_step
# --8<-- [end:train_step]


# --8<-- [start:train]
def train(train_images, steps=1000, batch_size=16, patch=32, n_patches=8000, filters=32, blocks=3,
          adv_weight=1e-3, seed=0, log_every=0):
    """Returns (generator, history rows of (d_loss, content, adversarial))."""
    keras.utils.set_random_seed(seed)
    patches = random_patches(train_images, n_patches, size=patch, seed=seed)
    generator, discriminator = build_generator(filters, blocks), build_discriminator(filters)
    g_opt = keras.optimizers.Adam(1e-3)
    d_opt = keras.optimizers.Adam(1e-4)
    train_step = make_train_step(generator, discriminator, g_opt, d_opt, adv_weight)
    dataset = (
        tf.data.Dataset.from_tensor_slices(patches)
        .shuffle(n_patches, seed=seed)
        .repeat()
        .batch(batch_size, drop_remainder=True)
    )
    history = []
    for step, hr in enumerate(dataset.take(steps), start=1):
        losses = train_step(hr)
        history.append([float(v) for v in losses])
        if log_every and step % log_every == 0:
            d, c, a = history[-1]
            print(f"step {step:5d}  D {d:.3f}  content L1 {c:.4f}  adversarial {a:.3f}")
    return generator, np.array(history)
# --8<-- [end:train]


# --8<-- [start:evaluate]
def pooled_psnr(predictions, targets, data_range=1.0):
    """PSNR from the squared error pooled over ALL pixels of ALL images.

    Averaging per-patch PSNRs instead is biased, and a flat patch that is
    reconstructed exactly has MSE 0 and PSNR = inf, which wrecks the mean.
    """
    se = sum(float(np.sum((p - t) ** 2)) for p, t in zip(predictions, targets))
    n = sum(t.size for t in targets)
    return 10 * np.log10(data_range**2 / (se / n))


def mean_ssim(predictions, targets):
    from skimage.metrics import structural_similarity

    return float(np.mean([structural_similarity(p, t, data_range=1.0) for p, t in zip(predictions, targets)]))


def evaluate(generator, test_images, scale=SCALE, border=4):
    """Super-resolve whole held-out pictures; compare with bicubic.

    Each picture is cropped to a multiple of `scale`, downsampled, then
    upsampled by bicubic and by the model. `border` pixels are shaved before
    scoring, as is customary, because no method sees beyond the image edge.
    """
    outputs = {"bicubic": [], "model": [], "hr": [], "lr": []}
    for image in test_images:
        h, w = (image.shape[0] // scale) * scale, (image.shape[1] // scale) * scale
        hr = tf.constant(image[None, :h, :w, None])
        lr = downsample(hr, scale)
        crop = (slice(border, -border), slice(border, -border))
        outputs["bicubic"].append(np.clip(bicubic_upsample(lr, scale)[0, ..., 0].numpy(), 0, 1)[crop])
        outputs["model"].append(np.clip(generator(lr, training=False)[0, ..., 0].numpy(), 0, 1)[crop])
        outputs["hr"].append(image[:h, :w][crop])
        outputs["lr"].append(lr[0, ..., 0].numpy())
    metrics = {
        f"{kind}_{name}": fn(outputs[kind], outputs["hr"])
        for kind in ("bicubic", "model")
        for name, fn in (("psnr", pooled_psnr), ("ssim", mean_ssim))
    }
    return metrics, outputs
# --8<-- [end:evaluate]


# --8<-- [start:plot]
def save_figure(outputs, path, names=TEST_PICTURES, crops=((40, 170), (20, 30)), size=96, scale=SCALE, border=4):
    """LR (nearest-neighbour) / bicubic / model / HR for a crop of the first held-out pictures.

    Titles give each method's PSNR on the whole picture, not just the crop.
    """
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(len(crops), 4, figsize=(8, 2.25 * len(crops)))
    for row, (y, x) in enumerate(crops):
        window = (slice(y, y + size), slice(x, x + size))
        hr = outputs["hr"][row]
        # The LR image was not shaved: shift by border/scale to line up with the HR crop.
        ly, lx = (y + border) // scale, (x + border) // scale
        lr = outputs["lr"][row][ly : ly + size // scale, lx : lx + size // scale]
        panels = [
            ("LR input (nearest)", np.kron(lr, np.ones((scale, scale)))),
            (f"bicubic: {pooled_psnr([outputs['bicubic'][row]], [hr]):.2f} dB", outputs["bicubic"][row][window]),
            (f"ours: {pooled_psnr([outputs['model'][row]], [hr]):.2f} dB", outputs["model"][row][window]),
            (f"HR ({names[row]})", hr[window]),
        ]
        for ax, (title, image) in zip(axes[row], panels):
            ax.imshow(image, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
            ax.set_title(title, fontsize=9)
            ax.axis("off")
    fig.tight_layout()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
# --8<-- [end:plot]


def run(quick=False, figures_dir=None, seed=0, steps=None, n_patches=None, log_every=0, **train_kwargs):
    """Train (the default size, or QUICK if quick), evaluate on the held-out pictures; returns a dict."""
    size = QUICK if quick else DEFAULTS
    steps, n_patches = steps or size["steps"], n_patches or size["n_patches"]
    start = time.perf_counter()
    generator, history = train(load_pictures(TRAIN_PICTURES), steps=steps, n_patches=n_patches, seed=seed,
                               log_every=log_every, **train_kwargs)
    seconds = time.perf_counter() - start
    metrics, outputs = evaluate(generator, load_pictures(TEST_PICTURES))
    if figures_dir is not None:
        save_figure(outputs, Path(figures_dir) / FIGURE)
    return dict(metrics, history=history, train_seconds=seconds)


def benchmark():
    r = run(figures_dir=FIGURES)
    seconds = round(r["train_seconds"], 1)
    return [
        {"example": "gan/super_resolution", "metric": "PSNR (dB), 2x, held-out pictures",
         "value": round(r["model_psnr"], 2), "baseline": "bicubic",
         "baseline_value": round(r["bicubic_psnr"], 2), "train_seconds": seconds},
        {"example": "gan/super_resolution", "metric": "SSIM, 2x, held-out pictures",
         "value": round(r["model_ssim"], 4), "baseline": "bicubic",
         "baseline_value": round(r["bicubic_ssim"], 4), "train_seconds": seconds},
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer steps and patches, for tests")
    parser.add_argument("--steps", type=int, default=None)
    parser.add_argument("--adv-weight", type=float, default=1e-3,
                        help="weight of the adversarial loss; 0 trains a plain L1 (PSNR-oriented) network")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--figures", default=None, help=f"write {FIGURE} into this directory")
    args = parser.parse_args(argv)
    steps = args.steps or (QUICK if args.quick else DEFAULTS)["steps"]
    r = run(args.quick, args.figures, seed=args.seed, steps=steps, log_every=max(steps // 5, 1),
            adv_weight=args.adv_weight)
    print(f"trained {steps} steps in {r['train_seconds']:.1f} s")
    print(f"held-out PSNR: model {r['model_psnr']:.2f} dB, bicubic {r['bicubic_psnr']:.2f} dB")
    print(f"held-out SSIM: model {r['model_ssim']:.4f}, bicubic {r['bicubic_ssim']:.4f}")
    if args.figures:
        print(f"figure: {Path(args.figures) / FIGURE}")


if __name__ == "__main__":
    main()
