"""Incremental decoding with a KV cache, checked against recomputing the whole sequence.

A decoder-only Transformer produces the same logits for position t whether it
reads the whole sequence again or reads only token t and the keys and values
it stored for positions 0..t-1: causal attention never lets an old position
see a new one, so old keys and values never change. This module builds a
small causal Transformer in NumPy (random weights: the point is the
arithmetic, not the text), decodes with and without a cache, and measures
both. The attention has `n_kv_heads` key/value heads shared by `n_heads`
query heads, so the same code shows multi-head (n_kv_heads = n_heads),
grouped-query and multi-query attention (n_kv_heads = 1).

    python -m snippets.inference.kv_cache            # default size (300 tokens)
    python -m snippets.inference.kv_cache --quick    # under a second

At real scale the cache is a preallocated tensor per layer on the GPU (or
pages of one, as in vLLM), kept in bf16 or quantised, and its size is what
`kv_cache_bytes` computes.
"""

import time

import numpy as np

from snippets._example import parser

DEFAULTS = dict(vocab=256, d_model=64, n_heads=4, n_kv_heads=2, n_layers=2, max_len=320, prompt=16, new=300)
QUICK = dict(vocab=64, d_model=32, n_heads=4, n_kv_heads=2, n_layers=2, max_len=64, prompt=5, new=20)


# --8<-- [start:size]
def kv_cache_bytes(n_layers, n_kv_heads, head_dim, tokens=1, batch=1, bytes_per_value=2):
    """Bytes of keys and values stored for `tokens` positions of `batch` sequences.

    The 2 is one key and one value vector per layer, KV head and token.
    Llama 3.1 8B (32 layers, 8 KV heads, head_dim 128, bf16): 131,072 bytes = 128 KiB per token.
    """
    return 2 * n_layers * n_kv_heads * head_dim * bytes_per_value * tokens * batch
# --8<-- [end:size]


# --8<-- [start:model]
def init_params(vocab, d_model, n_heads, n_kv_heads, n_layers, max_len, seed=0, **_):
    assert n_heads % n_kv_heads == 0, "each KV head serves n_heads // n_kv_heads query heads"
    rng = np.random.default_rng(seed)
    hd = d_model // n_heads
    w = lambda *shape: (rng.standard_normal(shape) / np.sqrt(shape[0])).astype(np.float32)
    layers = [dict(wq=w(d_model, n_heads * hd), wk=w(d_model, n_kv_heads * hd), wv=w(d_model, n_kv_heads * hd),
                   wo=w(n_heads * hd, d_model), w1=w(d_model, 4 * d_model), w2=w(4 * d_model, d_model))
              for _ in range(n_layers)]
    return dict(emb=w(vocab, d_model), pos=w(max_len, d_model), layers=layers,
                n_heads=n_heads, n_kv_heads=n_kv_heads, head_dim=hd)


def rms_norm(x):
    return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + 1e-6)


def attend(q, k, v, q_positions):
    """q: (n_heads, tq, hd); k, v: (n_kv_heads, tk, hd). Query i may see keys 0..q_positions[i]."""
    group = q.shape[0] // k.shape[0]
    k, v = np.repeat(k, group, axis=0), np.repeat(v, group, axis=0)  # GQA: each KV head serves `group` query heads
    scores = q @ k.transpose(0, 2, 1) / np.sqrt(q.shape[-1])
    mask = np.arange(k.shape[1])[None, :] > q_positions[:, None]  # causal: no key after the query
    scores = np.where(mask, -np.inf, scores)
    weights = np.exp(scores - scores.max(-1, keepdims=True))
    return (weights / weights.sum(-1, keepdims=True)) @ v


def block(p, layer, x, positions, cache=None):
    """One pre-norm Transformer block on the rows of x at `positions`.

    Without a cache, x is the whole sequence. With one, x holds only the new
    rows: their keys and values are written at their positions and attention
    reads every position written so far.
    """
    H, KV, hd = p["n_heads"], p["n_kv_heads"], p["head_dim"]
    h = rms_norm(x)
    split = lambda a, n: a.reshape(len(x), n, hd).transpose(1, 0, 2)  # (heads, t, hd)
    q, k, v = split(h @ layer["wq"], H), split(h @ layer["wk"], KV), split(h @ layer["wv"], KV)
    if cache is not None:
        cache["k"][:, positions] = k
        cache["v"][:, positions] = v
        end = positions[-1] + 1
        k, v = cache["k"][:, :end], cache["v"][:, :end]
    a = attend(q, k, v, positions).transpose(1, 0, 2).reshape(len(x), H * hd)
    x = x + a @ layer["wo"]
    return x + np.maximum(rms_norm(x) @ layer["w1"], 0) @ layer["w2"]


