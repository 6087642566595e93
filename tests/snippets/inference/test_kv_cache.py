import numpy as np
import pytest

from snippets.inference.kv_cache import QUICK, decode, forward, init_params, kv_cache_bytes, run


def _reference_logits(p, tokens, n_prompt):
    """One full forward pass over the final sequence: the logits that chose each new token."""
    return forward(p, np.array(tokens), np.arange(len(tokens)))[n_prompt - 1:-1]


@pytest.mark.parametrize("n_kv_heads", [4, 2, 1])  # multi-head, grouped-query, multi-query
def test_cached_decoding_matches_full_recompute_at_every_step(n_kv_heads):
    p = init_params(**dict(QUICK, n_kv_heads=n_kv_heads), seed=1)
    prompt = [3, 1, 4, 1, 5]
    tokens, steps = decode(p, prompt, 20, use_cache=True)
    # Every step, not only the last: a cache holding stale or shifted keys breaks the
    # logits from the first step that reads them, even when argmax happens to agree.
    np.testing.assert_allclose(steps, _reference_logits(p, tokens, len(prompt)), atol=1e-4, rtol=1e-4)
    assert tokens == decode(p, prompt, 20, use_cache=False)[0]


def test_a_prompt_of_one_token_and_the_run_summary():
    p = init_params(**QUICK, seed=2)
    tokens, steps = decode(p, [7], 10, use_cache=True)
    np.testing.assert_allclose(steps, _reference_logits(p, tokens, 1), atol=1e-4, rtol=1e-4)
    r = run(quick=True)
    assert r["same_tokens"] and r["max_abs_diff"] < 1e-4


def test_kv_cache_size_of_llama_3_1_8b():
    # meta-llama/llama-models sku_list.py: dim 4096, n_layers 32, n_heads 32, n_kv_heads 8 -> head_dim 128.
    assert kv_cache_bytes(32, 8, 4096 // 32) == 128 * 1024
    assert kv_cache_bytes(32, 8, 128, tokens=128 * 1024) == 16 * 2**30
    assert kv_cache_bytes(32, 32, 128) == 4 * kv_cache_bytes(32, 8, 128)  # GQA with 8 KV heads: 4x smaller
