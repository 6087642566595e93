import numpy as np
import pytest

from snippets.diffusion.guided_ddpm import ddim_steps, run, within_class_diversity


def test_ddim_visits_first_and_last_step_in_order():
    steps = ddim_steps(200, 50)
    assert steps[0] == 199 and steps[-1] == 0 and len(steps) == 50
    assert np.all(np.diff(steps) < 0)


def test_within_class_diversity_is_zero_for_copies():
    labels = np.array([0, 0, 1, 1])
    assert within_class_diversity(np.array([[0.0, 0], [0, 0], [5, 5], [5, 5]]), labels) == pytest.approx(0.0, abs=1e-6)
    # Pairs 3 and 1 apart: the class means are 3 and 1, their mean 2.
    assert within_class_diversity(np.array([[0.0, 0], [3, 0], [5, 5], [5, 6]]), labels) == pytest.approx(2.0)


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
    # Bugs planted by hand, each caught here: x0_hat with (1 - abar) instead of its square
    # root gave DDIM accuracy 0.71; abar of the next visited step in x0_hat gave NaN. Before
    # x0_hat was clipped, such bugs gave 0.10-0.32 accuracy (chance 0.10) and Fréchet 41-53.
    d, a = quick["ddim"][1.0], quick["ancestral"][1.0]
    assert d["accuracy"] > 0.8
    assert d["accuracy"] > a["accuracy"] - 0.1
    assert d["frechet"] < 1.5 * a["frechet"]
    # Guidance works through DDIM too.
    assert quick["ddim"][1.0]["accuracy"] > quick["ddim"][0.0]["accuracy"]


def test_figure_is_written(quick):
    for path in quick["figures"]:
        assert path.is_file() and path.stat().st_size > 1000
