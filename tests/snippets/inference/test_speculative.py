import numpy as np
import pytest
from scipy import stats

from snippets.inference.speculative import (
    acceptance_rate, circulant_pair, exact_distribution, expected_speedup, expected_tokens_per_call,
    random_bigram, run, speculative_sample,
)

N = 20000  # sequences; each is 3 tokens after token 0, so 4^3 = 64 cells


def _empirical(target, draft, gamma, seed):
    keys, exact = exact_distribution(target, prev=0, length=3)
    index = {k: i for i, k in enumerate(keys)}
    counts = np.zeros(len(keys))
    rng = np.random.default_rng(seed)
    for _ in range(N):
        tokens, _ = speculative_sample(target, draft, 0, 3, gamma, rng)
        counts[index[tuple(tokens)]] += 1
    return counts, exact


@pytest.mark.parametrize("gamma", [1, 3])
def test_speculative_output_has_the_target_distribution(gamma):
    vocab = 4
    target = random_bigram(vocab, seed=1)
    draft = 0.5 * target + 0.5 * random_bigram(vocab, seed=2, sharpness=1.0)  # alpha 0.75-0.96 by context
    counts, exact = _empirical(target, draft, gamma, seed=gamma)
    _, draft_exact = exact_distribution(draft, prev=0, length=3)
    tv = 0.5 * np.abs(counts / N - exact).sum()
    # Measured at these seeds: the correct rule gives TV 0.013-0.019 (sampling noise). Planted bugs gave
    # 0.20-0.24 (accept with min(1, q/p)), 0.08-0.09 (redraw a rejected token from p, not the residual), 0.22-0.24
    # (accept every draft token) and 0.115 (bonus token from the draft, gamma=1).
    assert tv < 0.035, f"total variation {tv:.3f} from the target"
    assert 0.5 * np.abs(draft_exact - exact).sum() > 0.2  # the draft alone is far from the target
    assert stats.chisquare(counts, exact * N).pvalue > 0.001


def test_acceptance_rate_and_expected_tokens():
    target, draft = circulant_pair(8)
    alpha = acceptance_rate(target, draft)
    assert np.allclose(alpha, alpha[0])  # same in every context, by construction
    assert expected_tokens_per_call(0.0, 5) == 1.0  # nothing accepted: one token per call, as plain decoding
    assert expected_tokens_per_call(0.8, 4) == pytest.approx((1 - 0.8**5) / 0.2)
    assert expected_speedup(0.8, 4, c=0.0) == pytest.approx(expected_tokens_per_call(0.8, 4))


def test_measured_tokens_per_call_match_leviathan_formula():
    r = run(quick=True)
    for row in r["rows"]:
        assert row["tokens_per_call"] == pytest.approx(row["expected"], rel=0.05)
