"""A small VQ-VAE on 8x8 digits, compared with a plain autoencoder of the same size.

The encoder maps a digit to N_TOKENS vectors of CODE_DIM numbers; each vector is
replaced by its nearest entry of a learned codebook of CODEBOOK_SIZE vectors
(van den Oord et al., 2017), so an image becomes N_TOKENS integers. The loss is

    reconstruction + ||sg[z_e] - e||^2 + beta * ||z_e - sg[e]||^2      (beta = 0.25)

and the decoder's gradient is copied past the non-differentiable argmin to the
encoder (straight-through estimator). We report pooled PSNR on held-out digits
against an autoencoder with the same encoder and decoder and a continuous
bottleneck, and how much of the codebook is used (codes used, perplexity).

    python -m snippets.vae.vq_vae                  # default size, a few seconds per model on 2 CPU cores
    python -m snippets.vae.vq_vae --quick          # smaller run for tests
    python -m snippets.vae.vq_vae --figures DIR    # also draws the reconstructions there
    python -m snippets.vae.vq_vae --codebook-std 10    # codebook initialised far away: it collapses

In practice: images are encoded by a convolutional encoder into a grid of
tokens (32x32 tokens for 256x256 images in VQ-VAE-2's top level is typical), the
codebook has 512 to 16,384 entries, and dead codes are restarted or the codebook
is updated by exponential moving averages (see the page for the numbers).
"""

import time
from pathlib import Path

import numpy as np
import tensorflow as tf
import keras

from snippets._example import parser, save_figure
from snippets.vae.denoising import build_decoder, build_encoder, load_data, pooled_psnr, reconstruction_term

FIGURES = Path(__file__).resolve().parents[2] / "docs" / "assets" / "figures"
N_TOKENS, CODE_DIM, CODEBOOK_SIZE = 8, 4, 32  # 8 tokens of 5 bits: 40 bits per image
BETA = 0.25  # commitment weight of the paper


# --8<-- [start:quantizer]
def quantize(z_e, codebook):
    """Nearest codebook entry for every token. z_e: (batch, N_TOKENS, CODE_DIM)."""
    # ||z - e||^2 = ||z||^2 - 2 z.e + ||e||^2, for all tokens and codes at once
    d = (tf.reduce_sum(z_e**2, -1, keepdims=True) - 2.0 * tf.einsum("btd,kd->btk", z_e, codebook)
         + tf.reduce_sum(codebook**2, -1))
    codes = tf.argmin(d, axis=-1)
    return tf.gather(codebook, codes), codes


def vq_losses(z_e, z_q, beta=BETA):
    """Codebook loss moves codes to the encoder outputs; commitment loss keeps the
    encoder near its codes. stop_gradient decides which side each term moves."""
    codebook_loss = tf.reduce_mean(tf.square(tf.stop_gradient(z_e) - z_q))
    commitment_loss = tf.reduce_mean(tf.square(z_e - tf.stop_gradient(z_q)))
    return codebook_loss + beta * commitment_loss


def straight_through(z_e, z_q):
    """Forward: z_q. Backward: the identity, so the decoder's gradient reaches the encoder."""
    return z_e + tf.stop_gradient(z_q - z_e)
# --8<-- [end:quantizer]


# --8<-- [start:train]
def train(x_train, quantized=True, epochs=60, batch_size=64, codebook_std=1.0, seed=0):
    """Train a VQ-VAE (quantized=True) or the same-size plain autoencoder.

    The codebook starts from unit-variance random vectors, on the scale of the
    encoder's first outputs. A large codebook_std spreads it far around them
    (a planted bug: the few codes nearest to the encoder outputs win every
    token; the others never receive a gradient and stay dead).
    """
    keras.utils.set_random_seed(seed)
    rng = np.random.default_rng(seed + 1)
    latent = N_TOKENS * CODE_DIM
    encoder = build_encoder(x_train.shape[1], latent, variational=False)  # same nets as the VAE page
    decoder = build_decoder(x_train.shape[1], latent)
    init = codebook_std * rng.standard_normal((CODEBOOK_SIZE, CODE_DIM))
    codebook = tf.Variable(init.astype("float32"), name="codebook")
    params = encoder.trainable_variables + decoder.trainable_variables + ([codebook] if quantized else [])
    optimizer = keras.optimizers.Adam(1e-3)

    @tf.function  # eager steps are several times slower
    def step(x):
        with tf.GradientTape() as tape:
            z_e = tf.reshape(encoder(x, training=True), (-1, N_TOKENS, CODE_DIM))
            if quantized:
                z_q, codes = quantize(z_e, codebook)
                vq = vq_losses(z_e, z_q)
                z = straight_through(z_e, z_q)
            else:
                z, codes, vq = z_e, tf.zeros((tf.shape(x)[0], N_TOKENS), tf.int64), 0.0
            logits = decoder(tf.reshape(z, (-1, latent)), training=True)
            recon = tf.reduce_mean(reconstruction_term(logits, x))
            loss = recon + vq
        optimizer.apply_gradients(zip(tape.gradient(loss, params), params))
        return recon, codes

    history = {"recon": [], "codes_used": []}
    for _ in range(epochs):
        order = rng.permutation(len(x_train))
        recons, used = [], np.zeros(CODEBOOK_SIZE, bool)
        for i in range(0, len(order), batch_size):
            recon, codes = step(x_train[order[i:i + batch_size]])
            recons.append(recon)
            used[np.unique(codes.numpy())] = True
        history["recon"].append(float(np.mean(recons)))
        history["codes_used"].append(int(used.sum()) if quantized else None)
    return encoder, decoder, codebook, history
