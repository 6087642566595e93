import numpy as np
import pytest
from scipy.stats import kendalltau

from snippets.post_training.reward_model import fit_reward, kendall_tau, main, make_preferences


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    """One quick fit (1,000 labelled pairs, 200 steps) shared by the tests."""
    return main(["--quick", "--figures", str(tmp_path_factory.mktemp("figures"))])


def test_kendall_tau_matches_scipy():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=40), rng.normal(size=40)
    assert kendall_tau(a, b) == pytest.approx(kendalltau(a, b).statistic)


def test_recovers_hidden_ranking_on_held_out_items(quick):
    # Threshold stated on the page: tau > 0.85 on 100 items never compared in training
    # (measured 0.919 at seed 0; 0.886-0.914 at seeds 1-3).
    assert quick["tau_reward_model"] > 0.85


def test_beats_the_baselines(quick):
    # Nearest compared item's win rate (0.47) and a random reward direction (-0.07).
    assert quick["tau_reward_model"] > quick["tau_nearest_win_rate"] + 0.3
    assert quick["tau_reward_model"] > abs(quick["tau_random_reward"]) + 0.5


def test_loss_falls_from_log_2(quick):
    assert quick["losses"][0] == pytest.approx(np.log(2))
    assert quick["losses"][-1] < 0.35


def test_only_differences_are_identified():
    # Adding a constant to every reward leaves the loss unchanged: the fit sees x_w - x_l only.
    d = make_preferences(n_pairs=300, seed=1)
    x_shifted = d["x"] + 5.0
    w1, _ = fit_reward(d["x"], d["winner"], d["loser"], steps=50)
    w2, _ = fit_reward(x_shifted, d["winner"], d["loser"], steps=50)
    np.testing.assert_allclose(w1, w2)


def test_figure_is_written(quick):
    assert quick["figure"].is_file() and quick["figure"].stat().st_size > 1000
