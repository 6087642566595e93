import numpy as np
import pytest

from snippets.llm.moe import load_balancing_loss, load_stats, main


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    """One quick run (the same MoE, 20 epochs, with and without the loss) for all tests."""
    return main(["--quick", "--figures", str(tmp_path_factory.mktemp("figures"))])


def test_balancing_loss_is_one_when_uniform_and_e_when_collapsed():
    e = 4
    uniform_probs = np.full((8, e), 1 / e, "float32")
    uniform_mask = np.tile(np.eye(e, dtype="float32"), (2, 1))  # each expert gets 2 of 8
    assert float(load_balancing_loss(uniform_probs, uniform_mask)) == pytest.approx(1.0)
    collapsed = np.zeros((8, e), "float32")
    collapsed[:, 0] = 1.0
    assert float(load_balancing_loss(collapsed, collapsed)) == pytest.approx(e)


def test_load_stats_of_a_known_load():
    even = load_stats([0.25] * 4)
    assert even["cv"] == pytest.approx(0.0) and even["entropy"] == pytest.approx(1.0)
    assert even["dropped_at_capacity"] == 0.0
    skewed = load_stats([0.7, 0.1, 0.1, 0.1], capacity_factor=1.0)
    assert skewed["dropped_at_capacity"] == pytest.approx(0.45)  # 0.70 - 0.25


def test_balancing_loss_makes_expert_use_more_even(quick):
    # Measured at seed 0: CV 0.60 without the loss, 0.14 with it.
    assert quick["balance"]["cv"] < 0.5 * quick["no_balance"]["cv"]
    assert quick["balance"]["entropy"] > quick["no_balance"]["entropy"]


def test_at_similar_task_quality(quick):
    # Tolerance stated on the page: within 3 accuracy points and 0.1 nats of test loss.
    b, n = quick["balance"], quick["no_balance"]
    assert b["test_accuracy"] >= n["test_accuracy"] - 0.03
    assert b["test_loss"] <= n["test_loss"] + 0.1
    assert b["test_accuracy"] > 0.9  # both actually learn the task (chance is 0.1)


def test_figure_is_written(quick):
    assert quick["figure"].is_file() and quick["figure"].stat().st_size > 1000
