import pytest

from snippets.llm.compute import (
    DEEPSEEK_V3,
    PUBLISHED,
    adam_mixed_precision_bytes,
    gpt_params,
    main,
    moe_routed_params,
    training_flops,
)


@pytest.mark.parametrize("config", [
    # the tiny GPT-2 of snippets/gpt2/text_generation.py (build_tiny_gpt2), and a second shape
    dict(vocabulary_size=400, num_layers=2, num_heads=2, hidden_dim=64, intermediate_dim=128,
         max_sequence_length=40),
    dict(vocabulary_size=97, num_layers=3, num_heads=4, hidden_dim=32, intermediate_dim=80,
         max_sequence_length=16),
])
def test_count_matches_kerashub_gpt2_exactly(config):
    import keras_hub

    backbone = keras_hub.models.GPT2Backbone(dropout=0.0, **config)
    ours = gpt_params(config["vocabulary_size"], config["max_sequence_length"],
                      config["hidden_dim"], config["num_layers"], d_ff=config["intermediate_dim"])
    assert ours["total"] == backbone.count_params()


def test_gpt2_small_is_124_439_808():
    g = PUBLISHED["gpt2_small"]
    count = gpt_params(g["vocab_size"], g["max_sequence_length"], g["d_model"], g["n_layers"])
    assert count["total"] == g["params"] == 124_439_808
    # the non-embedding count is close to the 12 * n_layers * d^2 rule of thumb
    assert count["non_embedding"] == pytest.approx(12 * 12 * 768**2, rel=0.002)


def test_six_nd_reproduces_reported_training_compute():
    for name in ("gpt3_175b", "llama3_405b"):
        p = PUBLISHED[name]
        # the papers round to 3 and 2 significant figures
        assert training_flops(p["params"], p["tokens"]) == pytest.approx(p["flops"], rel=0.005)


def test_mixed_precision_adam_is_16_bytes_per_parameter():
    assert sum(adam_mixed_precision_bytes(1).values()) == 16
    p = PUBLISHED["zero_gpt2_1p5b"]
    assert sum(adam_mixed_precision_bytes(p["params"]).values()) == p["bytes"]


def test_deepseek_v3_active_parameters_follow_from_its_config():
    ds = DEEPSEEK_V3
    moe = moe_routed_params(ds["n_layers"] - ds["n_dense_layers"], ds["n_routed_experts"],
                            ds["n_active_experts"], ds["d_model"], ds["d_expert"])
    published = PUBLISHED["deepseek_v3"]
    # 671B total minus the expert weights a token never touches leaves the 37B active
    assert published["total"] - moe["inactive"] == pytest.approx(published["active"], rel=0.02)


def test_main_prints_and_returns_the_same_numbers(capsys):
    r = main([])
    assert "124,439,808" in capsys.readouterr().out
    assert r["bytes_per_param"] == 16


def test_attention_scores_add_little_to_gpt3_forward_flops():
    from snippets.llm.compute import forward_flops_per_token

    # GPT-3 175B: 96 layers, d_model 12288, context 2048 (Brown et al., Table 2.1)
    n = PUBLISHED["gpt3_175b"]["params"]
    extra = forward_flops_per_token(n, 96, 2048, 12288) / (2 * n) - 1
    assert extra == pytest.approx(0.0138, abs=0.0005)  # the 1.4% the page states
