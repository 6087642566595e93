"""Causal multi-head attention from scratch: it equals Keras's layer with the same
weights, and no output can see a later token."""

import numpy as np
import pytest

from snippets.llm.attention import (
    attention_cost,
    causal_mask,
    init_weights,
    keras_reference,
    main,
    multi_head_attention,
    run,
    scaled_dot_product_attention,
)

D_MODEL, HEADS, KEY_DIM, N = 32, 4, 8, 12


@pytest.fixture(scope="module")
def setup():
    x = np.random.default_rng(1).normal(size=(2, N, D_MODEL))
    return x, init_weights(D_MODEL, HEADS, KEY_DIM, seed=1)


@pytest.mark.parametrize("causal", [True, False])
def test_matches_keras_multi_head_attention(setup, causal):
    x, w = setup
    ours, _ = multi_head_attention(x, w, causal=causal)
    np.testing.assert_allclose(ours, keras_reference(x, w, causal=causal), atol=1e-6, rtol=1e-6)


def test_a_future_token_never_changes_an_earlier_output(setup):
    # Replace every token after t by noise: outputs 0..t must not change at all, not even
    # in the last bit. A mask shifted by one (query t sees t+1) fails here.
    x, w = setup
    base, weights = multi_head_attention(x, w)
    rng = np.random.default_rng(2)
    for t in range(N - 1):
        changed = x.copy()
        changed[:, t + 1:] = rng.normal(size=changed[:, t + 1:].shape) * 10
        out, _ = multi_head_attention(changed, w)
        assert np.array_equal(out[:, : t + 1], base[:, : t + 1]), f"output {t} saw a later token"
        assert not np.allclose(out[:, t + 1:], base[:, t + 1:])  # the later outputs do change
    # and the attention weights on the future are exactly zero, each row summing to 1
    assert np.all(weights[..., ~causal_mask(N)] == 0)
    np.testing.assert_allclose(weights.sum(-1), 1.0)


def test_the_first_token_only_attends_to_itself():
    # With the diagonal masked (the other off-by-one), row 0 would be all -inf and NaN.
    q, k, v = (np.random.default_rng(3).normal(size=(5, 4)) for _ in range(3))
    out, weights = scaled_dot_product_attention(q, k, v, causal_mask(5))
    assert weights[0, 0] == 1.0
    np.testing.assert_allclose(out[0], v[0])


def test_scaling_keeps_score_variance_near_one_for_any_head_size():
    rng = np.random.default_rng(4)
    for d_k in (16, 64, 256):
        q, k = rng.normal(size=(2, 4000, d_k))
        raw = np.einsum("nd,nd->n", q, k)
        assert abs(raw.var() / d_k - 1) < 0.1  # unscaled variance grows like d_k
        assert abs((raw / np.sqrt(d_k)).var() - 1) < 0.1


def test_cost_grows_with_the_square_of_the_length():
    a, b = attention_cost(1024, 4096, 32), attention_cost(2048, 4096, 32)
    assert b["attention_flops"] == 4 * a["attention_flops"]
    assert b["score_matrix_bytes"] == 4 * a["score_matrix_bytes"]
    assert a["score_matrix_bytes"] == 32 * 1024 * 1024 * 2  # 64 MiB of fp16 scores per layer


def test_run_and_main(capsys):
    assert run(quick=True)["max_abs_error_vs_keras"] < 1e-6
    main(["--quick"])
    assert "max |ours - keras|" in capsys.readouterr().out
