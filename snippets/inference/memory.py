"""Back-of-envelope memory and cost for training and serving LLMs.

Reproduces the per-GPU memory of model states in the ZeRO paper's example
(Rajbhandari et al., 2020, Figure 1), the KV-cache size of Llama 3.1 8B from
its published configuration, per-GPU weight memory under tensor and
pipeline parallelism, the pipeline bubble, training GPU-hours at a given
MFU, and the cost of a million generated tokens on a memory-bound GPU.

    python -m snippets.inference.memory

Everything is arithmetic: change the constants (model config, GPU peak and
bandwidth, price) to size your own run. The figures ignore activations,
temporary buffers and fragmentation, which a real run must add.
"""


from snippets.inference.kv_cache import kv_cache_bytes
from snippets._example import parser

GB = 1e9  # the ZeRO paper's figures are in decimal gigabytes

# Llama 3.1 8B, from its official config.json (meta-llama/Llama-3.1-8B on Hugging Face).
LLAMA_3_1_8B = dict(num_hidden_layers=32, num_attention_heads=32, num_key_value_heads=8, hidden_size=4096,
                    intermediate_size=14336, vocab_size=128256, max_position_embeddings=131072)

# H100 SXM (80 GB HBM3), NVIDIA's datasheet: dense BF16 tensor-core peak and memory bandwidth.
H100_BF16_FLOPS = 989e12
H100_BYTES_PER_S = 3.35e12


# --8<-- [start:zero]
def zero_model_states_per_gpu(psi, n_d, k=12, stage=0):
    """Bytes of model states per GPU under ZeRO-DP (Rajbhandari et al., 2020, Section 5).

    Mixed-precision Adam keeps 2 bytes of fp16 weights and 2 of fp16 gradients
    per parameter, plus K = 12 bytes of optimizer state (fp32 master weights,
    momentum, variance). Stage 1 (P_os) shards the optimizer state over the
    n_d data-parallel GPUs, stage 2 (P_os+g) the gradients too, stage 3
    (P_os+g+p) the weights too.
    """
    weights, grads, optim = 2 * psi, 2 * psi, k * psi
    if stage >= 1:
        optim /= n_d
    if stage >= 2:
        grads /= n_d
    if stage >= 3:
        weights /= n_d
    return weights + grads + optim
# --8<-- [end:zero]


# --8<-- [start:kv]
def kv_cache_bytes_per_token(config, bytes_per_value=2):
    """K and V for every layer and KV head, read off a Hugging Face style config.json."""
    head_dim = config["hidden_size"] // config["num_attention_heads"]
    return kv_cache_bytes(config["num_hidden_layers"], config["num_key_value_heads"], head_dim,
                          bytes_per_value=bytes_per_value)
# --8<-- [end:kv]


# --8<-- [start:parallel]
def weights_per_gpu(n_params, bytes_per_param=2, tp=1, pp=1, zero3_dp=1):
    """Weight bytes one GPU holds: tensor parallelism splits every matrix over tp GPUs,
    pipeline parallelism splits the layers over pp stages, ZeRO-3/FSDP shards what is
    left over the data-parallel group (gathered layer by layer when needed).
    Assumes even splits; embeddings and the first/last stage make real splits uneven."""
    return n_params * bytes_per_param / (tp * pp * zero3_dp)


def pipeline_bubble(p, m):
    """Idle fraction of a GPipe or 1F1B schedule with p stages and m micro-batches."""
    return (p - 1) / (m + p - 1)
# --8<-- [end:parallel]


# --8<-- [start:cost]
def training_gpu_hours(n_params, tokens, peak_flops=H100_BF16_FLOPS, mfu=0.4):
    """GPU-hours for C = 6 N D training FLOPs at model-FLOPs utilisation `mfu`."""
    return 6 * n_params * tokens / (peak_flops * mfu) / 3600


