"""FID, k-NN precision/recall and an Inception-Score analogue behave as the page
claims on sets whose behaviour we know (snippets/theory/metrics.py)."""

import numpy as np
import pytest

from snippets.theory.metrics import inception_score, knn_radii, main, precision_recall

REAL, ONE, TEN = "held-out real", "one class (near-copies of 3s)", "ten digits (near-copies, one per class)"
GAUSS, NOISE = "Gaussian fitted to the pixels", "noise"


@pytest.fixture(scope="module")
def result():
    return main(["--quick"])


def test_precision_recall_on_points_worked_by_hand():
    real = np.array([[0.0], [1.0], [2.0], [3.0], [10.0]])
    fake = np.array([[0.5], [20.0]])
    # k=1 radii of the real set: 1, 1, 1, 1, 7 (a point is not its own neighbour).
    assert knn_radii(real, k=1).tolist() == [1.0, 1.0, 1.0, 1.0, 7.0]
    precision, recall = precision_recall(real, fake, k=1)
    assert precision == 0.5  # 0.5 lies in the ball of 0; 20 is 10 away from 10 (radius 7)
    assert recall == 1.0  # the two fakes are 19.5 apart: each ball has radius 19.5


def test_inception_score_bounds():
    assert inception_score(np.eye(10)) == pytest.approx(10.0)  # confident and balanced
    assert inception_score(np.tile(np.eye(10)[3], (50, 1))) == pytest.approx(1.0)  # one class


def test_fid_of_a_set_with_itself_is_zero(result):
    assert result["fid_self"] < 1e-6
    assert result["classifier_accuracy"] > 0.95  # the feature extractor is a good digit classifier


def test_fid_held_out_real_small_noise_large(result):
    s = result["scores"]
    # Measured: 2.0 for held-out real digits, 124 for noise (page table).
    assert s[REAL]["fid"] < 5.0
    assert s[NOISE]["fid"] > 20 * s[REAL]["fid"]


def test_collapsed_generators_high_precision_low_recall(result):
    s = result["scores"]
    for name in (ONE, TEN):
        assert s[name]["precision"] > 0.85, name
        assert s[name]["recall"] < 0.1, name
        assert s[name]["fid"] > 5 * s[REAL]["fid"], name
    assert s[REAL]["precision"] > 0.85 and s[REAL]["recall"] > 0.85


def test_noise_gets_low_precision(result):
    assert result["scores"][NOISE]["precision"] < 0.05


def test_inception_score_is_fooled_by_ten_crisp_digits(result):
    s = result["scores"]
    assert s[ONE]["inception_score"] < 2.0  # between-class collapse: IS sees it
    assert s[TEN]["inception_score"] > s[REAL]["inception_score"]  # within-class collapse: IS rewards it


def test_precision_exposes_what_a_moment_matched_blob_hides(result):
    s = result["scores"]
    # A Gaussian with the pixels' mean and covariance gets a modest FID, yet half its samples are off-manifold.
    assert s[GAUSS]["fid"] < s[TEN]["fid"]
    assert s[GAUSS]["precision"] < s[REAL]["precision"] - 0.3


def test_fid_is_biased_upwards_for_small_samples(result):
    by_n = result["fid_by_n"]
    sizes = sorted(by_n)
    assert all(by_n[a] > by_n[b] for a, b in zip(sizes, sizes[1:]))  # falls as n grows
    assert by_n[sizes[0]] > 3 * by_n[sizes[-1]]
