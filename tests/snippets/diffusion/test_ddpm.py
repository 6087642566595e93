import numpy as np
import pytest
import tensorflow as tf

from snippets.diffusion.ddpm import linear_schedule, nearest_neighbour_distance, q_sample, run


def test_schedule_ends_in_pure_noise():
    # Rescaled linear schedule: abar_T ~ 0 for T=200 just as for the paper's T=1000.
    for T in (200, 1000):
        abar = linear_schedule(T)["alpha_bars"].numpy()
        assert abar[0] > 0.99 and abar[-1] < 1e-3
        assert np.all(np.diff(abar) < 0)


def test_closed_form_forward_process_matches_step_by_step_noising():
    # Applying x_t = sqrt(1 - beta_t) x_{t-1} + sqrt(beta_t) eps t times must give
    # the same distribution as one jump with q(x_t | x_0).
    schedule, t, n = linear_schedule(200), 50, 20_000
    betas = schedule["betas"].numpy().astype(np.float64)
    rng = np.random.default_rng(0)
    x0 = np.full((n, 1), 0.8)
    x = x0.copy()
    for beta in betas[:t]:
        x = np.sqrt(1 - beta) * x + np.sqrt(beta) * rng.standard_normal(x.shape)
    jump = q_sample(tf.constant(x0, tf.float32), tf.fill([n], t - 1),
                    tf.random.stateless_normal((n, 1), seed=(1, 2)), schedule).numpy()
    assert x.mean() == pytest.approx(jump.mean(), abs=0.02)
    assert x.std() == pytest.approx(jump.std(), abs=0.02)


def test_nearest_neighbour_distance():
    ref = np.array([[0.0, 0.0], [3.0, 4.0]])
    assert nearest_neighbour_distance(np.array([[0.0, 1.0], [3.0, 4.0]]), ref) == pytest.approx(0.5)


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    return run(quick=True, figures_dir=tmp_path_factory.mktemp("figures"))


def test_training_loss_falls(quick):
    # Measured in quick mode: ~0.74 in the first epoch -> ~0.13 in the last.
    assert quick["loss_last"] < 0.7 * quick["loss_first"]


def test_samples_have_digit_statistics_not_noise_statistics(quick):
    sc = quick["scores"]
    # Fréchet distance to held-out digits (pixel space): measured ~2.1 for
    # samples vs ~45 for the x_T noise they start from and ~0.7 for real digits.
    assert sc["samples"]["frechet"] < 0.1 * sc["noise"]["frechet"]
    # Samples lie near real digits: closer to the real-data end of the
    # real <-> noise range of nearest-neighbour distances (~3.1 vs 2.2 and 7.7).
    midpoint = (sc["real"]["nn_distance"] + sc["noise"]["nn_distance"]) / 2
    assert sc["samples"]["nn_distance"] < midpoint
    # ...but are not copies of training images.
    assert sc["samples"]["nn_distance"] > 0.5 * sc["real"]["nn_distance"]


def test_figures_are_written(quick):
    for path in quick["figures"]:
        assert path.is_file() and path.stat().st_size > 1000
