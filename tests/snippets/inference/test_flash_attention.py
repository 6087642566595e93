import numpy as np
import pytest

from snippets.inference.flash_attention import flash_attention, peak_bytes, random_qkv, run, standard_attention


@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("n,block_q,block_k", [
    (1, 16, 16), (64, 16, 16), (100, 32, 16), (257, 64, 64), (300, 128, 48), (130, 256, 256),
])
def test_tiled_attention_equals_standard_attention(n, block_q, block_k, causal):
    q, k, v = random_qkv(n, 24, seed=n)
    q *= 3.0  # large scores: without the running-max rescaling exp() would be far off
    np.testing.assert_allclose(flash_attention(q, k, v, block_q, block_k, causal),
                               standard_attention(q, k, v, causal), rtol=1e-10, atol=1e-12)


def test_float32_matches_to_float32_tolerance():
    q, k, v = random_qkv(333, 64, seed=3, dtype=np.float32)
    got = flash_attention(q, k, v, 64, 32, causal=True)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, standard_attention(q, k, v, causal=True), rtol=1e-4, atol=1e-5)


def test_tiled_attention_never_holds_the_n_by_n_score_matrix():
    n, d, block = 1024, 16, 64
    q, k, v = random_qkv(n, d)
    scores = n * n * q.itemsize  # 8 MiB in float64
    assert peak_bytes(standard_attention, q, k, v) >= scores  # the reference does build it
    # The tiled version holds the output (n x d) and a few block x block tiles.
    tiled = peak_bytes(flash_attention, q, k, v, block, block)
    assert tiled < n * d * q.itemsize + 8 * block * block * q.itemsize < scores / 8


def test_run_summary():
    r = run(quick=True)
    assert r["full"]["max_abs_diff"] < 1e-12 and r["causal"]["max_abs_diff"] < 1e-12
    assert r["peak_tiled"] < r["score_matrix_bytes"] < r["peak_standard"]
