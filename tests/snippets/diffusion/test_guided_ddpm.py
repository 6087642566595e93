import numpy as np
import pytest
import tensorflow as tf

from snippets.diffusion import guided_ddpm
from snippets.diffusion.guided_ddpm import ddim_steps, linear_schedule, run, within_class_diversity


def test_ddim_visits_first_and_last_step_in_order():
    steps = ddim_steps(200, 50)
    assert steps[0] == 199 and steps[-1] == 0 and len(steps) == 50
    assert np.all(np.diff(steps) < 0)


def test_within_class_diversity_is_zero_for_copies():
    labels = np.array([0, 0, 1, 1])
    assert within_class_diversity(np.array([[0.0, 0], [0, 0], [5, 5], [5, 5]]), labels) == pytest.approx(0.0, abs=1e-6)
    # Pairs 3 and 1 apart: the class means are 3 and 1, their mean 2.
    assert within_class_diversity(np.array([[0.0, 0], [3, 0], [5, 5], [5, 6]]), labels) == pytest.approx(2.0)


class ExactEps:
    """The best possible noise predictor for data N(mean, std^2 I), in closed form:
    eps = (x_t - sqrt(abar_t) E[x_0 | x_t]) / sqrt(1 - abar_t). With std = 0 every
    training image is `mean`. Reads the step index t from its second input."""

    def __init__(self, alpha_bars, mean, std):
        self.alpha_bars, self.mean, self.std = alpha_bars, tf.constant(mean, tf.float32), std
        self.input_shape = [(None, len(mean)), (None, 1)]

    def __call__(self, inputs, training=False):
        x, t = inputs
        abar = tf.gather(self.alpha_bars, tf.cast(t[:, 0], tf.int32))[:, None]
        x0 = self.mean + tf.sqrt(abar) * self.std**2 / (abar * self.std**2 + 1 - abar) * (x - tf.sqrt(abar) * self.mean)
        return (x - tf.sqrt(abar) * x0) / tf.sqrt(1 - abar)


MEAN = np.linspace(-0.5, 0.5, 4).astype("float32")


def step_index(t, labels):
    return tf.cast(t, tf.float32)[:, None]


@pytest.fixture
def exact(monkeypatch):
    # The samplers pass embedding(t, labels) to the network; hand it the raw step index.
    monkeypatch.setattr(guided_ddpm, "embedding", step_index)
    schedule = linear_schedule(200)
    return schedule, lambda std: ExactEps(schedule["alpha_bars"], MEAN, std)


def test_samplers_return_the_only_training_image_exactly(exact):
    # With one training image x*, the exact eps makes x0_hat = x* at every step, so
    # both samplers must return x*. Any abar that is not the one q_sample used at the
    # network's step index breaks this: both abar indices one step off (max error
    # 0.016 when planted), a missing square root (0.44), the next step's abar in x0_hat.
    schedule, model = exact
    labels = np.zeros(256, "int32")
    for sampler in (guided_ddpm.sample_ddim, guided_ddpm.sample_ancestral):
        out = sampler(model(0.0), schedule, labels, 1.0, 200, seed=0)
        assert np.abs(out - MEAN).max() < 1e-4, sampler.__name__


def test_ddim_matches_song_et_al_eq_12_step_by_step(exact):
    # Gaussian data, exact eps: the 50-step sampler against a float64 transcription of
    # DDIM's eta = 0 update (with the same clipping of x0_hat). Catches what a point mass
    # cannot: a wrong target abar_s, alphas used for alpha_bars, abar indices off by one
    # except at the last step (std of the samples 0.180 instead of 0.176).
    schedule, model = exact
    labels, std = np.zeros(512, "int32"), 0.2
    out = guided_ddpm.sample_ddim(model(std), schedule, labels, 0.0, 200, n_steps=50, seed=0)
    abars = schedule["alpha_bars"].numpy().astype("float64")
    x = tf.random.Generator.from_seed(0).normal([len(labels), len(MEAN)]).numpy().astype("float64")
    visited = ddim_steps(200, 50)
    for i, t in enumerate(visited):
        a_t, a_s = abars[t], (abars[visited[i + 1]] if i + 1 < len(visited) else 1.0)
        x0_mean = MEAN + np.sqrt(a_t) * std**2 / (a_t * std**2 + 1 - a_t) * (x - np.sqrt(a_t) * MEAN)
        eps = (x - np.sqrt(a_t) * x0_mean) / np.sqrt(1 - a_t)
        x0_hat = np.clip((x - np.sqrt(1 - a_t) * eps) / np.sqrt(a_t), -1, 1)
        eps = (x - np.sqrt(a_t) * x0_hat) / np.sqrt(1 - a_t)
        x = np.sqrt(a_s) * x0_hat + np.sqrt(1 - a_s) * eps
    assert np.abs(out - np.clip(x, -1, 1)).max() < 1e-3
    # And it is a sampler of the data: mean and spread close to N(MEAN, 0.2^2).
    assert np.abs(out.mean(0) - MEAN).max() < 0.05 and 0.15 < out.std(0).mean() < 0.23


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    # One quick model (~4 s of training) shared by every test below.
    return run(quick=True, figures_dir=tmp_path_factory.mktemp("figures"), verbose=False)


def test_guidance_raises_requested_class_accuracy(quick):
    # Measured at seeds 0 and 1: 0.79 / 0.77 at w=0, 0.985 / 0.99 at w=1, 1.0 at w=3.
    a = quick["ancestral"]
    assert a[0.0]["accuracy"] < a[1.0]["accuracy"] <= a[3.0]["accuracy"]
    assert a[3.0]["accuracy"] - a[0.0]["accuracy"] > 0.1
    assert a[3.0]["accuracy"] > 0.95
    # A sampler that ignored the condition (or an unconditional branch never trained
    # because condition dropout was left out) would sit near chance, 0.1.
    assert a[0.0]["accuracy"] > 0.5


def test_guidance_lowers_within_class_diversity(quick):
    # Measured: ~4.2 -> ~3.7 -> ~3.0 mean pairwise distance (real digits ~4.5).
    a = quick["ancestral"]
    assert a[0.0]["diversity"] > a[1.0]["diversity"] > a[3.0]["diversity"]
    assert a[3.0]["diversity"] < 0.85 * a[0.0]["diversity"]


def test_50_step_ddim_matches_the_full_ancestral_sampler(quick):
    # Measured at w=1: DDIM 0.94-0.95 accuracy, Fréchet ~2.5; ancestral 0.985-0.99, ~2.8.
    # Planted by hand: (1 - abar) instead of its square root in x0_hat gives 0.71 and
    # Fréchet 10.4, alphas instead of alpha_bars 0.18 (chance 0.10): caught here. The next
    # step's abar in x0_hat (0.90, Fréchet 3.9) and both abar indices one step late (0.94,
    # 2.5) pass here; the exact-eps tests above catch them.
    d, a = quick["ddim"][1.0], quick["ancestral"][1.0]
    assert d["accuracy"] > 0.8
    assert d["accuracy"] > a["accuracy"] - 0.1
    assert d["frechet"] < 1.5 * a["frechet"]
    # Guidance works through DDIM too.
    assert quick["ddim"][1.0]["accuracy"] > quick["ddim"][0.0]["accuracy"]


def test_figure_is_written(quick):
    for path in quick["figures"]:
        assert path.is_file() and path.stat().st_size > 1000
