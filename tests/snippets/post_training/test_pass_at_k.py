from math import comb

import numpy as np
import pytest

from snippets.post_training.pass_at_k import (exact_moments, main, naive_pass_at_k, pass_at_k,
                                              pass_at_k_by_enumeration)


@pytest.fixture(scope="module")
def quick():
    return main(["--quick"])


@pytest.mark.parametrize("n", [1, 3, 5, 8])
def test_matches_enumeration_of_all_k_subsets(n):
    for c in range(n + 1):
        correct = [True] * c + [False] * (n - c)
        for k in range(1, n + 1):
            assert pass_at_k(n, c, k) == pytest.approx(pass_at_k_by_enumeration(correct, k), abs=1e-12)


def test_stable_at_the_papers_n_200():
    # C(200, 100) is about 9e58: the product form needs no big numbers.
    assert pass_at_k(200, 3, 100) == pytest.approx(1 - comb(197, 100) / comb(200, 100), rel=1e-12)
    assert pass_at_k(200, 0, 100) == 0.0 and pass_at_k(200, 101, 100) == 1.0
    assert pass_at_k(200, 7, 1) == pytest.approx(7 / 200)  # pass@1 is c / n


def test_rejects_k_larger_than_n():
    with pytest.raises(ValueError, match="at least k"):
        pass_at_k(5, 1, 6)


def test_unbiased_exactly_and_naive_biased_low(quick):
    for row in quick["rows"]:
        assert row["exact_mean_unbiased"] == pytest.approx(row["truth"], abs=1e-12)
        assert row["truth"] - row["exact_mean_naive"] > 0.03  # measured 0.032-0.071


def test_simulation_agrees_with_the_exact_moments(quick):
    for row in quick["rows"]:
        se = row["unbiased_std"] / np.sqrt(2000)
        assert abs(row["unbiased_mean"] - row["truth"]) < 4 * se
        assert row["naive_mean"] < row["truth"] - 4 * row["naive_std"] / np.sqrt(2000)
        assert row["unbiased_std"] == pytest.approx(row["exact_std_unbiased"], rel=0.1)


def test_naive_and_unbiased_agree_at_k_1():
    assert all(pass_at_k(10, c, 1) == pytest.approx(naive_pass_at_k(10, c, 1)) for c in range(11))
    assert exact_moments(pass_at_k, 10, 0.3, 1)[0] == pytest.approx(0.3)
