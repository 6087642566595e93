import numpy as np
import pytest

from snippets.llm.scaling import fit_power_law, load_data, main


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    """Three widths (8, 32, 128) trained on the same 30,000 windows, shared by the tests."""
    return main(["--quick", "--figures", str(tmp_path_factory.mktemp("figures"))])


def test_fit_recovers_a_known_exponent():
    n = np.array([1e3, 1e4, 1e5, 1e6])
    fit = fit_power_law(n, 7.0 * n ** -0.076)
    assert fit["alpha"] == pytest.approx(0.076) and fit["a"] == pytest.approx(7.0)
    assert fit["r2"] == pytest.approx(1.0)


def test_test_text_is_disjoint_from_training_text(monkeypatch):
    (x, _), (x_test, _), vocab_size = load_data(1000, n_test=100)
    assert x.shape == (1000, 16) and x_test.shape == (100, 16) and vocab_size > 50
    # A text whose first 85% is all "a" and last 15% all "b": every training window and target
    # must be "a", every test one "b"; a window that straddles the split would mix them.
    import snippets.llm.scaling as scaling

    monkeypatch.setattr(scaling, "load_corpus", lambda: "a" * 850 + "b" * 150)
    (x, y), (x_test, y_test), _ = scaling.load_data(834, n_test=100)  # every training window
    assert (x == 1).all() and (y == 1).all()
    assert (x_test == 2).all() and (y_test == 2).all()


def test_loss_falls_with_size_and_beats_the_uniform_guess(quick):
    losses = [row["test_loss"] for row in quick["rows"]]
    assert all(a > b for a, b in zip(losses, losses[1:])), losses
    assert losses[0] < quick["uniform_loss"] - 1.0  # every model learned something


def test_the_fit_is_a_decreasing_power_law(quick):
    fit = quick["fit"]
    assert 0.0 < fit["alpha"] < 0.5  # measured 0.05-0.06 at this size
    assert fit["r2"] > 0.9


def test_figure_is_written(quick):
    assert quick["figure"].is_file() and quick["figure"].stat().st_size > 1000
