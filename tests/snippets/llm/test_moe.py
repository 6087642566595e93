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


def test_balancing_loss_divides_top_k_slots_by_k():
    # Top-2 over 4 experts, every expert chosen by exactly half the tokens: still uniform, so 1
    # (not k = 2, which is what counting k slots per token without dividing by kT gives).
    e = 4
    probs = np.full((4, e), 1 / e, "float32")
    mask = np.array([[1, 1, 0, 0], [0, 0, 1, 1], [1, 0, 1, 0], [0, 1, 0, 1]], "float32")
    assert float(load_balancing_loss(probs, mask)) == pytest.approx(1.0)


def test_layer_output_matches_a_numpy_reference():
    # y = sum over the top-k of p_i / sum_{j in top-k} p_j * FFN_i(x), computed token by token.
    from snippets.llm.moe import TopKMoE

    rng = np.random.default_rng(0)
    x = rng.normal(size=(5, 6)).astype("float32")
    layer = TopKMoE(num_experts=4, k=2, hidden=3, units=2)
    y = np.asarray(layer(x))
    router, w1, b1, w2, b2 = (np.asarray(w) for w in
                              (layer.router, layer.w1, layer.b1, layer.w2, layer.b2))
    for t in range(len(x)):
        logits = x[t] @ router
        p = np.exp(logits - logits.max())
        p /= p.sum()
        top = np.argsort(p)[-2:]
        expected = sum(p[i] / p[top].sum() * (np.maximum(x[t] @ w1[i] + b1[i], 0) @ w2[i] + b2[i])
                       for i in top)
        np.testing.assert_allclose(y[t], expected, rtol=1e-5, atol=1e-6)


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
