import numpy as np
import pytest

from snippets.vae.kl_divergence import kl_monte_carlo, kl_to_standard_normal


def test_kl_is_zero_for_the_prior_itself():
    assert kl_to_standard_normal(np.zeros(3), np.zeros(3)) == 0.0


def test_closed_form_matches_monte_carlo():
    mu, log_var = np.array([0.5, -1.0]), np.array([0.0, -0.7])
    assert kl_to_standard_normal(mu, log_var) == pytest.approx(kl_monte_carlo(mu, log_var), abs=0.01)


def test_kl_grows_as_the_posterior_moves_away():
    closer = kl_to_standard_normal([0.1], [0.0])
    farther = kl_to_standard_normal([2.0], [0.0])
    assert 0 < closer < farther
