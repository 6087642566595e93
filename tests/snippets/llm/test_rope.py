"""RoPE: the query-key score depends on positions only through m - n; added
sinusoidal embeddings do not have that property."""

import numpy as np
import pytest

from snippets.llm.rope import (
    additive_score,
    apply_rope,
    main,
    rope_frequencies,
    rope_rotate_half,
    rope_score,
    run,
)

D = 64
RNG = np.random.default_rng(0)
Q, K = RNG.normal(size=(2, D))
W_Q, W_K = RNG.normal(size=(2, D, D)) / np.sqrt(D)


@pytest.mark.parametrize("m,n", [(0, 0), (7, 3), (3, 7), (100, 1), (2047, 2000)])
@pytest.mark.parametrize("shift", [1, 13, 500, 4096])
def test_rope_score_depends_only_on_m_minus_n(m, n, shift):
    assert rope_score(Q, K, m + shift, n + shift) == pytest.approx(rope_score(Q, K, m, n), abs=1e-9)


def test_rope_score_does_change_with_the_distance():
    # guards against a "rotation" that cancels out (e.g. the same angle for q and k whatever n)
    scores = {rope_score(Q, K, m, 0) for m in range(8)}
    assert max(scores) - min(scores) > 1.0


def test_added_sinusoids_change_the_score_when_both_positions_shift():
    for m, n in [(7, 3), (100, 1), (2047, 2000)]:
        before = additive_score(Q, K, W_Q, W_K, m, n)
        after = additive_score(Q, K, W_Q, W_K, m + 13, n + 13)
        assert abs(after - before) > 0.05, (m, n, before, after)


def test_rope_is_a_rotation_norms_unchanged_and_position_zero_is_identity():
    x = RNG.normal(size=(5, D))
    rotated = apply_rope(x, np.arange(5) * 37)
    np.testing.assert_allclose(np.linalg.norm(rotated, axis=-1), np.linalg.norm(x, axis=-1))
    np.testing.assert_array_equal(apply_rope(x[:1], [0]), x[:1])
    assert rope_frequencies(D)[0] == 1.0 and rope_frequencies(D)[-1] > 1e-4


def test_frequencies_are_the_papers_theta_i():
    # theta_i = 10000^(-2i/d), i = 0..d/2-1 (RoFormer; Vaswani et al., 2017, section 3.5). The
    # tempting base^(-i/d) still gives relative scores, so only this check catches it.
    theta = rope_frequencies(D)
    assert len(theta) == D // 2
    for i in (0, 1, 7, D // 2 - 1):
        assert theta[i] == pytest.approx(10000 ** (-2 * i / D), rel=1e-12)


def test_rotate_half_layout_is_the_same_rope_with_permuted_dimensions():
    x = RNG.normal(size=(4, D))
    positions = [0, 1, 50, 999]
    perm = np.concatenate([np.arange(0, D, 2), np.arange(1, D, 2)])  # pairs (2i, 2i+1) -> (i, i+d/2)
    np.testing.assert_allclose(rope_rotate_half(x[:, perm], positions), apply_rope(x, positions)[:, perm],
                               atol=1e-12)


def test_run_and_main(tmp_path, capsys):
    result = run(quick=True, figures_dir=tmp_path)
    assert np.ptp(result["rope"]) < 1e-9 < np.ptp(result["sinusoidal"])
    assert result["figure"].stat().st_size > 5000
    main([])
    assert "RoPE" in capsys.readouterr().out
