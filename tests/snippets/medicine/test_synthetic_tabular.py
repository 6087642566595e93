import numpy as np
import pytest

from snippets.medicine.synthetic_tabular import distance_to_closest_record, load_table, run, tstr


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    figure = tmp_path_factory.mktemp("fig") / "medicine-synthetic-tabular.png"
    return run(quick=True, figures_dir=figure.parent), figure


def test_split_is_real_and_disjoint():
    x_tr, y_tr, x_te, y_te = load_table()
    assert x_tr.shape[1] == x_te.shape[1] == 30
    assert len(x_tr) + len(x_te) == 569
    assert distance_to_closest_record(x_te, x_tr).min() > 0  # no test patient is in the training set


def test_elbo_improves(result):
    r, _ = result
    assert r["history"][-1] < r["history"][0] - 10


def test_train_on_synthetic_test_on_real(result):
    r, figure = result
    trtr, tstr_cvae = r["scores"]["TRTR (real)"], r["scores"]["TSTR CVAE"]
    assert tstr_cvae["accuracy"] > r["majority"] + 0.2  # far above always predicting "benign"
    assert tstr_cvae["roc_auc"] > 0.95
    assert tstr_cvae["accuracy"] > trtr["accuracy"] - 0.05  # close to training on the real rows
    assert figure.stat().st_size > 10_000


def test_synthetic_rows_are_not_copies(result):
    r, _ = result
    syn, holdout = r["dcr"]["CVAE rows"], r["dcr"]["real test rows"]
    assert syn.min() > 0.1
    # Synthetic rows are no closer to training patients than genuinely new patients are.
    assert np.median(syn) > 0.8 * np.median(holdout)


def test_a_copying_generator_would_be_caught():
    x_tr, y_tr, x_te, y_te = load_table()
    copies = x_tr + 0.01
    assert np.median(distance_to_closest_record(copies, x_tr)) < 0.1 * np.median(distance_to_closest_record(x_te, x_tr))
    assert tstr(copies, y_tr, x_te, y_te)["accuracy"] > 0.9  # utility alone cannot reveal memorisation
