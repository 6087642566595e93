import numpy as np
import pytest

from snippets.entertainment.melody import (
    HOLD, IN_KEY, PITCHES, SEP, TUNES, VOCAB, load_corpus, melody_stats, run, to_notes, tune_to_tokens,
)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    figure = tmp_path_factory.mktemp("fig") / "entertainment-melody.png"
    return run(quick=True, figures_dir=figure.parent), figure


def test_corpus_is_in_c_major_and_tokenised_per_eighth():
    assert tune_to_tokens("C4 D4:1 E4:4") == ["C4", HOLD, "D4", "E4", HOLD, HOLD, HOLD]
    for text in TUNES.values():
        assert {t for t in tune_to_tokens(text) if t != HOLD} <= IN_KEY
    ids = load_corpus()
    assert ids[0] == ids[-1] == VOCAB.index(SEP)
    assert len(VOCAB) == 2 + len(PITCHES) and len(IN_KEY) < len(PITCHES)  # out-of-key notes are possible


def test_piano_roll_notes_follow_holds():
    ids = [VOCAB.index(t) for t in ["C4", HOLD, HOLD, "G4", HOLD, SEP]]
    assert to_notes(ids) == [[0, 3, 60], [3, 2, 67]]


def test_loss_falls_well_below_uniform(trained):
    r, _ = trained
    assert r["history"][-1] < 0.5 * r["history"][0]
    assert r["history"][-1] < 0.4 * r["uniform_loss"]


def test_samples_stay_in_key_and_reuse_corpus_patterns(trained):
    r, figure = trained
    s, rand = r["stats"][1.0], r["random_stats"]
    assert all(0 <= i < len(VOCAB) for i in r["samples"][1.0])
    assert s["notes"] > 20
    assert s["in_key"] > 0.95 > rand["in_key"] + 0.3
    assert s["match_4"] > 0.3 > rand["match_4"] + 0.2
    assert s["match_8"] <= s["match_4"]
    # Higher temperature means fewer exact corpus patterns.
    assert r["stats"][1.5]["match_4"] < r["stats"][0.5]["match_4"]
    assert figure.stat().st_size > 10_000


def test_stats_of_the_corpus_itself():
    ids = load_corpus()
    s = melody_stats(ids, ids)
    assert s["in_key"] == 1.0 and s["match_4"] == s["match_8"] == 1.0
