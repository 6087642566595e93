"""KL divergence between a diagonal Gaussian and the standard normal.

The regulariser in a VAE's loss (the ELBO) is KL(q(z|x) || N(0, I)). For a
diagonal Gaussian q = N(mu, sigma^2) it has a closed form; this module checks
that form against a Monte Carlo estimate.

    python -m snippets.vae.kl_divergence
"""

import argparse

import numpy as np


# --8<-- [start:closed_form]
def kl_to_standard_normal(mu, log_var):
    """KL(N(mu, exp(log_var)) || N(0, 1)), summed over the last axis.

    VAEs predict log-variance rather than sigma so that the network output is
    unconstrained and exp() keeps the variance positive.
    """
    mu, log_var = np.asarray(mu, float), np.asarray(log_var, float)
    return 0.5 * np.sum(np.exp(log_var) + mu**2 - 1.0 - log_var, axis=-1)
# --8<-- [end:closed_form]


# --8<-- [start:monte_carlo]
def kl_monte_carlo(mu, log_var, samples=200_000, seed=0):
    """Estimate the same KL as E_q[log q(z) - log p(z)] with reparameterised samples."""
    rng = np.random.default_rng(seed)
    mu, log_var = np.asarray(mu, float), np.asarray(log_var, float)
    sigma = np.exp(0.5 * log_var)
    eps = rng.standard_normal((samples,) + mu.shape)
    z = mu + sigma * eps  # reparameterisation: z is a differentiable function of (mu, sigma)
    log_q = -0.5 * (eps**2 + log_var + np.log(2 * np.pi))
    log_p = -0.5 * (z**2 + np.log(2 * np.pi))
    return float(np.mean(np.sum(log_q - log_p, axis=-1)))
# --8<-- [end:monte_carlo]


def run(quick=False, figures_dir=None, mu=(0.5, -1.0), log_var=(0.0, -0.7)):
    """Both estimates for one Gaussian. Already instant: quick and figures_dir change nothing."""
    mu, log_var = np.array(mu), np.array(log_var)
    return {"closed_form": kl_to_standard_normal(mu, log_var), "monte_carlo": kl_monte_carlo(mu, log_var)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="same as default (already instant)")
    parser.add_argument("--figures", default=None, help="unused: nothing is drawn")
    args = parser.parse_args(argv)
    r = run(args.quick, args.figures)
    print(f"closed form: {r['closed_form']:.4f}")
    print(f"Monte Carlo: {r['monte_carlo']:.4f}")


if __name__ == "__main__":
    main()
