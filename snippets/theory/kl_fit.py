"""Forward vs reverse KL: fit one Gaussian to a two-mode mixture both ways.

What it shows: which direction of the KL divergence you minimise decides what a
too-simple model does with a multi-modal target.

* Forward KL, KL(p || q): what maximum likelihood minimises. Where p has mass
  and q has none the penalty is infinite, so q spreads to cover both modes
  ("mode-covering", zero-avoiding). For a Gaussian q the optimum has a closed
  form: match the mean and the variance of p.
* Reverse KL, KL(q || p): what variational inference minimises. Where q puts
  mass and p has none the penalty is infinite, so q squeezes into one mode
  ("mode-seeking", zero-forcing). No closed form: we minimise it numerically on
  a grid, from several starting points, and keep every local optimum.

    python -m snippets.theory.kl_fit                 # prints both fits
    python -m snippets.theory.kl_fit --figures DIR   # also writes kl-forward-reverse.png

In practice the same picture explains why likelihood-trained models (VAEs,
flows, autoregressive models) put mass between modes (blurry or odd samples)
while GAN-like objectives drop modes (mode collapse).
"""

from pathlib import Path

import numpy as np
from scipy.optimize import minimize

from snippets._example import parser, save_figure

FIGURE = "kl-forward-reverse.png"
GRID = np.linspace(-12.0, 12.0, 4801)  # step 0.005: integrals are Riemann sums


# --8<-- [start:target]
def gaussian_pdf(x, mean, std):
    return np.exp(-0.5 * ((x - mean) / std) ** 2) / (std * np.sqrt(2.0 * np.pi))


def mixture_pdf(x, means=(-3.0, 3.0), std=0.6, weights=(0.5, 0.5)):
    """The target p: two well-separated Gaussian modes."""
    return sum(w * gaussian_pdf(x, m, std) for w, m in zip(weights, means))
# --8<-- [end:target]


# --8<-- [start:divergences]
def kl(a, b, x=GRID):
    """KL(a || b) = integral of a log(a / b), by a Riemann sum on the grid.

    The argument order is the whole point: the expectation is under `a`.
    """
    dx = x[1] - x[0]
    tiny = 1e-300  # log(0) guard; where a is 0 the term is 0 anyway
    return float(np.sum(a * (np.log(a + tiny) - np.log(b + tiny))) * dx)


def forward_fit(p, x=GRID):
    """argmin over Gaussians q of KL(p || q): moment matching (closed form).

    KL(p || q) = -H(p) - E_p[log q]; only the cross-entropy term depends on q,
    and for a Gaussian q it is minimised by q's mean = E_p[x], var = Var_p[x].
    """
    dx = x[1] - x[0]
    mean = np.sum(x * p) * dx
    var = np.sum((x - mean) ** 2 * p) * dx
    return float(mean), float(np.sqrt(var))


def reverse_fit(p, starts=(-5.0, -1.0, 0.0, 1.0, 5.0), x=GRID):
    """argmin over Gaussians q of KL(q || p), by L-BFGS from several starts.

    Returns every local optimum found (mean, std, KL), best first.
    """
    def objective(theta):
        mean, log_std = theta
        return kl(gaussian_pdf(x, mean, np.exp(log_std)), p, x)

    optima = []
    for start in starts:
        res = minimize(objective, x0=[start, np.log(2.0)], method="L-BFGS-B",
                       bounds=[(-10, 10), (np.log(0.05), np.log(8.0))])
        optima.append((float(res.x[0]), float(np.exp(res.x[1])), float(res.fun)))
    return sorted(optima, key=lambda o: o[2])
# --8<-- [end:divergences]


def plot(path, p, fwd, rev, x=GRID):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 2.4))
    ax.fill_between(x, p, color="0.85", label="target p (two modes)")
    ax.plot(x, gaussian_pdf(x, *fwd), "tab:blue", lw=2, label="min KL(p‖q): covers both")
    ax.plot(x, gaussian_pdf(x, *rev), "tab:red", lw=2, ls="--", label="min KL(q‖p): picks one")
    ax.set_xlim(-8, 8)
    ax.set_yticks([])
    ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return save_figure(fig, path)


def run(quick=False, figures_dir=None):
    """Fit both ways; `quick` is accepted for the common contract (this is already fast)."""
    p = mixture_pdf(GRID)
    fwd = forward_fit(p)
    optima = reverse_fit(p)
    rev = optima[0][:2]
    r = {
        "forward": {"mean": fwd[0], "std": fwd[1],
                    "kl_p_q": kl(p, gaussian_pdf(GRID, *fwd)), "kl_q_p": kl(gaussian_pdf(GRID, *fwd), p)},
        "reverse": {"mean": rev[0], "std": rev[1],
                    "kl_p_q": kl(p, gaussian_pdf(GRID, *rev)), "kl_q_p": kl(gaussian_pdf(GRID, *rev), p)},
        "reverse_optima": optima,
    }
    if figures_dir is not None:
        r["figure"] = plot(Path(figures_dir) / FIGURE, p, fwd, rev)
    return r


def main(argv=None):
    cli = parser(__doc__, quick_help="same as the default (already fast)")
    args = cli.parse_args(argv)
    r = run(args.quick, args.figures)
    for name in ("forward", "reverse"):
        f = r[name]
        print(f"{name:8s} fit: mean {f['mean']:+.2f}, std {f['std']:.2f}   "
              f"KL(p||q) {f['kl_p_q']:.3f}   KL(q||p) {f['kl_q_p']:.3f}")
    print("reverse-KL local optima (mean, std, KL):",
          ", ".join(f"({m:+.2f}, {s:.2f}, {k:.3f})" for m, s, k in r["reverse_optima"]))
    return r


if __name__ == "__main__":
    main()
