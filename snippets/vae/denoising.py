"""Image denoising with a variational autoencoder (VAE), compared with a plain
denoising autoencoder (DAE) of the same size.

The VAE is trained on pairs (noisy image -> clean image): the encoder sees the
noisy digit and predicts a Gaussian q(z|x) = N(mu, sigma^2); a latent z is
sampled with the reparameterisation trick; the decoder must reconstruct the
CLEAN digit. The loss is the negative ELBO with a weighted, warmed-up KL term:

    loss = reconstruction(decoder(z), clean) + kl_weight * KL(q(z|x) || N(0, I))

Both models are evaluated on held-out digits with pooled PSNR (one MSE over all
test pixels). The DAE has the same encoder and decoder but a deterministic
bottleneck and no KL term.

    python -m snippets.vae.denoising                 # default size, ~10 s per model on 2 CPU cores
    python -m snippets.vae.denoising --quick         # smaller run for tests
    python -m snippets.vae.denoising --figures DIR   # also draws the two figures there

Posterior collapse:

    python -m snippets.vae.denoising --kl-weight 1.0 --warmup-epochs 0 --epochs 20 --figures /tmp/collapse

In practice: change `load_data()` for your own images (e.g. MNIST, commented
there), use convolutional encoder/decoder layers for images larger than 8x8,
and tune `kl_weight`: too large and the encoder ignores its input (posterior
collapse), too small and the model is just an autoencoder.
"""

import argparse
import time
from pathlib import Path

import numpy as np
import tensorflow as tf
import keras
from keras import layers

FIGURES = Path(__file__).resolve().parents[2] / "docs" / "assets" / "figures"  # where make bench writes
NOISE_STD = 0.3  # Gaussian noise on [0, 1] pixels; the noisy input scores ~12.8 dB


# --8<-- [start:data]
def load_data(noise_std=NOISE_STD, seed=0):
    """Clean and noisy 8x8 digits in [0, 1], flattened to 64 values, split 80/20.

    The only function to change for other data. For MNIST (needs a download):
        (x, _), _ = keras.datasets.mnist.load_data(); x = x.reshape(-1, 784) / 255.0
    """
    from sklearn.datasets import load_digits

    digits = load_digits()
    x = (digits.data / 16.0).astype("float32")
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(x))
    x, y = x[order], digits.target[order]
    n_test = len(x) // 5
    x_train, x_test, y_test = x[n_test:], x[:n_test], y[:n_test]
    # Fixed test noise so every model is scored on the same noisy images;
    # training noise is redrawn every epoch (see train()).
    x_test_noisy = add_noise(x_test, noise_std, rng)
    return x_train, x_test, x_test_noisy, y_test


def add_noise(x, noise_std, rng):
    return np.clip(x + noise_std * rng.standard_normal(x.shape), 0.0, 1.0).astype("float32")
# --8<-- [end:data]


# --8<-- [start:model]
class Sampling(layers.Layer):
    """Reparameterisation trick: z = mu + sigma * eps with eps ~ N(0, I).

    The randomness lives in eps, so gradients flow through mu and log_var.
    """

    def __init__(self, seed=0, **kwargs):
        super().__init__(**kwargs)
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, mu, log_var):
        eps = keras.random.normal(keras.ops.shape(mu), seed=self.seed_generator)
        return mu + keras.ops.exp(0.5 * log_var) * eps


