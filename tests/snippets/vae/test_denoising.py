import math

import numpy as np
import pytest

from snippets.vae.denoising import (
    denoise,
    kl_term,
    latent_stats,
    load_data,
    pooled_psnr,
    run,
    train,
)


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    """One quick run (VAE and DAE, 30 epochs each) shared by the tests below."""
    return run(quick=True, figures_dir=tmp_path_factory.mktemp("figures"))


def test_pooled_psnr_of_a_known_error():
    clean = np.zeros((4, 64))
    assert pooled_psnr(clean, clean + 0.1) == pytest.approx(20.0)


def test_kl_term_is_zero_only_at_the_prior():
    assert float(kl_term(np.zeros((1, 3), "float32"), np.zeros((1, 3), "float32"))[0]) == 0.0
    assert float(kl_term(np.ones((1, 3), "float32"), np.zeros((1, 3), "float32"))[0]) == pytest.approx(1.5)


def test_vae_denoises_clearly_better_than_the_noisy_input(quick):
    # Measured in quick mode: ~15.8 dB vs ~12.8 dB for the noisy input.
    assert quick["psnr_vae"] >= quick["psnr_noisy"] + 2.0


def test_kl_term_is_positive_finite_and_the_latent_is_used(quick):
    assert 0.0 < quick["kl"] < math.inf
    assert quick["active_dims"] >= 4  # not collapsed: several dims carry information
    assert all(math.isfinite(v) and v > 0 for v in quick["vae_history"]["kl"])


def test_the_dae_is_a_fair_baseline(quick):
    # The same-size DAE also denoises; the VAE should be in the same range
    # (the DAE is usually slightly better: it pays no KL price).
    assert quick["psnr_dae"] >= quick["psnr_noisy"] + 2.0
    assert abs(quick["psnr_vae"] - quick["psnr_dae"]) < 1.5


def test_figures_are_written(quick):
    for path in quick["figures"]:
        assert path.is_file() and path.stat().st_size > 1000


def test_full_kl_weight_without_warmup_collapses_the_posterior(quick):
    # kl_weight=1.0 from the first epoch: the posterior stays close to the
    # prior and the output is little better (or worse) than the noisy input.
    x_train, x_test, x_test_noisy, _ = load_data()
    encoder, decoder, _ = train(x_train, epochs=20, kl_weight=1.0, warmup_epochs=0)
    psnr = pooled_psnr(x_test, denoise(encoder, decoder, x_test_noisy))
    kl, _ = latent_stats(encoder, x_test_noisy)
    assert kl < 0.5 * quick["kl"]
    assert psnr < quick["psnr_vae"] - 1.5