def decode_cost_per_million_tokens(n_params, batch, context, config, usd_per_gpu_hour,
                                   bytes_per_param=2, bandwidth=H100_BYTES_PER_S,
                                   peak_flops=H100_BF16_FLOPS, mfu=0.5):
    """Dollars per million generated tokens on one GPU, decoding `batch` sequences at once.

    Each step reads every weight once plus each sequence's KV cache, and does
    2 N FLOPs per sequence; the step takes whichever is slower (a roofline).
    """
    read = n_params * bytes_per_param + batch * context * kv_cache_bytes_per_token(config)
    step_seconds = max(read / bandwidth, 2 * n_params * batch / (peak_flops * mfu))
    tokens_per_hour = batch / step_seconds * 3600
    return usd_per_gpu_hour / tokens_per_hour * 1e6, batch / step_seconds
# --8<-- [end:cost]


def run(quick=False, figures_dir=None):
    psi, n_d = 7.5e9, 64
    zero = {stage: zero_model_states_per_gpu(psi, n_d, stage=stage) / GB for stage in range(4)}
    kv_token = kv_cache_bytes_per_token(LLAMA_3_1_8B)
    kv_full = kv_token * LLAMA_3_1_8B["max_position_embeddings"]
    weights_70b = {f"tp{tp}_pp{pp}": weights_per_gpu(70e9, 2, tp, pp) / GB for tp, pp in ((1, 1), (8, 1), (8, 2))}
    # Llama 3 405B: 15.6T tokens (Llama 3 paper); the model card reports 30.84M H100 GPU-hours.
    hours_405b_at_40 = training_gpu_hours(405e9, 15.6e12, mfu=0.40)
    implied_mfu = 6 * 405e9 * 15.6e12 / (30.84e6 * 3600 * H100_BF16_FLOPS)
    cost = {batch: decode_cost_per_million_tokens(8e9, batch, 2048, LLAMA_3_1_8B, usd_per_gpu_hour=2.0)
            for batch in (1, 16, 64)}
    return dict(zero_gb=zero, kv_bytes_per_token=kv_token, kv_bytes_full_context=kv_full,
                weights_70b_gb=weights_70b, bubble_p4_m16=pipeline_bubble(4, 16),
                gpu_hours_405b_mfu40=hours_405b_at_40, implied_mfu_405b=implied_mfu, decode_cost=cost)


def main(argv=None):
    cli = parser(__doc__, quick_help="same as default (a calculator)")
    cli.parse_args(argv)
    r = run()
    names = ["baseline DP", "ZeRO-1 (P_os)", "ZeRO-2 (P_os+g)", "ZeRO-3 (P_os+g+p)"]
    print("ZeRO example, 7.5B parameters on 64 GPUs, model states per GPU:")
    for stage, name in enumerate(names):
        print(f"  {name:<18} {r['zero_gb'][stage]:6.1f} GB")
    print(f"Llama 3.1 8B KV cache: {r['kv_bytes_per_token'] / 2**10:.0f} KiB per token, "
          f"{r['kv_bytes_full_context'] / 2**30:.0f} GiB for one 131,072-token sequence (bf16)")
    print("70B bf16 weights per GPU: " + ", ".join(f"{k} {v:.2f} GB" for k, v in r["weights_70b_gb"].items()))
    print(f"Pipeline bubble, 4 stages, 16 micro-batches: {r['bubble_p4_m16']:.1%}")
    print(f"Llama 3 405B at 40% MFU: {r['gpu_hours_405b_mfu40'] / 1e6:.1f}M H100-hours; "
          f"the model card's 30.84M imply {r['implied_mfu_405b']:.0%}")
    for batch, (usd, tps) in r["decode_cost"].items():
        print(f"8B decode, batch {batch:>2}, 2,048-token context, $2/GPU-hour: {tps:7.0f} tokens/s, ${usd:.2f} per 1M tokens")
    return r


if __name__ == "__main__":
    main()