# --8<-- [end:train]


# --8<-- [start:evaluate]
def reconstruct(encoder, decoder, codebook, x, quantized=True):
    """Images through the bottleneck; with quantized=True also the integer tokens."""
    z = tf.reshape(encoder(x, training=False), (-1, N_TOKENS, CODE_DIM))
    codes = None
    if quantized:
        z, codes = quantize(z, codebook)
        codes = codes.numpy()
    images = tf.sigmoid(decoder(tf.reshape(z, (-1, N_TOKENS * CODE_DIM)), training=False)).numpy()
    return images, codes


def codebook_usage(codes, size=CODEBOOK_SIZE):
    """Codes used at least once, and the perplexity exp(H) of the code histogram.

    Perplexity is the effective number of codes: `size` if all are used equally
    often, 1 if every token gets the same code (a collapsed codebook)."""
    p = np.bincount(np.ravel(codes), minlength=size) / np.size(codes)
    entropy = -np.sum(p[p > 0] * np.log(p[p > 0]))
    return int(np.sum(p > 0)), float(np.exp(entropy))
# --8<-- [end:evaluate]


def plot_reconstructions(path, x, vq_out, ae_out, n=12):
    import matplotlib.pyplot as plt

    rows = [("input", x), ("VQ-VAE", vq_out), ("AE", ae_out)]
    fig, axes = plt.subplots(len(rows), n, figsize=(n * 0.7, len(rows) * 0.8))
    for r, (name, images) in enumerate(rows):
        for c in range(n):
            axes[r, c].imshow(images[c].reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
            axes[r, c].set_xticks([]), axes[r, c].set_yticks([])
        axes[r, 0].set_ylabel(name, rotation=0, ha="right", va="center", fontsize=8)
    save_figure(fig, path)


def run(quick=False, figures_dir=None, epochs=None, codebook_std=1.0, seed=0, baseline=True, verbose=True):
    """Train the VQ-VAE and (if baseline) the same-size autoencoder (60 epochs each;
    quick: 20), score both on held-out digits. Returns a dict."""
    epochs = epochs or (20 if quick else 60)
    x_train, x_test, _, _ = load_data(seed=seed)
    results = {}
    out = {}
    for name, quantized in (("vq", True), ("ae", False))[: 2 if baseline else 1]:
        start = time.perf_counter()
        encoder, decoder, codebook, history = train(x_train, quantized, epochs,
                                                    codebook_std=codebook_std, seed=seed)
        results[f"{name}_seconds"] = time.perf_counter() - start
        out[name], codes = reconstruct(encoder, decoder, codebook, x_test, quantized)
        results[f"psnr_{name}"] = pooled_psnr(x_test, out[name])
        results[f"{name}_history"] = history
        if quantized:
            results["codes_used"], results["perplexity"] = codebook_usage(codes)
            results["test_codes"] = codes
    results["psnr_mean_image"] = pooled_psnr(x_test, np.broadcast_to(x_train.mean(0), x_test.shape))
    if verbose:
        print(f"VQ-VAE: {results['psnr_vq']:.2f} dB, codes used {results['codes_used']}/{CODEBOOK_SIZE}, "
              f"perplexity {results['perplexity']:.1f} ({results['vq_seconds']:.1f} s)")
    if verbose and baseline:
        print(f"plain autoencoder, same size: {results['psnr_ae']:.2f} dB ({results['ae_seconds']:.1f} s); "
              f"mean training image: {results['psnr_mean_image']:.2f} dB")
    if figures_dir is not None and baseline:
        results["figure"] = Path(figures_dir) / "vq-vae-reconstructions.png"
        plot_reconstructions(results["figure"], x_test, out["vq"], out["ae"])
    return results


def benchmark():
    """Default size: VQ-VAE PSNR vs the same-size autoencoder, and codebook use."""
    r = run(figures_dir=FIGURES)
    common = {"example": "vae/vq_vae", "train_seconds": round(r["vq_seconds"], 1)}
    return [
        {**common, "metric": "VQ-VAE pooled PSNR on held-out digits (dB)", "value": round(r["psnr_vq"], 2),
         "baseline": "plain autoencoder (same size, continuous code)", "baseline_value": round(r["psnr_ae"], 2)},
        {**common, "metric": "VQ-VAE pooled PSNR on held-out digits (dB)", "value": round(r["psnr_vq"], 2),
         "baseline": "mean training image", "baseline_value": round(r["psnr_mean_image"], 2)},
        {**common, "metric": f"codebook perplexity (of {CODEBOOK_SIZE} codes)", "value": round(r["perplexity"], 1),
         "baseline": "collapsed codebook", "baseline_value": 1.0},
    ]


def main(argv=None):
    p = parser(__doc__)
    p.add_argument("--epochs", type=int, default=None)
    p.add_argument("--codebook-std", type=float, default=1.0,
                   help="spread of the initial codebook (large values show collapse)")
    args = p.parse_args(argv)
    return run(args.quick, args.figures, epochs=args.epochs, codebook_std=args.codebook_std)


if __name__ == "__main__":
    main()
