"""A small VQ-VAE uses its codebook and reconstructs held-out digits (snippets/vae/vq_vae.py).

The tests are built to fail on the usual VQ-VAE bugs, each planted once by hand
(quick runs, seeds 0-2): no straight-through copy (the decoder outputs the mean
image, 11.3-11.4 dB, 3-6 codes used), no commitment term (perplexity 8.5-9.7 of 32),
the two stop-gradients swapped (trains and uses all 32 codes: only the gradient
test catches it), a codebook initialised far from the encoder outputs (perplexity
2.6-5.0, see the last test)."""

import numpy as np
import pytest
import tensorflow as tf

from snippets.vae.vq_vae import CODEBOOK_SIZE, N_TOKENS, codebook_usage, quantize, run, straight_through, vq_losses


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    """One quick run (VQ-VAE and the same-size autoencoder, 20 epochs each)."""
    return run(quick=True, figures_dir=tmp_path_factory.mktemp("figures"), verbose=False)


def test_quantize_picks_the_nearest_code_and_straight_through_copies_the_gradient():
    codebook = tf.constant([[0.0, 0.0], [1.0, 1.0], [-2.0, 0.5]])
    z_e = tf.constant([[[0.9, 1.2], [-1.5, 0.0], [0.1, -0.1]]])
    z_q, codes = quantize(z_e, codebook)
    assert codes.numpy().tolist() == [[1, 2, 0]]
    with tf.GradientTape() as tape:
        tape.watch(z_e)
        out = straight_through(z_e, z_q)
        total = tf.reduce_sum(3.0 * out)
    np.testing.assert_allclose(out.numpy(), z_q.numpy())  # forward: the codes
    np.testing.assert_allclose(tape.gradient(total, z_e).numpy(), 3.0)  # backward: identity


def test_vq_losses_move_the_codes_fully_and_the_encoder_by_beta():
    # Codebook loss ||sg[z_e] - e||^2 moves only the codes; the commitment loss
    # beta * ||z_e - sg[e]||^2 only the encoder. Swapped stop-gradients still train.
    codebook = tf.Variable([[0.0, 0.0], [1.0, 1.0], [-2.0, 0.5]])
    z_e = tf.Variable([[[0.9, 1.2], [-1.5, 0.0], [0.1, -0.1]]])
    with tf.GradientTape() as tape:
        z_q, _ = quantize(z_e, codebook)  # codes 1, 2, 0
        loss = vq_losses(z_e, z_q, beta=0.25)
    g_z, g_e = tape.gradient(loss, [z_e, codebook])
    n = 6.0  # elements averaged by reduce_mean
    np.testing.assert_allclose(g_z.numpy(), 0.25 * 2 * (z_e - z_q).numpy() / n, rtol=1e-5)
    expected = 2 * (codebook.numpy() - z_e.numpy()[0][[2, 0, 1]]) / n  # code k minus its token
    np.testing.assert_allclose(tf.convert_to_tensor(g_e).numpy(), expected, rtol=1e-5)


def test_perplexity_is_the_effective_number_of_codes():
    assert codebook_usage(np.arange(8), size=8) == (8, pytest.approx(8.0))
    assert codebook_usage(np.zeros(100, int), size=8) == (1, pytest.approx(1.0))


def test_codebook_does_not_collapse(quick):
    # Measured in quick mode at seeds 0-2: 32/32 codes, perplexity 22.8-25.1.
    assert quick["test_codes"].shape[1] == N_TOKENS
    assert quick["codes_used"] >= 0.75 * CODEBOOK_SIZE
    assert quick["perplexity"] >= 0.5 * CODEBOOK_SIZE


def test_vq_vae_reconstructs_far_better_than_the_mean_image(quick):
    # Measured: 16.1-16.7 dB vs 11.3-11.4 dB. Without the straight-through copy the
    # encoder gets no reconstruction gradient and the decoder learns the mean image.
    assert quick["psnr_vq"] >= quick["psnr_mean_image"] + 3.0


def test_the_same_size_autoencoder_is_an_upper_reference(quick):
    # 40 bits per image against 32 real numbers: the continuous code reconstructs better.
    assert quick["psnr_ae"] > quick["psnr_vq"]
    assert quick["psnr_ae"] - quick["psnr_vq"] < 6.0


def test_figure_is_written(quick):
    assert quick["figure"].is_file() and quick["figure"].stat().st_size > 1000


def test_a_codebook_initialised_far_away_collapses(quick):
    # The collapse check above is not vacuous: a bad initialisation fails it.
    collapsed = run(quick=True, epochs=10, codebook_std=10.0, baseline=False, verbose=False)  # measured at seeds 0-2: 2.6-5.0
    assert collapsed["perplexity"] < 0.5 * CODEBOOK_SIZE
    assert collapsed["perplexity"] < 0.5 * quick["perplexity"]
