"""Forward KL covers both modes, reverse KL locks onto one (snippets/theory/kl_fit.py)."""

import numpy as np
import pytest
from scipy.optimize import minimize

from snippets.theory.kl_fit import GRID, gaussian_pdf, kl, main, mixture_pdf


@pytest.fixture(scope="module")
def fits(tmp_path_factory):
    return main(["--figures", str(tmp_path_factory.mktemp("figures"))])


def test_kl_is_asymmetric_and_zero_on_itself():
    p, q = gaussian_pdf(GRID, 0, 1), gaussian_pdf(GRID, 1, 2)
    assert kl(p, p) == pytest.approx(0.0, abs=1e-12)
    # Closed form for Gaussians: log(s2/s1) + (s1^2 + (m1-m2)^2) / (2 s2^2) - 1/2
    assert kl(p, q) == pytest.approx(np.log(2) + 2 / 8 - 0.5, abs=1e-5)  # grid error ~1e-6
    assert kl(q, p) == pytest.approx(np.log(0.5) + 5 / 2 - 0.5, abs=1e-5)


def test_forward_fit_covers_both_modes(fits):
    f = fits["forward"]
    # Moment matching: mean 0, variance 0.6^2 + 3^2 = 9.36 (within-mode + between-mode).
    assert f["mean"] == pytest.approx(0.0, abs=1e-6)
    assert f["std"] == pytest.approx(np.sqrt(9.36), abs=1e-3)


def test_closed_form_forward_fit_is_the_numerical_minimiser(fits):
    # Guards the derivation: minimising KL(p || q) directly lands on the moments.
    p = mixture_pdf(GRID)
    res = minimize(lambda t: kl(p, gaussian_pdf(GRID, t[0], np.exp(t[1]))), x0=[1.0, 0.0])
    assert res.x[0] == pytest.approx(fits["forward"]["mean"], abs=1e-3)
    assert np.exp(res.x[1]) == pytest.approx(fits["forward"]["std"], abs=1e-3)


def test_reverse_fit_locks_onto_one_mode(fits):
    r = fits["reverse"]
    assert abs(r["mean"]) == pytest.approx(3.0, abs=0.02)  # sits on a mode, not between
    assert r["std"] == pytest.approx(0.6, abs=0.02)  # as narrow as one mode
    # q equals one component, so KL(q || p) = E_q log(q / (q/2 + ~0)) = log 2.
    assert r["kl_q_p"] == pytest.approx(np.log(2), abs=1e-3)


def test_each_fit_wins_on_its_own_divergence(fits):
    f, r = fits["forward"], fits["reverse"]
    assert f["kl_p_q"] < r["kl_p_q"]  # the reverse fit misses a mode: huge forward KL
    assert r["kl_q_p"] < f["kl_q_p"]  # the forward fit puts mass between modes


def test_reverse_kl_has_several_local_optima(fits):
    means = sorted(round(m) for m, _, _ in fits["reverse_optima"])
    assert -3 in means and 3 in means  # one optimum per mode, found from different starts
    assert fits["figure"].stat().st_size > 5_000
