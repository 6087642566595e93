"""Membership inference: the loss-threshold attack beats guessing on an over-fitted model, and loses
power when the model is regularised or its training set de-duplicated; a control model scores ~0.5."""

import numpy as np
import pytest

from snippets.applied.membership_inference import CharNgram, auc, loss_attack_auc, make_records, run


@pytest.fixture(scope="module", params=[0, 1])
def result(request):
    return run(quick=True, seed=request.param)


def test_auc_matches_the_rank_definition():
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(3)
    pos, neg = rng.normal(0.5, 1, 40).round(1), rng.normal(0, 1, 50).round(1)  # rounding makes ties
    labels = np.r_[np.ones(40), np.zeros(50)]
    assert auc(pos, neg) == pytest.approx(roc_auc_score(labels, np.r_[pos, neg]), abs=1e-12)


def test_model_is_a_normalised_distribution_and_memorises():
    texts = make_records(20, np.random.default_rng(0))
    model = CharNgram(texts)
    for h in ("ount ", "\n\n\n\n\n", "zzzzz"):  # a seen context, the start, an unseen one
        total = sum((model.pairs[h, c] + model.k) / (model.contexts[h] + model.k * len(model.alphabet))
                    for c in model.alphabet)
        assert total == pytest.approx(1.0)
    other = make_records(20, np.random.default_rng(1))
    assert np.mean([model.text_loss(t) for t in texts]) < np.mean([model.text_loss(t) for t in other])


def test_attack_beats_guessing_on_the_overfitted_model(result):
    # Scoring members with the wrong texts (or the held-out loss) would give exactly 0.5.
    assert result["auc_duplicated"] > 0.7
    assert result["loss_members"] < result["loss_non_members"] - 0.2


def test_regularising_lowers_the_auc(result):
    assert result["auc_regularised"] < result["auc_duplicated"] - 0.08
    assert result["auc_regularised"] > 0.5  # weaker, not gone


def test_deduplicating_protects_the_copied_records(result):
    assert result["auc_duplicated_copied_5plus"] > 0.94
    assert result["auc_deduplicated_copied_5plus"] < result["auc_duplicated_copied_5plus"] - 0.05
    # The copied records are where the attack is strongest.
    assert result["auc_duplicated_copied_5plus"] > result["auc_duplicated_seen_once"] + 0.1


def test_control_model_cannot_tell_members_from_non_members(result):
    assert abs(result["auc_control"] - 0.5) < 0.1


def test_attack_orders_by_loss():
    texts = make_records(30, np.random.default_rng(5))
    model = CharNgram(texts[:15])
    value, member_scores, non_member_scores = loss_attack_auc(model, texts[:15], texts[15:])
    assert member_scores == [-model.text_loss(t) for t in texts[:15]]
    assert value == auc(member_scores, non_member_scores) > 0.9
