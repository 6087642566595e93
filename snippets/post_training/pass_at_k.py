"""The unbiased pass@k estimator of the HumanEval paper, against the naive one.

What it shows
- pass@k is the probability that at least one of k samples solves a problem. Chen et
  al. (2021) draw n >= k samples, count the c correct ones and estimate it by
  1 - C(n-c, k) / C(n, k): the share of k-subsets of the n samples with a correct one.
  That estimator is unbiased; it is computed as a product, because C(n, k) overflows
  float64 for the n = 200 the paper uses.
- The tempting plug-in estimate 1 - (1 - c/n)^k is biased low (1 - (1 - p)^k is concave
  in p, so Jensen's inequality applies); the exact bias and a simulation show by how much.

Run
    python -m snippets.post_training.pass_at_k

What to change in practice
- c comes from running each sample against the problem's unit tests in a sandbox;
  a benchmark's pass@k is the mean of the per-problem estimates.
"""

from itertools import combinations
from math import comb

import numpy as np

from snippets._example import parser

# --8<-- [start:estimator]
def pass_at_k(n, c, k):
    """Unbiased pass@k from n samples with c correct: 1 - C(n-c, k) / C(n, k), as a stable product."""
    if k > n:
        raise ValueError(f"pass@{k} needs at least k = {k} samples, got n = {n}")
    if n - c < k:  # every k-subset contains a correct sample
        return 1.0
    return float(1.0 - np.prod(1.0 - k / np.arange(n - c + 1, n + 1)))


def naive_pass_at_k(n, c, k):
    """Plug-in estimate 1 - (1 - c/n)^k: biased low."""
    return 1.0 - (1.0 - c / n) ** k
# --8<-- [end:estimator]


def pass_at_k_by_enumeration(correct, k):
    """Share of the k-subsets of the samples that contain at least one correct sample."""
    subsets = list(combinations(range(len(correct)), k))
    return sum(any(correct[i] for i in s) for s in subsets) / len(subsets)


# --8<-- [start:bias]
def exact_moments(estimator, n, p, k):
    """Mean and variance of an estimator when c ~ Binomial(n, p), by summing over c = 0..n."""
    c = np.arange(n + 1)
    pmf = np.array([comb(n, int(i)) * p**i * (1 - p) ** (n - i) for i in c])
    values = np.array([estimator(n, int(i), k) for i in c])
    mean = float(pmf @ values)
    return mean, float(pmf @ (values - mean) ** 2)


def simulate(n, p, k, trials, seed=0):
    """Draw c ~ Binomial(n, p) `trials` times; mean and std of both estimators."""
    cs = np.random.default_rng(seed).binomial(n, p, size=trials)
    unbiased = np.array([pass_at_k(n, int(c), k) for c in cs])
    naive = naive_pass_at_k(n, cs, k)
    return {"unbiased_mean": float(unbiased.mean()), "unbiased_std": float(unbiased.std()),
            "naive_mean": float(naive.mean()), "naive_std": float(naive.std())}
# --8<-- [end:bias]


def run(quick=False, figures_dir=None, cases=((20, 0.05, 10), (20, 0.1, 5), (200, 0.02, 100))):
    """For each (n, p, k): the true pass@k, exact means of both estimators, and a simulation."""
    rows = []
    for n, p, k in cases:
        truth = 1 - (1 - p) ** k
        exact_unbiased, var_unbiased = exact_moments(pass_at_k, n, p, k)
        exact_naive, var_naive = exact_moments(naive_pass_at_k, n, p, k)
        sim = simulate(n, p, k, trials=2_000 if quick else 20_000)
        rows.append({"n": n, "p": p, "k": k, "truth": truth,
                     "exact_mean_unbiased": exact_unbiased, "exact_mean_naive": exact_naive,
                     "exact_std_unbiased": var_unbiased**0.5, "exact_std_naive": var_naive**0.5, **sim})
    return {"rows": rows}


def main(argv=None):
    cli = parser(__doc__, quick_help="2,000 simulated draws instead of 20,000")
    args = cli.parse_args(argv)
    r = run(args.quick, args.figures)
    print("  n     p    k   true    unbiased: mean (std)   naive: mean (std)   [simulated]")
    for w in r["rows"]:
        print(f"{w['n']:3d}  {w['p']:.2f}  {w['k']:3d}  {w['truth']:.4f}  "
              f"{w['unbiased_mean']:.4f} ({w['unbiased_std']:.4f})      "
              f"{w['naive_mean']:.4f} ({w['naive_std']:.4f})")
    return r


if __name__ == "__main__":
    main()
