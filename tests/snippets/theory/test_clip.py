"""The small CLIP learns what the page claims (snippets/theory/clip.py): its loss is
CLIP's symmetric InfoNCE exactly, zero-shot classification of held-out digits works
from the ten prompts alone, and it falls to chance when captions are shuffled."""

import math

import numpy as np
import pytest

from snippets.theory.clip import clip_loss, run


@pytest.fixture(scope="module")
def result():
    return run(quick=True)


def reference_loss(image_emb, text_emb, temperature):
    """InfoNCE written out term by term: image i must pick caption i among all
    captions (rows) and caption i must pick image i among all images (columns)."""
    n = len(image_emb)
    s = image_emb @ text_emb.T / temperature
    image_to_text = [-(s[i, i] - np.log(np.sum(np.exp(s[i, :])))) for i in range(n)]
    text_to_image = [-(s[i, i] - np.log(np.sum(np.exp(s[:, i])))) for i in range(n)]
    return (np.mean(image_to_text) + np.mean(text_to_image)) / 2, np.mean(image_to_text), np.mean(text_to_image)


@pytest.mark.parametrize("temperature", [0.07, 0.5])
def test_loss_is_symmetric_infonce_with_temperature_dividing(temperature):
    rng = np.random.default_rng(0)
    unit = lambda x: x / np.linalg.norm(x, axis=1, keepdims=True)
    # Diverse images, captions bunched near one direction: the row-wise softmax
    # (image picks caption) is flat and the column-wise one is not.
    image_emb = unit(rng.normal(size=(5, 3)))
    text_emb = unit(np.array([1.0, 0.0, 0.0]) + 0.4 * rng.normal(size=(5, 3)))
    expected, rows, columns = reference_loss(image_emb, text_emb, temperature)
    # The two directions differ on this batch, so a one-sided loss cannot pass.
    assert abs(rows - columns) > 0.05
    got = float(clip_loss(image_emb.astype("float32"), text_emb.astype("float32"), math.log(1 / temperature)))
    assert got == pytest.approx(expected, rel=1e-4), (
        "clip_loss must be the mean of the row-wise and column-wise cross-entropies of cosine / tau, "
        "with the matching caption of image i at index i")


def test_zero_shot_accuracy_on_held_out_digits(result):
    # Measured at 300 steps, seeds 0-2: 0.960-0.976 (single prompt), 0.969-0.971 (ensemble).
    assert result["zero_shot_accuracy"] > 0.9
    assert result["ensemble_accuracy"] > 0.9
    assert result["supervised_accuracy"] > 0.9  # the baseline is sane: the task is learnable


def test_shuffled_captions_fall_to_chance(result):
    # Chance is 0.1; with 450 test digits its standard error is 0.014. Measured 0.089-0.100.
    assert result["shuffled_accuracy"] < 0.2


def test_temperature_is_learned_and_capped(result):
    scales = result["history"][:, 1]
    assert np.all((scales >= 1.0) & (scales <= 100.0))
    assert abs(scales[-1] - 1 / 0.07) > 1.0  # it moved from its initial value
    losses = result["history"][:, 0]
    assert losses[-50:].mean() < 0.6 * losses[:10].mean()  # measured 2.6-2.8 from 5.1-5.4
