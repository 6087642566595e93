"""Speculative sampling: a cheap draft proposes, the target verifies, and the output is the target's.

A small draft model q proposes `gamma` tokens one by one; the large target
model p scores all of them in one forward pass. Token x is kept with
probability min(1, p(x)/q(x)); at the first rejection a replacement is drawn
from the residual max(0, p - q), normalised; if all are kept, the target's
pass already gives the distribution of one more token. Every token then has
exactly the target's distribution (Leviathan et al., 2023; Chen et al., 2023).
Here both models are bigram tables over a small vocabulary, so the exact
target distribution of any sequence is known and the test can compare.

    python -m snippets.inference.speculative            # default size
    python -m snippets.inference.speculative --quick

At real scale p and q are two LLMs sharing a tokenizer (e.g. a 70B target and
a 1B-8B draft); the verification pass costs about as much as one decode step
of the target, because decoding is memory-bound.
"""

import time

import numpy as np

from snippets._example import parser

DEFAULTS = dict(vocab=8, tokens=20000, gammas=(1, 2, 3, 4, 6, 8))
QUICK = dict(vocab=8, tokens=2000, gammas=(1, 3))


# --8<-- [start:models]
def softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def random_bigram(vocab, seed, sharpness=2.0):
    """Rows are next-token distributions: table[prev] = p(. | prev)."""
    return softmax(sharpness * np.random.default_rng(seed).standard_normal((vocab, vocab)))


def circulant_pair(vocab, seed=0, mix=0.5):
    """Target and draft whose rows are shifts of one base vector each.

    Every context then has the same acceptance rate alpha = sum(min(p, q)), the
    assumption under which Leviathan et al. derive the expected speed-up.
    """
    rng = np.random.default_rng(seed)
    p_base = softmax(2.0 * rng.standard_normal(vocab))
    q_base = (1 - mix) * p_base + mix * softmax(2.0 * rng.standard_normal(vocab))
    shift = lambda b: np.stack([np.roll(b, s) for s in range(vocab)])
    return shift(p_base), shift(q_base)
# --8<-- [end:models]


def draw(probs, rng):
    """One token from a probability vector (inverse CDF; faster than rng.choice for one draw)."""
    return min(int(np.searchsorted(np.cumsum(probs), rng.random() * probs.sum(), side="right")), len(probs) - 1)


# --8<-- [start:speculative]
def speculative_sample(target, draft, prev, n_tokens, gamma, rng):
    """Sample n_tokens after token `prev`. Returns the tokens and the number of target passes."""
    out, target_calls = [], 0
    while len(out) < n_tokens:
        # 1. The draft proposes gamma tokens autoregressively (cheap, sequential).
        ctx, proposal, q_rows = prev, [], []
        for _ in range(gamma):
            q = draft[ctx]
            x = draw(q, rng)
            proposal.append(x)
            q_rows.append(q)
            ctx = x
        # 2. One target pass scores all gamma + 1 positions at once.
        p_rows = [target[c] for c in [prev] + proposal]
        target_calls += 1
        # 3. Accept each proposed token with probability min(1, p(x) / q(x)).
        for i, x in enumerate(proposal):
            p, q = p_rows[i], q_rows[i]
            if rng.random() < min(1.0, p[x] / q[x]):
                out.append(x)
                continue
            residual = np.maximum(p - q, 0.0)  # rejected: draw from what q under-covers
            out.append(draw(residual, rng))  # draw() normalises
            break
        else:
            out.append(draw(p_rows[-1], rng))  # all kept: one more token, free
        prev = out[-1]
    return out[:n_tokens], target_calls
# --8<-- [end:speculative]


# --8<-- [start:theory]
def acceptance_rate(target, draft):
    """alpha = E[sum_x min(p(x), q(x))] = 1 - total variation distance, per context."""
    return np.minimum(target, draft).sum(axis=1)


def expected_tokens_per_call(alpha, gamma):
    """Leviathan et al. (2023), eq. 1: (1 - alpha^(gamma+1)) / (1 - alpha)."""
    return (1 - alpha ** (gamma + 1)) / (1 - alpha)


def expected_speedup(alpha, gamma, c):
    """Walltime improvement when one draft step costs c target steps (Leviathan et al., Theorem 3.8)."""
    return expected_tokens_per_call(alpha, gamma) / (gamma * c + 1)
# --8<-- [end:theory]


def exact_distribution(table, prev, length):
    """Every token sequence of `length` after `prev`, and its exact probability under a bigram table."""
    v = table.shape[0]
    dist = {(): 1.0}
    for _ in range(length):
        dist = {s + (x,): pr * table[s[-1] if s else prev][x] for s, pr in dist.items() for x in range(v)}
    keys = sorted(dist)
    return keys, np.array([dist[k] for k in keys])


def run(quick=False, figures_dir=None, seed=0):
    cfg = QUICK if quick else DEFAULTS
    target, draft = circulant_pair(cfg["vocab"], seed)
    alpha = float(acceptance_rate(target, draft).mean())
    rng = np.random.default_rng(seed)
    rows = []
    for gamma in cfg["gammas"]:
        start = time.perf_counter()
        tokens, calls = speculative_sample(target, draft, 0, cfg["tokens"], gamma, rng)
        rows.append(dict(gamma=gamma, tokens_per_call=len(tokens) / calls,
                         expected=float(expected_tokens_per_call(alpha, gamma)),
                         seconds=time.perf_counter() - start))
    return dict(config=cfg, alpha=alpha, rows=rows)


def benchmark():
    r = run(quick=False)
    return [{"example": "inference/speculative",
             "metric": f"tokens per target call, gamma={row['gamma']} (alpha={r['alpha']:.3f}, {r['config']['tokens']} tokens)",
             "value": round(row["tokens_per_call"], 3), "baseline": "(1 - alpha^(gamma+1)) / (1 - alpha)",
             "baseline_value": round(row["expected"], 3), "train_seconds": round(row["seconds"], 1)}
            for row in r["rows"]]


def main(argv=None):
    cli = parser(__doc__, quick_help="2000 tokens, two draft lengths")
    args = cli.parse_args(argv)
    r = run(quick=args.quick, figures_dir=args.figures)
    print(f"acceptance rate alpha = {r['alpha']:.3f}")
    print("gamma  tokens/target call  expected")
    for row in r["rows"]:
        print(f"{row['gamma']:5d}  {row['tokens_per_call']:18.3f}  {row['expected']:8.3f}")


if __name__ == "__main__":
    main()
