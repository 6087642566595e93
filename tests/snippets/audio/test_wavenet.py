import keras
import numpy as np
import pytest

from snippets.audio.wavenet import (
    build_wavenet, causality_gap, load_waveforms, mu_law_decode, mu_law_encode, receptive_field, run,
)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    figure = tmp_path_factory.mktemp("fig") / "audio-wavenet.png"
    return run(quick=True, figures_dir=figure.parent), figure


def test_mu_law_round_trip_is_close():
    x = load_waveforms(4, 64)
    assert np.abs(mu_law_decode(mu_law_encode(x, 256), 256) - x).max() < 0.02


def test_outputs_do_not_depend_on_future_inputs():
    model = build_wavenet(classes=32, channels=8, dilations=(1, 2, 4, 8))
    q = np.random.default_rng(0).integers(0, 32, size=(2, 64)).astype("int32")
    assert causality_gap(model, q, t=40) < 1e-6


def test_receptive_field_matches_the_formula():
    dilations = (1, 2, 4, 8)
    r = receptive_field(dilations)
    assert r == 1 + 1 + 15  # first causal conv + sum of dilations, kernel size 2, plus the current sample
    keras.utils.set_random_seed(0)  # the oldest input's effect passes one path of random weights: fix them
    model = build_wavenet(classes=32, channels=8, dilations=dilations)
    q = np.random.default_rng(1).integers(0, 32, size=(1, 64)).astype("int32")
    t = 50
    base = model(q, training=False).numpy()[0, t]

    def effect(position):
        changed = q.copy()
        changed[0, position] = (changed[0, position] + 7) % 32
        return np.abs(model(changed, training=False).numpy()[0, t] - base).max()

    # No path connects inputs outside the field to the output, so their effect is exactly zero;
    # the oldest input inside it reaches the output through a single chain of random weights.
    assert effect(t - r + 1) > 1e-9  # the oldest input inside the receptive field matters
    assert effect(t - r) == 0.0      # one step further back does not


def test_training_beats_uniform_and_histogram_baselines(trained):
    r, _ = trained
    assert np.mean(r["history"][-10:]) < 0.6 * r["history"][0]
    assert r["test_nll"] < 0.6 * r["uniform_nll"]
    assert r["test_nll"] < r["marginal_nll"] - 0.5


def test_generation_is_valid_and_plotted(trained):
    r, figure = trained
    gen = r["generated"]
    assert gen.min() >= 0 and gen.max() < r["classes"]
    assert gen.shape[1] == 2 * r["receptive"] + 96
    assert figure.stat().st_size > 10_000
