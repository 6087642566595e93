import numpy as np
import pytest

from snippets.finance.synthetic_returns import acf, load_returns, run, stylised_facts


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    figure = tmp_path_factory.mktemp("fig") / "finance-synthetic-returns.png"
    return run(quick=True, figures_dir=figure.parent), figure


def test_training_series_has_the_stylised_facts():
    f = stylised_facts(load_returns(3000))
    assert f["excess_kurtosis"] > 1
    assert f["acf_abs_returns"] > 0.05
    assert abs(f["acf_returns"]) < 0.05


def test_acf_of_white_noise_is_small():
    noise = np.random.default_rng(0).standard_normal(5000)
    assert np.abs(acf(noise, 10)).max() < 0.05


def test_model_beats_an_iid_student_t_on_held_out_days(result):
    r, _ = result
    assert r["history"][-1] < r["history"][0]
    # Knowing the recent past must help: lower held-out NLL than one Student-t for every day.
    assert r["heldout_nll"]["model"] < r["heldout_nll"]["iid_t"] - 0.01


def test_synthetic_series_reproduce_the_stylised_facts(result):
    r, figure = result
    syn, boot, gauss = r["facts"]["synthetic"], r["facts"]["bootstrap"], r["facts"]["gaussian"]
    assert r["synthetic"].shape == (4, len(r["real"]))
    assert np.isfinite(r["synthetic"]).all()
    assert syn["excess_kurtosis"] > 1 > gauss["excess_kurtosis"]  # heavy tails
    assert abs(syn["acf_returns"]) < 0.05                          # returns themselves ~ uncorrelated
    for path in r["synthetic"]:                                    # volatility clustering in every path
        assert np.mean(acf(np.abs(path), 10)) > 0.02
    assert syn["acf_abs_returns"] > boot["acf_abs_returns"] + 0.03  # which shuffling destroys
    assert figure.stat().st_size > 10_000
