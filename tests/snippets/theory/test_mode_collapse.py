"""Vanilla GAN vs WGAN-GP on a ring of eight Gaussians: coverage, sample quality, and
the pieces that must be exact (snippets/theory/mode_collapse.py)."""

import numpy as np
import pytest
import tensorflow as tf

from snippets.theory.mode_collapse import CENTRES, GAP, STD, Adam, d_loss, gradient_penalty, init_mlp, mlp, run, score_samples


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    return run(quick=True, figures_dir=tmp_path_factory.mktemp("figures"))


def test_score_samples_on_hand_made_samples():
    # 60 samples on centre 0 (within 3 std), 30 near centre 1 but 5 std away,
    # 10 in the middle of the ring (in no disc): modes 1, modes_3std 1, quality 0.6.
    x = np.vstack([np.repeat(CENTRES[:1], 60, 0), np.repeat(CENTRES[1:2] + [5 * STD, 0], 30, 0), np.zeros((10, 2))])
    s = score_samples(x, min_share=0.05)
    assert (s["modes"], s["modes_3std"]) == (2, 1)
    assert s["high_quality"] == pytest.approx(0.6)
    assert s["counts"].tolist() == [60, 30, 0, 0, 0, 0, 0, 0]
    assert GAP == pytest.approx(np.linalg.norm(CENTRES[0] - CENTRES[1]))


def test_real_samples_cover_all_modes_with_the_gaussian_share(result):
    # For a 2-D Gaussian, P(|x - mu| < 3 std) = 1 - exp(-4.5) = 0.9889.
    assert result["real"]["modes"] == result["real"]["modes_3std"] == 8
    assert result["real"]["high_quality"] == pytest.approx(1 - np.exp(-4.5), abs=0.01)


def test_gradient_penalty_is_taken_at_the_interpolates():
    # Critic f(x) = |x|^2 / 2 has gradient x, so the penalty is mean((|x_hat| - 1)^2)
    # at x_hat = eps real + (1 - eps) fake. At the real points it would differ.
    rng = np.random.default_rng(0)
    real, fake = rng.normal(size=(2, 5, 2)), 3 * rng.normal(size=(2, 5, 2))
    real /= np.linalg.norm(real, axis=-1, keepdims=True)  # |real| = 1: zero penalty there
    eps = rng.uniform(size=(2, 5, 1))
    x_hat = eps * real + (1 - eps) * fake
    expected = ((np.linalg.norm(x_hat, axis=-1) - 1) ** 2).mean(axis=-1)
    critic = lambda x: 0.5 * tf.reduce_sum(x ** 2, axis=-1, keepdims=True)
    got = gradient_penalty(critic, *(tf.constant(a, tf.float32) for a in (real, fake, eps))).numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-5)
    assert np.all(got > 0.1)  # a penalty taken at the real points would be 0 here


def test_critic_loss_sign_and_penalty_weight():
    # Linear critic f(x) = w.x: gradient norm |w| everywhere, so
    # L = mean f(fake) - mean f(real) + 10 (|w| - 1)^2 exactly.
    w = tf.constant([[[3.0], [4.0]]])  # |w| = 5
    critic = lambda x: tf.matmul(x, w)
    real, fake, eps = tf.ones((1, 4, 2)), -tf.ones((1, 4, 2)), tf.fill((1, 4, 1), 0.5)
    got = d_loss("wgan-gp", critic, real, fake, eps).numpy()
    assert got == pytest.approx([-7.0 - 7.0 + 10 * 16.0])


def test_seeds_trained_together_get_only_their_own_gradient():
    # The summed loss of stacked seeds must give seed 0 the gradient of its own loss.
    D = init_mlp([0, 1, 2], [2, 8, 8, 1])
    x = tf.random.stateless_normal((3, 16, 2), seed=(1, 2))
    with tf.GradientTape() as tape:
        total = tf.reduce_sum(tf.reduce_mean(mlp(D, x) ** 2, axis=(1, 2)))
    together = tape.gradient(total, D[0][0])[0].numpy()
    alone = init_mlp([0], [2, 8, 8, 1])
    with tf.GradientTape() as tape:
        own = tf.reduce_mean(mlp(alone, x[:1]) ** 2)
    np.testing.assert_allclose(together, tape.gradient(own, alone[0][0])[0].numpy(), rtol=1e-5, atol=1e-7)


def test_adam_keeps_each_seed_apart_and_matches_keras():
    # A seed's Adam update inside the stacked variable must equal Keras's Adam run on
    # that seed alone: catches moments (m or v) shared across the seed axis.
    import keras

    grads = [tf.constant(np.random.default_rng(t).normal(size=(3, 4, 2)) * [[[1.0]], [[10.0]], [[0.1]]], tf.float32)
             for t in range(5)]
    stacked = tf.Variable(tf.ones((3, 4, 2)))
    opt = Adam([stacked], lr=0.1, beta_1=0.5, beta_2=0.9)
    alone = keras.Variable(np.ones((4, 2), "float32"))
    ref = keras.optimizers.Adam(learning_rate=0.1, beta_1=0.5, beta_2=0.9, epsilon=1e-8)
    for g in grads:
        opt.apply([g])
        ref.apply([g[1]], [alone])
    np.testing.assert_allclose(stacked.numpy()[1], np.asarray(alone), rtol=1e-5, atol=1e-6)


def test_each_seed_starts_from_its_own_weights():
    # Seed s's initial weights do not depend on its neighbours, and differ between seeds.
    together, alone = init_mlp([0, 1, 2], [2, 8, 1]), init_mlp([1], [2, 8, 1])
    w = together[0][0].numpy()
    np.testing.assert_array_equal(w[1], alone[0][0].numpy()[0])
    assert not np.allclose(w[0], w[1]) and not np.allclose(w[1], w[2])


def test_wgan_gp_covers_more_modes_than_the_vanilla_gan(result):
    v, w = result["vanilla"], result["wgan-gp"]
    # Measured at quick size on seed sets 0-3, 4-7 and 8-11: vanilla 23, 22, 17 of 32, WGAN-GP 32 each.
    assert sum(w["modes"]) > sum(v["modes"]) + 4
    assert min(v["modes"]) < 8  # at least one vanilla seed collapsed
    assert result["figure"].stat().st_size > 5_000


def test_wgan_gp_pays_in_sharpness_but_beats_a_blob(result):
    # The trade-off the page states: fewer WGAN-GP samples lie within 3 std of a mode.
    v, w = result["vanilla"], result["wgan-gp"]
    assert w["mean_high_quality"] < v["mean_high_quality"]
    # ...yet WGAN-GP is not merely spreading mass: a broad Gaussian covering the ring
    # "covers" all 8 modes with about 1.4% high-quality samples.
    blob = score_samples(np.random.default_rng(0).normal(scale=2.0, size=(20_000, 2)))
    assert blob["modes"] == 8 and blob["high_quality"] < 0.02
    assert w["mean_high_quality"] > 1.5 * blob["high_quality"]
