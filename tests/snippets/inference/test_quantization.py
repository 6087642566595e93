import numpy as np
import pytest

from snippets.inference.quantization import main, quantize, weight_bytes


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    """One quick run (30 epochs, about 3 s of training) shared by the tests below."""
    return main(["--quick", "--figures", str(tmp_path_factory.mktemp("figures"))])


def acc(results, bits, granularity):
    return next(r["accuracy"] for r in results["rows"] if r["bits"] == bits and r["granularity"] == granularity)


def test_rounding_error_is_at_most_half_a_step():
    w = np.random.default_rng(0).standard_normal((32, 8)).astype("float32")
    for granularity in ("tensor", "channel", "group"):
        deq, _ = quantize(w, 4, granularity)
        step = np.abs(w).max() / 7
        assert np.abs(deq - w).max() <= step / 2 + 1e-6


def test_group_scales_follow_their_own_column():
    """A single large weight must only coarsen its own group, not the other channels:
    a quantizer that reshaped the kernel without transposing would mix channels and fail this."""
    w = np.full((16, 4), 0.01, "float32")
    w[0, 0] = 10.0
    for granularity in ("channel", "group"):
        deq, _ = quantize(w, 8, granularity)
        assert np.allclose(deq[:, 1:], 0.01, rtol=0.01)
    deq, _ = quantize(w, 8, "tensor")
    assert np.all(deq[:, 1:] == 0)  # one scale for the tensor: the outlier rounds every small weight to zero


def test_weight_bytes():
    assert weight_bytes(1024, 64, 4) == 512 + 128


def test_float_model_learns(quick):
    assert acc(quick, 32, "float") > 0.93  # chance is about 0.10


def test_eight_and_four_bits_keep_accuracy(quick):
    for bits in (8, 4):
        for granularity in ("tensor", "channel", "group"):
            assert acc(quick, bits, granularity) >= acc(quick, 32, "float") - 0.02


def test_two_bits_finer_scales_win(quick):
    """The page's claim: at 2 bits one scale per tensor collapses towards chance, per channel is
    better, one scale per 16 weights stays close to the float model."""
    tensor, channel, group = (acc(quick, 2, g) for g in ("tensor", "channel", "group"))
    assert tensor < 0.4
    assert tensor < channel < group
    assert group > 0.9


def test_bytes_shrink_with_bits_and_grow_with_scales(quick):
    b = {(r["bits"], r["granularity"]): r["bytes"] for r in quick["rows"]}
    assert b[32, "float"] > 3.9 * b[8, "tensor"]
    assert b[2, "tensor"] < b[2, "channel"] < b[2, "group"] < b[4, "tensor"]


def test_keras_quantize_api(quick):
    int8, int4 = quick["keras"]
    float_acc = acc(quick, 32, "float")
    assert int8["kernel_dtype"] == "int8" and int8["scale_shape"] == (256,)  # one scale per output unit
    assert int4["policy"].startswith("int4/128")                            # groups of 128 inputs
    assert int4["kernel_shape"] == (64, 128)                                # two 4-bit codes per byte
    for k in (int8, int4):
        assert abs(k["accuracy"] - float_acc) <= 0.02


def test_figure_written(quick):
    assert quick["figure"].exists()