def forward(p, tokens, positions, caches=None):
    x = p["emb"][tokens] + p["pos"][positions]
    for i, layer in enumerate(p["layers"]):
        x = block(p, layer, x, positions, None if caches is None else caches[i])
    return rms_norm(x) @ p["emb"].T  # tied output embedding: logits (t, vocab)
# --8<-- [end:model]


# --8<-- [start:decode]
def new_cache(p, max_len):
    shape = (p["n_kv_heads"], max_len, p["head_dim"])
    return [dict(k=np.zeros(shape, np.float32), v=np.zeros(shape, np.float32)) for _ in p["layers"]]


def decode(p, prompt, n_new, use_cache=True):
    """Greedy decoding. Returns the tokens and the logits that chose each new token."""
    tokens, steps = list(prompt), []
    if use_cache:
        caches = new_cache(p, len(prompt) + n_new)
        logits = forward(p, np.array(tokens), np.arange(len(tokens)), caches)[-1]  # prefill: the whole prompt at once
    for _ in range(n_new):
        if not use_cache:  # recompute every position, every step: O(n^2) work per token
            logits = forward(p, np.array(tokens), np.arange(len(tokens)))[-1]
        steps.append(logits)
        tokens.append(int(np.argmax(logits)))
        if use_cache and len(steps) < n_new:  # decode: one new row per layer, attend to the cache
            pos = len(tokens) - 1
            logits = forward(p, np.array([tokens[-1]]), np.array([pos]), caches)[-1]
    return tokens, np.array(steps)
# --8<-- [end:decode]


def run(quick=False, figures_dir=None, seed=0, repeats=1):
    cfg = QUICK if quick else DEFAULTS
    p = init_params(**cfg, seed=seed)
    prompt = np.random.default_rng(seed).integers(0, cfg["vocab"], cfg["prompt"]).tolist()
    out = {}
    for use_cache in (True, False):
        times = []
        for _ in range(repeats):  # the fastest of several runs: least disturbed by other processes
            start = time.perf_counter()
            tokens, logits = decode(p, prompt, cfg["new"], use_cache)
            times.append(time.perf_counter() - start)
        out[use_cache] = (tokens, logits, min(times))
    (t_c, l_c, s_c), (t_f, l_f, s_f) = out[True], out[False]
    return dict(config=cfg, same_tokens=t_c == t_f, max_abs_diff=float(np.abs(l_c - l_f).max()),
                seconds_cached=s_c, seconds_recompute=s_f, speedup=s_f / s_c,
                cache_bytes=kv_cache_bytes(cfg["n_layers"], cfg["n_kv_heads"], p["head_dim"],
                                           cfg["prompt"] + cfg["new"], bytes_per_value=4))


def benchmark():
    r = run(quick=False, repeats=3)
    cfg = r["config"]
    return [{"example": "inference/kv_cache",
             "metric": f"seconds to decode {cfg['new']} tokens with a KV cache ({cfg['n_layers']} layers, d={cfg['d_model']}, NumPy, best of 3)",
             "value": round(r["seconds_cached"], 3), "baseline": "recompute the whole sequence every step",
             "baseline_value": round(r["seconds_recompute"], 3),
             "train_seconds": round(3 * (r["seconds_cached"] + r["seconds_recompute"]), 1)}]


def main(argv=None):
    cli = parser(__doc__, quick_help="a tiny model and 20 tokens")
    args = cli.parse_args(argv)
    r = run(quick=args.quick, figures_dir=args.figures)
    print(f"same tokens: {r['same_tokens']}, max |logit difference|: {r['max_abs_diff']:.2e}")
    print(f"recompute: {r['seconds_recompute']:.3f} s, cached: {r['seconds_cached']:.3f} s, "
          f"speed-up {r['speedup']:.1f}x; cache {r['cache_bytes'] / 1024:.0f} KiB (float32)")
    print(f"Llama 3.1 8B, bf16: {kv_cache_bytes(32, 8, 128) // 1024} KiB per token, "
          f"{kv_cache_bytes(32, 8, 128, tokens=128 * 1024) / 2**30:.0f} GiB for 128K tokens")


if __name__ == "__main__":
    main()
