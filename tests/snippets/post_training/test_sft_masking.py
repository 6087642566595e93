import keras
import numpy as np
import pytest

from snippets.post_training.sft_masking import (CONVERSATIONS, encode, logits_of, main, masked_mean,
                                                per_token_loss, render, sft_loss)


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    """Two tiny GPT-2s from the same initial weights, 80 steps each: prompt masked, and not."""
    return main(["--quick", "--figures", str(tmp_path_factory.mktemp("figures"))])


def test_masks_split_each_conversation_exactly(quick):
    data = quick["data"]
    tokenizer = quick["masked_model"].preprocessor.tokenizer
    for i, (p, r) in enumerate(CONVERSATIONS):
        prompt_text, response_text = render(p, r)
        targets = data["y"][i]
        prompt_targets = targets[(data["real"][i] == 1) & (data["response"][i] == 0)]
        response_targets = targets[data["response"][i] == 1]
        assert tokenizer.detokenize(prompt_targets) == prompt_text
        assert tokenizer.detokenize(response_targets[:-1]) == response_text
        assert response_targets[-1] == tokenizer.end_token_id  # the end of turn is learned too
    assert not np.any(data["response"] > data["real"])


def test_masked_loss_is_the_mean_over_response_tokens_only(quick):
    data, lm = quick["data"], quick["unmasked_model"]  # trained: its per-token losses differ a lot
    logits = logits_of(lm, data)
    reference = per_token_loss(logits, data["y"])  # NumPy, per token
    keras_loss = float(sft_loss()(data["y"], logits, sample_weight=data["response"]))
    assert keras_loss == pytest.approx(masked_mean(reference, data["response"]), rel=1e-5)
    # Changing every prompt target leaves the masked loss exactly as it was.
    corrupted = np.where(data["response"] == 1, data["y"], (data["y"] + 7) % logits.shape[-1])
    assert float(sft_loss()(corrupted, logits, sample_weight=data["response"])) == keras_loss
    assert float(sft_loss()(corrupted, logits, sample_weight=data["real"])) != pytest.approx(
        float(sft_loss()(data["y"], logits, sample_weight=data["real"])), rel=1e-3)
    # Keras' default reduction divides by every position, masked ones too: a smaller number.
    default = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    share = data["response"].sum() / data["response"].size
    assert float(default(data["y"], logits, sample_weight=data["response"])) == pytest.approx(keras_loss * share, rel=1e-5)


def test_both_models_learn_the_responses(quick):
    # Measured at seeds 0-2: response-token loss 0.014-0.08, accuracy 1.0 for both.
    for name in ("masked", "unmasked"):
        assert quick[name]["response_loss"] < 0.3
        assert quick[name]["response_accuracy"] > 0.95
    assert quick["untrained"]["response_loss"] > 5


def test_only_the_unmasked_model_learns_the_prompts(quick):
    # Measured at seeds 0-2 (80 steps): prompt-token loss 8.0-9.7 masked, 0.21-0.22 unmasked,
    # 6.0 untrained (ln 400); greedy accuracy on prompt tokens 0.00-0.02 masked, 0.91 unmasked.
    # Training with the wrong mask (all real tokens) for both models makes the gap vanish.
    masked, unmasked = quick["masked"], quick["unmasked"]
    assert masked["prompt_loss"] > quick["untrained"]["prompt_loss"]
    assert masked["prompt_loss"] - unmasked["prompt_loss"] > 4.0
    assert unmasked["prompt_accuracy"] > 0.8 > 0.1 > masked["prompt_accuracy"]


def test_figure_is_written(quick):
    assert quick["figure"].is_file() and quick["figure"].stat().st_size > 1000