def build_encoder(input_dim=64, latent_dim=16, hidden=128, variational=True):
    x = keras.Input(shape=(input_dim,))
    h = layers.Dense(hidden, activation="relu")(x)
    h = layers.Dense(hidden // 2, activation="relu")(h)
    mu = layers.Dense(latent_dim, name="mu")(h)
    if not variational:  # DAE: a single deterministic code
        return keras.Model(x, mu, name="dae_encoder")
    # Two heads on the same features; log-variance keeps the output
    # unconstrained (sigma = exp(0.5 * log_var) is always positive).
    log_var = layers.Dense(latent_dim, name="log_var")(h)
    return keras.Model(x, [mu, log_var], name="vae_encoder")


def build_decoder(output_dim=64, latent_dim=16, hidden=128):
    z = keras.Input(shape=(latent_dim,))
    h = layers.Dense(hidden // 2, activation="relu")(z)
    h = layers.Dense(hidden, activation="relu")(h)
    # Logits: the Bernoulli likelihood (binary cross-entropy) is computed from
    # logits for numerical stability; sigmoid gives pixels in [0, 1].
    logits = layers.Dense(output_dim)(h)
    return keras.Model(z, logits, name="decoder")
# --8<-- [end:model]


# --8<-- [start:loss]
def kl_term(mu, log_var):
    """Closed-form KL(N(mu, sigma^2) || N(0, I)) per example, summed over latent dims."""
    return 0.5 * tf.reduce_sum(tf.exp(log_var) + tf.square(mu) - 1.0 - log_var, axis=-1)


def reconstruction_term(logits, clean):
    """-log p(clean | z) under a Bernoulli decoder, summed over pixels."""
    bce = tf.nn.sigmoid_cross_entropy_with_logits(labels=clean, logits=logits)
    return tf.reduce_sum(bce, axis=-1)


def make_vae_step(encoder, decoder, optimizer, seed=0):
    sampler = Sampling(seed=seed)
    params = encoder.trainable_variables + decoder.trainable_variables

    @tf.function  # eager steps are several times slower
    def train_step(noisy, clean, kl_weight):
        with tf.GradientTape() as tape:
            mu, log_var = encoder(noisy, training=True)
            z = sampler(mu, log_var)
            recon = tf.reduce_mean(reconstruction_term(decoder(z, training=True), clean))
            kl = tf.reduce_mean(kl_term(mu, log_var))
            loss = recon + kl_weight * kl
        optimizer.apply_gradients(zip(tape.gradient(loss, params), params))
        return recon, kl

    return train_step
# --8<-- [end:loss]


def make_dae_step(encoder, decoder, optimizer):
    params = encoder.trainable_variables + decoder.trainable_variables

    @tf.function
    def train_step(noisy, clean):
        with tf.GradientTape() as tape:
            logits = decoder(encoder(noisy, training=True), training=True)
            loss = tf.reduce_mean(reconstruction_term(logits, clean))
        optimizer.apply_gradients(zip(tape.gradient(loss, params), params))
        return loss

    return train_step


# --8<-- [start:train]
def train(x_train, variational=True, epochs=100, kl_weight=0.1, warmup_epochs=20,
          latent_dim=16, batch_size=64, noise_std=NOISE_STD, seed=0):
    """Train a VAE (variational=True) or a same-size DAE on noisy -> clean pairs.

    The KL weight rises linearly from 0 to `kl_weight` over `warmup_epochs`
    (KL annealing, Bowman et al. 2016): early on the decoder learns to use z
    before the KL term pushes q(z|x) towards the prior.
    Returns (encoder, decoder, history) with per-epoch mean losses.
    """
    keras.utils.set_random_seed(seed)
    rng = np.random.default_rng(seed + 1)
    encoder = build_encoder(x_train.shape[1], latent_dim, variational=variational)
    decoder = build_decoder(x_train.shape[1], latent_dim)
    optimizer = keras.optimizers.Adam(1e-3)
    step = (make_vae_step(encoder, decoder, optimizer, seed) if variational
            else make_dae_step(encoder, decoder, optimizer))
    history = {"recon": [], "kl": []}
    for epoch in range(epochs):
        # Fresh noise every epoch: the model never sees the same noisy image
        # twice, which regularises both models.
        noisy = add_noise(x_train, noise_std, rng)
        order = rng.permutation(len(x_train))
        beta = kl_weight * min(1.0, (epoch + 1) / warmup_epochs) if warmup_epochs else kl_weight
        beta = tf.constant(beta, tf.float32)  # a tensor, so tf.function does not retrace
        recons, kls = [], []
        for i in range(0, len(order), batch_size):
            idx = order[i:i + batch_size]
            if variational:
                recon, kl = step(noisy[idx], x_train[idx], beta)
                kls.append(kl)
            else:
                recon = step(noisy[idx], x_train[idx])
            recons.append(recon)
        # One device->host copy per epoch instead of one per step.
        history["recon"].append(float(np.mean(recons)))
        history["kl"].append(float(np.mean(kls)) if variational else None)
    return encoder, decoder, history
# --8<-- [end:train]


# --8<-- [start:evaluate]
def denoise(encoder, decoder, noisy, variational=True):
    """Decode the posterior MEAN: sampling z at test time only adds noise back."""
    code = encoder(noisy, training=False)
    mu = code[0] if variational else code
    return keras.ops.convert_to_numpy(keras.ops.sigmoid(decoder(mu, training=False)))


def pooled_psnr(clean, estimate):
    """PSNR from one MSE over all pixels of all images (images in [0, 1]).

    Pooling avoids averaging per-image PSNRs, where a few near-perfect images
    (tiny MSE -> huge dB) would dominate.
    """
    mse = np.mean((np.asarray(clean, np.float64) - np.asarray(estimate, np.float64)) ** 2)
    return float(10.0 * np.log10(1.0 / mse))


def latent_stats(encoder, x):
    """Mean KL per example (nats) and the number of active latent dims.

    A dim is active if its posterior mean varies across inputs, Var_x(mu) > 0.01
    (Burda et al., 2016). A collapsed posterior has q(z|x) ~= N(0, I) for every
    x: KL ~ 0 and no active dims, so the decoder gets no information about x.
    """
    mu, log_var = (keras.ops.convert_to_numpy(v) for v in encoder(x, training=False))
    kl = 0.5 * np.sum(np.exp(log_var) + np.square(mu) - 1.0 - log_var, axis=-1)
    return float(np.mean(kl)), int(np.sum(np.var(mu, axis=0) > 0.01))
# --8<-- [end:evaluate]


def sample_prior(decoder, n, latent_dim=16, seed=0):
    z = np.random.default_rng(seed).standard_normal((n, latent_dim)).astype("float32")
    return keras.ops.convert_to_numpy(keras.ops.sigmoid(decoder(z, training=False))), z


# --8<-- [start:plot]
def plot_denoising(path, clean, noisy, vae_out, dae_out, labels):
    """Rows: clean / noisy / VAE / DAE, one column per digit class."""
    import matplotlib.pyplot as plt

    cols = [int(np.flatnonzero(labels == d)[0]) for d in range(10)]
    rows = [("clean", clean), ("noisy", noisy), ("VAE", vae_out), ("DAE", dae_out)]
    fig, axes = plt.subplots(len(rows), len(cols), figsize=(len(cols) * 0.8, len(rows) * 0.85))
    for r, (name, images) in enumerate(rows):
        for c, i in enumerate(cols):
            ax = axes[r, c]
            ax.imshow(images[i].reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
            ax.set_xticks([]), ax.set_yticks([])
        axes[r, 0].set_ylabel(name, rotation=0, ha="right", va="center", fontsize=9)
    fig.tight_layout(pad=0.2)
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_prior_samples(path, vae_samples, dae_samples, cols=10):
    """Decode z ~ N(0, I) with the VAE decoder (top) and the DAE decoder (bottom)."""
    import matplotlib.pyplot as plt

    blocks = [("VAE", vae_samples), ("DAE", dae_samples)]
    n_rows = [len(images) // cols for _, images in blocks]
    fig, axes = plt.subplots(sum(n_rows), cols, figsize=(cols * 0.8, sum(n_rows) * 0.85))
    row = 0
    for (name, images), rows in zip(blocks, n_rows):
        for i, image in enumerate(images[: rows * cols]):
            ax = axes[row + i // cols, i % cols]
            ax.imshow(image.reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
            ax.set_xticks([]), ax.set_yticks([])
        axes[row, 0].set_ylabel(f"{name}\nz~N(0,I)", rotation=0, ha="right", va="center", fontsize=8)
        row += rows
    fig.tight_layout(pad=0.2)
    fig.savefig(path, dpi=100)
    plt.close(fig)
# --8<-- [end:plot]


def run(quick=False, figures_dir=None, epochs=None, kl_weight=0.1, warmup_epochs=None, latent_dim=16,
        seed=0, verbose=True):
    """Train the VAE and the DAE (100 epochs, 20 of KL warm-up; quick: 30 and 6), score both,
    write the two figures into figures_dir if given. Returns a dict."""
    epochs = epochs or (30 if quick else 100)
    warmup_epochs = warmup_epochs if warmup_epochs is not None else (6 if quick else 20)
    x_train, x_test, x_test_noisy, y_test = load_data(seed=seed)
    results = {"psnr_noisy": pooled_psnr(x_test, x_test_noisy)}
    out = {}
    for name, variational in (("vae", True), ("dae", False)):
        start = time.perf_counter()
        encoder, decoder, history = train(x_train, variational, epochs, kl_weight,
                                          warmup_epochs, latent_dim, seed=seed)
        results[f"{name}_seconds"] = time.perf_counter() - start
        out[name] = denoise(encoder, decoder, x_test_noisy, variational)
        results[f"psnr_{name}"] = pooled_psnr(x_test, out[name])
        results[f"{name}_history"] = history
        if variational:
            results["kl"], results["active_dims"] = latent_stats(encoder, x_test_noisy)
            vae_samples, z = sample_prior(decoder, 30, latent_dim, seed)
        else:
            dae_samples = keras.ops.convert_to_numpy(keras.ops.sigmoid(decoder(z, training=False)))[:10]
        if verbose:
            print(f"{name.upper()}: {results[f'psnr_{name}']:.2f} dB "
                  f"({results[f'{name}_seconds']:.1f} s, final recon {history['recon'][-1]:.2f})")
    if verbose:
        print(f"noisy input: {results['psnr_noisy']:.2f} dB; VAE KL {results['kl']:.2f} nats, "
              f"active latent dims {results['active_dims']}/{latent_dim}")
    if figures_dir is not None:
        figures_dir = Path(figures_dir)
        figures_dir.mkdir(parents=True, exist_ok=True)
        results["figures"] = [figures_dir / "vae-denoising.png", figures_dir / "vae-prior-samples.png"]
        plot_denoising(results["figures"][0], x_test, x_test_noisy, out["vae"], out["dae"], y_test)
        plot_prior_samples(results["figures"][1], vae_samples, dae_samples)
    return results


def benchmark():
    """Default-size run: VAE vs noisy input and VAE vs same-size DAE (pooled PSNR)."""
    r = run(figures_dir=FIGURES)
    common = {"example": "vae/denoising", "metric": "pooled PSNR on held-out digits (dB)", "value": round(r["psnr_vae"], 2),
              "train_seconds": round(r["vae_seconds"], 1)}
    return [
        {**common, "baseline": "noisy input", "baseline_value": round(r["psnr_noisy"], 2)},
        {**common, "baseline": "denoising autoencoder (same size, no KL)",
         "baseline_value": round(r["psnr_dae"], 2)},
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer epochs, for tests")
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--kl-weight", type=float, default=0.1)
    parser.add_argument("--warmup-epochs", type=int, default=None)
    parser.add_argument("--figures", default=None, help="write the two figures into this directory")
    args = parser.parse_args(argv)
    run(args.quick, args.figures, epochs=args.epochs, kl_weight=args.kl_weight, warmup_epochs=args.warmup_epochs)


if __name__ == "__main__":
    main()
