"""Tiled attention with an online softmax (the algorithm of FlashAttention), in NumPy.

Standard attention builds the n x n score matrix S = QK^T / sqrt(d), takes a
softmax over each row and multiplies by V. FlashAttention (Dao et al., 2022)
never builds S: it walks over blocks of keys and values, keeps for each query
row a running maximum m, a running softmax denominator l and an unnormalised
output O, and rescales them whenever a new block raises the maximum. The
result is exactly softmax(S)V, up to floating-point rounding, while the
largest temporary is one block of scores (block_q x block_k).

    python -m snippets.inference.flash_attention            # default size
    python -m snippets.inference.flash_attention --quick

NumPy timings say little about the real kernel, whose speed comes from
keeping each tile in a GPU's on-chip SRAM instead of writing S to HBM and
reading it back. What this file shows is the arithmetic and the memory
footprint, which tracemalloc measures.
"""

import time
import tracemalloc

import numpy as np

from snippets._example import parser

DEFAULTS = dict(n=4096, d=64, block=128)
QUICK = dict(n=512, d=32, block=64)


# --8<-- [start:standard]
def standard_attention(q, k, v, causal=False):
    s = q @ k.T / np.sqrt(q.shape[-1])  # the full n x n score matrix
    if causal:
        s = np.where(np.arange(k.shape[0])[None, :] > np.arange(q.shape[0])[:, None], -np.inf, s)
    p = np.exp(s - s.max(axis=1, keepdims=True))
    return (p / p.sum(axis=1, keepdims=True)) @ v
# --8<-- [end:standard]


# --8<-- [start:flash]
def flash_attention(q, k, v, block_q=64, block_k=64, causal=False):
    """softmax(QK^T / sqrt(d)) V without materialising QK^T; any n, any block sizes."""
    n, d = q.shape
    out = np.empty_like(q)
    scale = 1.0 / np.sqrt(d)
    for i in range(0, n, block_q):  # on a GPU, one thread block per query tile
        qi = q[i:i + block_q] * scale
        rows = np.arange(i, i + len(qi))
        m = np.full(len(qi), -np.inf, dtype=q.dtype)  # running row maximum
        l = np.zeros(len(qi), dtype=q.dtype)            # running softmax denominator
        o = np.zeros_like(qi)                           # running unnormalised output
        stop = i + len(qi) if causal else k.shape[0]    # causal: later key tiles are all masked
        for j in range(0, stop, block_k):
            s = qi @ k[j:j + block_k].T                 # one block_q x block_k tile of scores
            if causal:
                s = np.where(np.arange(j, j + s.shape[1])[None, :] > rows[:, None], -np.inf, s)
            m_new = np.maximum(m, s.max(axis=1))
            p = np.exp(s - m_new[:, None])
            correction = np.exp(m - m_new)              # rescale what was summed under the old maximum
            l = l * correction + p.sum(axis=1)
            o = o * correction[:, None] + p @ v[j:j + block_k]
            m = m_new
        out[i:i + block_q] = o / l[:, None]             # normalise once, at the end
    return out
# --8<-- [end:flash]


# --8<-- [start:measure]
def peak_bytes(fn, *args, **kwargs):
    """Largest amount of memory allocated at once while fn runs (NumPy reports to tracemalloc)."""
    tracemalloc.start()
    try:
        fn(*args, **kwargs)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
# --8<-- [end:measure]


def random_qkv(n, d, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal((n, d)).astype(dtype) for _ in range(3)]


def run(quick=False, figures_dir=None, seed=0):
    cfg = QUICK if quick else DEFAULTS
    n, d, b = cfg["n"], cfg["d"], cfg["block"]
    q, k, v = random_qkv(n, d, seed)
    out = {"config": cfg, "score_matrix_bytes": n * n * q.itemsize}
    for causal in (False, True):
        t0 = time.perf_counter()
        ref = standard_attention(q, k, v, causal)
        t1 = time.perf_counter()
        got = flash_attention(q, k, v, b, b, causal)
        t2 = time.perf_counter()
        out["causal" if causal else "full"] = dict(
            max_abs_diff=float(np.abs(got - ref).max()), seconds_standard=t1 - t0, seconds_tiled=t2 - t1)
    out["peak_standard"] = peak_bytes(standard_attention, q, k, v)
    out["peak_tiled"] = peak_bytes(flash_attention, q, k, v, b, b)
    return out


def benchmark():
    r = run(quick=False)
    cfg = r["config"]
    secs = round(sum(r[m]["seconds_standard"] + r[m]["seconds_tiled"] for m in ("full", "causal")), 1)
    label = f"n={cfg['n']}, d={cfg['d']}, block {cfg['block']}, float64"
    return [
        {"example": "inference/flash_attention", "metric": f"peak memory while computing attention, MiB ({label})",
         "value": round(r["peak_tiled"] / 2**20, 2), "baseline": "standard attention (full n x n scores)",
         "baseline_value": round(r["peak_standard"] / 2**20, 2), "train_seconds": secs},
        {"example": "inference/flash_attention", "metric": f"max |tiled - standard| ({label}, causal)",
         "value": float(f"{r['causal']['max_abs_diff']:.2g}"), "baseline": None, "baseline_value": None,
         "train_seconds": secs},
    ]


def main(argv=None):
    cli = parser(__doc__, quick_help="n=512")
    args = cli.parse_args(argv)
    r = run(quick=args.quick, figures_dir=args.figures)
    print(f"config {r['config']}; the n x n score matrix alone is {r['score_matrix_bytes'] / 2**20:.1f} MiB")
    for mode in ("full", "causal"):
        x = r[mode]
        print(f"{mode:6s}: max |tiled - standard| = {x['max_abs_diff']:.1e}; "
              f"standard {x['seconds_standard']:.2f} s, tiled {x['seconds_tiled']:.2f} s")
    print(f"peak memory: standard {r['peak_standard'] / 2**20:.1f} MiB, tiled {r['peak_tiled'] / 2**20:.2f} MiB")


if __name__ == "__main__":
    main()
