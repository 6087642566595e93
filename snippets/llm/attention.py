"""Causal multi-head self-attention from scratch in NumPy.

What it shows
- Scaled dot-product attention, softmax(Q K^T / sqrt(d_k)) V, with a causal mask:
  position t may look at positions 0..t and nothing later.
- Multi-head attention: project to h heads of size d_k, attend in each head,
  concatenate, project back. The weights use the shapes of
  `keras.layers.MultiHeadAttention`, so the test can load the same weights into
  Keras and compare the outputs.
- The cost: one n-by-n score matrix per head, so time and memory grow as n^2.

Run
    python -m snippets.llm.attention          # compares with Keras, prints the n^2 growth

What to change in practice
- Real implementations never build the n-by-n matrix in memory: they call a fused
  kernel (FlashAttention; `keras.ops.dot_product_attention`), which gives the same
  result. During generation they also keep a KV cache instead of recomputing K and V.
"""


import numpy as np

from snippets._example import parser

# --8<-- [start:attention]
def causal_mask(n):
    """True where query i may attend to key j, i.e. j <= i (lower triangle, diagonal included)."""
    return np.tril(np.ones((n, n), dtype=bool))


def softmax(x, axis=-1):
    x = x - x.max(axis=axis, keepdims=True)  # subtract the row max: exp never overflows
    e = np.exp(x)
    return e / e.sum(axis=axis, keepdims=True)


def scaled_dot_product_attention(q, k, v, mask=None):
    """q, k: (..., n, d_k); v: (..., n, d_v). Returns (output, attention weights)."""
    d_k = q.shape[-1]
    # Dividing by sqrt(d_k) keeps the scores' variance near 1 whatever the head size,
    # so the softmax does not saturate into a one-hot with vanishing gradients.
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(d_k)  # (..., n, n): the O(n^2) part
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)  # exp(-inf) = 0 exactly: no leak from the future
    weights = softmax(scores)
    return weights @ v, weights
# --8<-- [end:attention]


# --8<-- [start:multi_head]
def init_weights(d_model, num_heads, key_dim, seed=0):
    """Random weights in the shapes keras.layers.MultiHeadAttention uses (and its order)."""
    rng = np.random.default_rng(seed)
    scale = 1 / np.sqrt(d_model)
    w = {}
    for name in ("query", "key", "value"):
        w[name + "_kernel"] = rng.normal(0, scale, (d_model, num_heads, key_dim))
        w[name + "_bias"] = rng.normal(0, 0.1, (num_heads, key_dim))
    w["output_kernel"] = rng.normal(0, scale, (num_heads, key_dim, d_model))
    w["output_bias"] = rng.normal(0, 0.1, (d_model,))
    return w


def multi_head_attention(x, w, causal=True):
    """x: (batch, n, d_model) -> (batch, n, d_model), plus weights (batch, heads, n, n)."""
    # Project every token to h heads at once: (batch, n, d_model) x (d_model, h, d_k) -> (batch, h, n, d_k)
    q = np.einsum("bnd,dhk->bhnk", x, w["query_kernel"]) + w["query_bias"][:, None, :]
    k = np.einsum("bnd,dhk->bhnk", x, w["key_kernel"]) + w["key_bias"][:, None, :]
    v = np.einsum("bnd,dhk->bhnk", x, w["value_kernel"]) + w["value_bias"][:, None, :]
    mask = causal_mask(x.shape[1]) if causal else None
    heads, weights = scaled_dot_product_attention(q, k, v, mask)  # each head attends on its own
    # Concatenating the heads and applying W_O is one contraction over (head, d_k).
    out = np.einsum("bhnk,hkd->bnd", heads, w["output_kernel"]) + w["output_bias"]
    return out, weights
# --8<-- [end:multi_head]


# --8<-- [start:cost]
def attention_cost(n, d_model, num_heads, batch=1, bytes_per_value=2):
    """FLOPs of the two n-by-n matmuls (QK^T and weights @ V) and the memory of the score matrices."""
    flops = 2 * 2 * batch * n * n * d_model  # 2 matmuls, 2 FLOPs per multiply-add, all heads together
    score_bytes = batch * num_heads * n * n * bytes_per_value
    return {"n": n, "attention_flops": flops, "score_matrix_bytes": score_bytes}
# --8<-- [end:cost]


def keras_reference(x, w, causal=True):
    """The same computation by keras.layers.MultiHeadAttention, loaded with the same weights."""
    import keras

    d_model = x.shape[-1]
    num_heads, key_dim = w["query_bias"].shape
    layer = keras.layers.MultiHeadAttention(num_heads=num_heads, key_dim=key_dim, dtype="float64")
    layer(x, x)  # build
    order = ["query_kernel", "query_bias", "key_kernel", "key_bias",
             "value_kernel", "value_bias", "output_kernel", "output_bias"]
    shapes = [tuple(v.shape) for v in layer.get_weights()]
    expected = [w[name].shape for name in order]
    if shapes != expected:
        raise RuntimeError(f"keras MultiHeadAttention weight shapes changed: {shapes} != {expected}; "
                           "update the order in snippets/llm/attention.py:keras_reference")
    layer.set_weights([w[name] for name in order])
    out = layer(x, x, use_causal_mask=causal)
    assert out.shape[-1] == d_model
    return keras.ops.convert_to_numpy(out)


def run(quick=False, figures_dir=None):
    """Compare with Keras on a random batch; return the error and the n^2 growth of the cost."""
    d_model, num_heads, key_dim, n = 32, 4, 8, 10
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, n, d_model))
    w = init_weights(d_model, num_heads, key_dim)
    ours, _ = multi_head_attention(x, w)
    theirs = keras_reference(x, w)
    lengths = (1024, 2048) if quick else (1024, 2048, 4096, 8192)
    return {
        "max_abs_error_vs_keras": float(np.abs(ours - theirs).max()),
        # A 7B-class shape (d_model 4096, 32 heads), fp16 scores, one sequence:
        "costs": [attention_cost(n, 4096, 32) for n in lengths],
    }


def main(argv=None):
    cli = parser(__doc__)
    args = cli.parse_args(argv)
    result = run(quick=args.quick, figures_dir=args.figures)
    print(f"max |ours - keras| = {result['max_abs_error_vs_keras']:.2e}")
    for c in result["costs"]:
        print(f"n={c['n']:5d}: {c['attention_flops'] / 1e9:8.1f} GFLOP in QK^T and AV per layer, "
              f"score matrices {c['score_matrix_bytes'] / 2**20:7.0f} MiB per layer")


if __name__ == "__main__":
    main()
