import numpy as np
import pytest

from snippets.post_training.lora import main, merge_lora


@pytest.fixture(scope="module")
def quick():
    """One quick run (width 128, 20 epochs per stage, seed 0) shared by the tests below."""
    return main(["--quick"])


def test_lora_trains_a_small_fraction_of_the_weights(quick):
    row = quick["rows"][0]
    # rank 4 on 64-128-128-10: 4 * (192 + 256 + 138) = 2,344 of 26,122 weights
    assert row["lora_params"] == quick["rank"] * ((64 + 128) + (128 + 128) + (128 + 10))
    assert row["lora_params"] < 0.1 * row["full_params"]


def test_lora_starts_as_the_base_model(quick):
    # B is initialised to zero, so the adapted model's outputs equal the base model's before training.
    assert quick["rows"][0]["lora_start_gap"] == 0.0


def test_lora_learns_most_of_the_new_task(quick):
    # Measured at seeds 0-2: LoRA 0.86-0.88, full 0.96-0.97; the pre-trained model is at chance (0.10).
    row = quick["rows"][0]
    assert row["base_b"] < 0.2
    assert row["lora_b"] > 0.85 * row["full_b"]


def test_lora_forgets_the_old_task_less(quick):
    # Measured at seeds 0-2: old-task accuracy LoRA 0.66-0.73, full 0.51-0.55 (0.97 before adapting).
    row = quick["rows"][0]
    assert row["lora_a"] > row["full_a"] + 0.1


def test_merged_model_matches_the_adapter(quick):
    # W + (alpha / r) A B must give the same outputs; alpha / r = 2 here, so forgetting it fails.
    lora, base, x = quick["lora"], quick["base"], quick["tasks"]["a"][2]
    merged = merge_lora(lora, base)
    np.testing.assert_allclose(merged.predict(x, verbose=0), lora.predict(x, verbose=0), atol=1e-4)
    assert merged.count_params() == base.count_params()
    # The frozen kernel did not move, and Keras' `kernel` property is the merged one.
    for src, w, dst in zip(lora.layers, base.layers, merged.layers):
        np.testing.assert_array_equal(src._kernel.numpy(), w.kernel.numpy())
        np.testing.assert_allclose(src.kernel.numpy(), dst.kernel.numpy(), atol=1e-6)
