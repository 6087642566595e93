"""The green-list watermark on the tiny GPT-2: the detector equals the paper's z formula computed
token by token, watermarked text scores far above z=4 and plain text below, and detection weakens
as tokens are replaced or the model's entropy falls."""

import numpy as np
import pytest

from snippets.applied.watermark import GAMMA, Z_THRESHOLD, green_list, green_matrix, run, substitute, z_scores

V = 400


def reference_z(ids, gamma=GAMMA):
    """Kirchenbauer et al.'s z-test written out: each token against the list its predecessor seeds."""
    T = len(ids) - 1
    green = sum(int(ids[t]) in set(green_list(ids[t - 1], V, gamma).tolist()) for t in range(1, T + 1))
    return (green - gamma * T) / np.sqrt(T * gamma * (1 - gamma))


@pytest.fixture(scope="module")
def green():
    return green_matrix(V)


@pytest.fixture(scope="module")
def result():
    return run(quick=True)


def test_green_lists_have_gamma_v_tokens_and_depend_on_the_previous_token(green):
    assert (green.sum(axis=1) == int(GAMMA * V)).all()
    assert not (green[3] == green[4]).all()
    assert (green_matrix(V, key=1) != green).any()  # another key, other lists


def test_detector_matches_the_formula_token_by_token(result, green):
    rng = np.random.default_rng(0)
    rows = list(result["ids_marked"][:4]) + list(result["ids_plain"][:4]) + list(rng.integers(0, V, (4, 30)))
    for ids in rows:
        assert z_scores(ids, green)[0] == pytest.approx(reference_z(ids), abs=1e-9)


def test_unwatermarked_random_text_is_standard_normal(green):
    z = z_scores(np.random.default_rng(1).integers(0, V, (2000, 41)), green)
    assert abs(z.mean()) < 0.1 and abs(z.std() - 1) < 0.1


def test_watermarked_generations_are_detected_and_plain_ones_are_not(result):
    assert result["vocab_size"] == V
    assert result["z_marked"].mean() > 5 and (result["z_marked"] > Z_THRESHOLD).mean() > 0.9
    assert (result["z_plain"] < Z_THRESHOLD).all() and abs(result["z_plain"].mean()) < 0.6
    assert result["auc"][0.0] > 0.99


def test_detection_falls_as_tokens_are_replaced(result):
    aucs = [result["auc"][f] for f in sorted(result["auc"])]
    assert all(b <= a + 0.01 for a, b in zip(aucs, aucs[1:]))
    assert aucs[-1] < aucs[0] - 0.05
    tpr = [result["tpr_at_4"][f] for f in sorted(result["tpr_at_4"])]
    assert tpr[-1] < tpr[0] - 0.5


def test_low_entropy_leaves_little_room_for_the_watermark(result):
    assert result["entropy_cold"] < result["entropy_marked"] - 1
    assert result["z_marked_cold"].mean() < result["z_marked"].mean() - 2


def test_substitute_replaces_the_requested_share_and_keeps_the_first_column():
    ids = np.tile(np.arange(2, 42), (5, 1))
    out = substitute(ids, 0.25, np.random.default_rng(0), V)
    assert (out[:, 0] == ids[:, 0]).all()
    assert ((out != ids).sum(axis=1) <= 10).all() and (out != ids).sum() >= 40  # ~10 of 39 per row
