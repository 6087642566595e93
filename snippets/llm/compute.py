"""How big, how much compute, how much memory: a GPT calculator.

What it shows
- The parameter count of a GPT-2-style decoder from its shape (vocabulary, context,
  width, depth), layer by layer. It agrees exactly with KerasHub's GPT2Backbone
  (the tests build one and compare count_params()) and with GPT-2 small's
  published 124,439,808.
- Training compute with the C ~ 6ND rule (2 FLOPs per parameter per token forward,
  4 backward), checked against the totals that GPT-3 and Llama 3 report.
- Training memory for mixed-precision Adam: 2 + 2 + 12 = 16 bytes per parameter
  (ZeRO paper), before activations.
- Total against active parameters of a mixture-of-experts model from its config
  (DeepSeek-V3: 671B total, 37B active).

Run
    python -m snippets.llm.compute            # prints the tables the page shows

What to change in practice
- Pass your model's config to gpt_params(); for Llama-style models (RMSNorm, no
  biases, SwiGLU with three FFN matrices, untied output) adapt the per-layer terms.
- 6ND ignores the attention-score FLOPs (about 6 * n_layers * n_ctx * d_model per
  token); at long contexts add them.
"""

from snippets._example import parser

# --8<-- [start:params]
def gpt_params(vocab_size, max_sequence_length, d_model, n_layers, d_ff=None, tied=True):
    """Parameters of a GPT-2-style decoder: learned positions, LayerNorm, biases, GELU FFN."""
    d_ff = 4 * d_model if d_ff is None else d_ff
    embeddings = vocab_size * d_model + max_sequence_length * d_model  # tokens + positions
    attention = 4 * d_model * d_model + 4 * d_model  # W_q, W_k, W_v, W_o and their biases
    ffn = 2 * d_model * d_ff + d_ff + d_model  # up and down projections with biases
    layer_norms = 2 * 2 * d_model  # two LayerNorms per block, each a scale and a shift
    per_layer = attention + ffn + layer_norms
    final_norm = 2 * d_model
    head = 0 if tied else vocab_size * d_model  # GPT-2 reuses the token embedding as output
    total = embeddings + n_layers * per_layer + final_norm + head
    return {
        "embeddings": embeddings,
        "per_layer": per_layer,
        "attention_per_layer": attention,
        "ffn_per_layer": ffn,
        "non_embedding": n_layers * per_layer,  # ~12 * n_layers * d_model^2, Kaplan's N
        "total": total,
    }
# --8<-- [end:params]


# --8<-- [start:compute]
def training_flops(n_params, n_tokens):
    """C ~ 6ND: a forward pass costs ~2 FLOPs per parameter per token, the backward ~4."""
    return 6 * n_params * n_tokens


def forward_flops_per_token(n_params, n_layers, n_ctx, d_model):
    """Kaplan et al. (2020), Table 1: 2N plus the attention scores, 2 * n_layers * n_ctx * d_model."""
    return 2 * n_params + 2 * n_layers * n_ctx * d_model


def adam_mixed_precision_bytes(n_params):
    """ZeRO (Rajbhandari et al., 2020), section 3.1: 2 + 2 + 12 = 16 bytes per parameter."""
    return {
        "fp16/bf16 weights": 2 * n_params,
        "fp16/bf16 gradients": 2 * n_params,
        "fp32 master weights": 4 * n_params,
        "fp32 Adam momentum": 4 * n_params,
        "fp32 Adam variance": 4 * n_params,
    }
# --8<-- [end:compute]


# --8<-- [start:moe]
def moe_routed_params(n_moe_layers, n_routed_experts, n_active_experts, d_model, d_expert):
    """Routed-expert weights of a SwiGLU MoE (three d_model x d_expert matrices per expert).

    Returns the routed weights in total, those a token uses, and their difference: the
    only part of total parameters that a token does not touch.
    """
    per_expert = 3 * d_model * d_expert  # gate, up and down projections
    total = n_moe_layers * n_routed_experts * per_expert
    active = n_moe_layers * n_active_experts * per_expert
    return {"per_expert": per_expert, "total": total, "active": active, "inactive": total - active}


