import pytest

from snippets.inference.memory import (
    GB,
    LLAMA_3_1_8B,
    decode_cost_per_million_tokens,
    kv_cache_bytes_per_token,
    main,
    pipeline_bubble,
    training_gpu_hours,
    weights_per_gpu,
    zero_model_states_per_gpu,
)


def test_zero_paper_figure_1():
    """Rajbhandari et al. (2020), Figure 1: 7.5B parameters, 64 GPUs, K = 12, rounded to 0.1 GB."""
    per_gpu = [round(zero_model_states_per_gpu(7.5e9, 64, k=12, stage=s) / GB, 1) for s in range(4)]
    assert per_gpu == [120.0, 31.4, 16.6, 1.9]


def test_zero_stage_3_divides_everything_by_the_data_parallel_degree():
    assert zero_model_states_per_gpu(1e9, 8, stage=3) == pytest.approx(zero_model_states_per_gpu(1e9, 8) / 8)


def test_llama_3_1_8b_kv_cache():
    """32 layers x 8 KV heads x head_dim 128 x (K and V) x 2 bytes = 128 KiB per token; 16 GiB at 131,072 tokens.
    A calculator that used all 32 query heads (no GQA) would give 4x this."""
    per_token = kv_cache_bytes_per_token(LLAMA_3_1_8B)
    assert per_token == 131072
    assert per_token * LLAMA_3_1_8B["max_position_embeddings"] == 16 * 2**30


def test_parallel_weights_and_bubble():
    assert weights_per_gpu(70e9, 2, tp=8, pp=2) / GB == pytest.approx(8.75)
    assert pipeline_bubble(4, 16) == pytest.approx(3 / 19)
    assert pipeline_bubble(1, 1) == 0


def test_training_hours_match_the_llama_3_scale():
    """6 N D for 405B parameters and 15.6T tokens is the Llama 3 paper's 3.8e25 FLOPs; at the paper's
    38-43% MFU that is 24.7-28.0M H100-hours, below the model card's 30.84M (total GPU time; the
    paper reports more than 90% effective training time)."""
    assert 6 * 405e9 * 15.6e12 == pytest.approx(3.8e25, rel=0.01)
    hours = [training_gpu_hours(405e9, 15.6e12, mfu=m) for m in (0.43, 0.38)]
    assert 24e6 < hours[0] < hours[1] < 30.84e6


def test_batching_makes_decoding_cheaper_until_compute_bound():
    costs = [decode_cost_per_million_tokens(8e9, b, 2048, LLAMA_3_1_8B, 2.0)[0] for b in (1, 16, 64)]
    assert costs[0] > 10 * costs[1] > 10 * costs[2] / 4
    # batch 1: one read of 16 GB of weights per token at 3.35 TB/s is about 209 tokens/s
    assert decode_cost_per_million_tokens(8e9, 1, 0, LLAMA_3_1_8B, 2.0)[1] == pytest.approx(3.35e12 / 16e9)


def test_main_prints(capsys):
    main([])
    assert "31.4 GB" in capsys.readouterr().out


def test_the_serving_page_figures():
    """Every calculator figure the cost question shows: 26.6M H100-hours at 40% MFU, the model card's
    30.84M implying 35%, and the decode table (tokens/s, USD per 1M tokens at $2/GPU-hour)."""
    from snippets.inference.memory import run

    r = run()
    assert round(r["gpu_hours_405b_mfu40"] / 1e6, 1) == 26.6
    assert round(r["implied_mfu_405b"], 2) == 0.35
    table = [(round(tps), round(usd, 2)) for usd, tps in (r["decode_cost"][b] for b in (1, 16, 64))]
    assert table == [(206, 2.70), (2641, 0.21), (6462, 0.09)]
    # at batch 64 the KV-cache reads (64 x 2,048 tokens x 128 KiB) exceed the 16 GB of weights
    assert 64 * 2048 * kv_cache_bytes_per_token(LLAMA_3_1_8B) > 16e9