# DeepSeek-V3, inference/configs/config_671B.json in github.com/deepseek-ai/DeepSeek-V3
DEEPSEEK_V3 = dict(n_layers=61, n_dense_layers=3, n_routed_experts=256, n_active_experts=8,
                   d_model=7168, d_expert=2048)
# --8<-- [end:moe]


# Published figures the calculator is checked against (tests/snippets/llm/test_compute.py).
PUBLISHED = {
    # GPT-2 small: openai/gpt-2 README ("124M"); exact count in KerasHub's gpt2_base_en metadata
    "gpt2_small": dict(vocab_size=50257, max_sequence_length=1024, d_model=768, n_layers=12,
                       params=124_439_808),
    # GPT-3 175B: Brown et al. (2020), Table D.1: 174.6B parameters, 300B tokens, 3.14e23 FLOPs
    "gpt3_175b": dict(params=174.6e9, tokens=300e9, flops=3.14e23),
    # Llama 3 405B: Llama Team (2024), section 1: 405B parameters, 15.6T tokens, 3.8e25 FLOPs
    "llama3_405b": dict(params=405e9, tokens=15.6e12, flops=3.8e25),
    # ZeRO, section 3.1: a 1.5B-parameter GPT-2 needs at least 24 GB for its model states
    "zero_gpt2_1p5b": dict(params=1.5e9, bytes=24e9),
    # DeepSeek-V3 README: 671B total parameters, 37B activated per token
    "deepseek_v3": dict(total=671e9, active=37e9),
}


def run(quick=False, figures_dir=None):
    """Every number the page shows. Pure arithmetic: quick and figures_dir change nothing."""
    g2 = PUBLISHED["gpt2_small"]
    gpt2 = gpt_params(g2["vocab_size"], g2["max_sequence_length"], g2["d_model"], g2["n_layers"])
    flops = {name: training_flops(PUBLISHED[name]["params"], PUBLISHED[name]["tokens"])
             for name in ("gpt3_175b", "llama3_405b")}
    memory = adam_mixed_precision_bytes(1)
    zero = sum(adam_mixed_precision_bytes(PUBLISHED["zero_gpt2_1p5b"]["params"]).values())
    ds = DEEPSEEK_V3
    moe = moe_routed_params(ds["n_layers"] - ds["n_dense_layers"], ds["n_routed_experts"],
                            ds["n_active_experts"], ds["d_model"], ds["d_expert"])
    return {
        "gpt2_small": gpt2,
        "training_flops": flops,
        "bytes_per_param": sum(memory.values()),
        "bytes_breakdown": memory,
        "zero_gpt2_1p5b_bytes": zero,
        "deepseek_v3_routed": moe,
        "deepseek_v3_total_minus_inactive": PUBLISHED["deepseek_v3"]["total"] - moe["inactive"],
    }


def main(argv=None):
    cli = parser(__doc__, quick_help="same output (pure arithmetic)")
    args = cli.parse_args(argv)
    r = run(args.quick, args.figures)
    g = r["gpt2_small"]
    print(f"GPT-2 small: {g['total']:,} parameters "
          f"(embeddings {g['embeddings']:,}, {g['per_layer']:,} per block, "
          f"non-embedding {g['non_embedding']:,})")
    for name, c in r["training_flops"].items():
        print(f"{name}: 6ND = {c:.3g} FLOPs (reported {PUBLISHED[name]['flops']:.3g})")
    print(f"mixed-precision Adam: {r['bytes_per_param']} bytes per parameter; "
          f"1.5B GPT-2 -> {r['zero_gpt2_1p5b_bytes'] / 1e9:.0f} GB")
    m = r["deepseek_v3_routed"]
    print(f"DeepSeek-V3 routed experts: {m['total'] / 1e9:.1f}B total, {m['active'] / 1e9:.1f}B active; "
          f"671B - {m['inactive'] / 1e9:.1f}B never used by a token = "
          f"{r['deepseek_v3_total_minus_inactive'] / 1e9:.1f}B (model card: 37B active)")
    return r


if __name__ == "__main__":
    main()
