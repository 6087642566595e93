"""The optimal discriminator of a GAN, checked numerically on two known 1-D densities.

What it shows (Goodfellow et al., 2014, Proposition 1 and Theorem 1): for a
fixed generator with density q, the discriminator that maximises

    V(D) = E_{x~p}[log D(x)] + E_{x~q}[log(1 - D(x))]

is D*(x) = p(x) / (p(x) + q(x)), and the value of the game there is
V(D*) = -log 4 + 2 JSD(p || q). We train a logistic discriminator with enough
capacity (a logistic model on 24 radial-basis features, convex, so training to
convergence is well defined) on samples of p and q, and compare it pointwise
with p/(p+q) and its value with -log 4 + 2 JSD computed by numerical
integration. A discriminator with too little capacity (a linear logit) cannot
reach that value: Proposition 1 assumes D can be any function.

    python -m snippets.theory.optimal_discriminator
    python -m snippets.theory.optimal_discriminator --quick --figures DIR

In practice D is a neural network trained for a few steps per generator step,
so it is never optimal; the derivation explains what the loss measures, and
why a too-good D starves the generator of gradient (see `generator_gradients`).
"""

from pathlib import Path

import numpy as np

from snippets._example import parser, save_figure

FIGURE = "gan-optimal-discriminator.png"
GRID = np.linspace(-8.0, 8.0, 3201)


# --8<-- [start:densities]
def gaussian_pdf(x, mean, std):
    return np.exp(-0.5 * ((x - mean) / std) ** 2) / (std * np.sqrt(2.0 * np.pi))


# p: the "data"; q: a fixed "generator" with two modes, so D* is not monotone.
P = [(1.0, 0.0, 1.0)]                       # (weight, mean, std)
Q = [(0.5, -2.0, 0.5), (0.5, 2.5, 0.8)]


def density(x, parts):
    return sum(w * gaussian_pdf(x, m, s) for w, m, s in parts)


def draw(parts, n, rng):
    weights = np.array([w for w, _, _ in parts])
    which = rng.choice(len(parts), size=n, p=weights / weights.sum())
    means = np.array([m for _, m, _ in parts])[which]
    stds = np.array([s for _, _, s in parts])[which]
    return means + stds * rng.standard_normal(n)
# --8<-- [end:densities]


# --8<-- [start:theory]
def jsd(p, q, x=GRID):
    """Jensen-Shannon divergence in nats, by numerical integration on the grid."""
    dx = x[1] - x[0]
    m = 0.5 * (p + q)

    def kl(a, b):
        mask = a > 0
        return np.sum(a[mask] * np.log(a[mask] / b[mask])) * dx

    return float(0.5 * kl(p, m) + 0.5 * kl(q, m))


def game_value(d, p, q, x=GRID, eps=1e-12):
    """V(D) = E_p[log D] + E_q[log(1 - D)], integrated against the true densities."""
    dx = x[1] - x[0]
    return float(np.sum(p * np.log(d + eps) + q * np.log(1.0 - d + eps)) * dx)
# --8<-- [end:theory]


# --8<-- [start:discriminator]
CENTRES = np.linspace(-5.0, 6.0, 24)


def features(x, rich=True):
    """Radial-basis features (rich) or just [1, x] (a linear logit)."""
    x = np.asarray(x)[:, None]
    if not rich:
        return np.hstack([np.ones_like(x), x])
    return np.hstack([np.ones_like(x), x, np.exp(-0.5 * ((x - CENTRES) / 0.6) ** 2)])


def train_discriminator(real, fake, rich=True, l2=1e-6, tol=1e-10, max_steps=50):
    """Maximise V(D) on the samples (= minimise binary cross-entropy with
    label 1 for real, 0 for fake) for D(x) = sigmoid(w . phi(x)).

    The loss is convex in w, so Newton's method reaches its global optimum in
    a few steps: "trained to convergence" is well defined here.
    """
    phi = np.vstack([features(real, rich), features(fake, rich)])
    y = np.concatenate([np.ones(len(real)), np.zeros(len(fake))])
    w = np.zeros(phi.shape[1])
    for step in range(1, max_steps + 1):
        d = 1.0 / (1.0 + np.exp(-phi @ w))
        grad = phi.T @ (d - y) / len(y) + 2 * l2 * w
        hess = (phi * (d * (1 - d))[:, None]).T @ phi / len(y) + 2 * l2 * np.eye(len(w))
        delta = np.linalg.solve(hess, grad)
        w -= delta
        if grad @ delta < tol:  # Newton decrement: the loss is within ~tol of its minimum
            break
    return (lambda x: 1.0 / (1.0 + np.exp(-features(x, rich) @ w))), {"steps": step, "converged": step < max_steps}
# --8<-- [end:discriminator]


# --8<-- [start:generator_gradients]
def generator_gradients(d_fake):
    """Gradient of each generator loss with respect to D's logit l on a fake,
    where D = sigmoid(l).

    saturating     log(1 - D):  d/dl = -D      -> vanishes when D rejects fakes (D -> 0)
    non-saturating -log D:      d/dl = -(1 - D) -> close to -1 exactly then
    """
    d_fake = np.asarray(d_fake, dtype=float)
    return {"saturating": -d_fake, "non_saturating": -(1.0 - d_fake)}
# --8<-- [end:generator_gradients]


def plot(path, p, q, d_star, d_rich, d_linear, x=GRID):
    import matplotlib.pyplot as plt

    fig, (top, bottom) = plt.subplots(2, 1, figsize=(6.4, 4.2), sharex=True)
    top.fill_between(x, p, color="tab:blue", alpha=0.3, label="p (data)")
    top.fill_between(x, q, color="tab:orange", alpha=0.3, label="q (generator)")
    top.set_yticks([])
    top.legend(fontsize=8, frameon=False)
    bottom.plot(x, d_star, "k", lw=2, label="p/(p+q)")
    bottom.plot(x, d_rich, "tab:green", ls="--", lw=2, label="trained D, RBF features")
    bottom.plot(x, d_linear, "tab:red", ls=":", lw=2, label="trained D, linear logit")
    bottom.set_ylim(-0.02, 1.02)
    bottom.set_xlim(-5, 6)
    bottom.legend(fontsize=8, frameon=False, loc="upper right")
    return save_figure(fig, path)


def run(quick=False, figures_dir=None, seed=0):
    rng = np.random.default_rng(seed)
    n = 20_000 if quick else 200_000
    real, fake = draw(P, n, rng), draw(Q, n, rng)
    p, q = density(GRID, P), density(GRID, Q)
    d_star = p / (p + q)
    d_rich, res = train_discriminator(real, fake, rich=True)
    d_linear, _ = train_discriminator(real, fake, rich=False)

    support = (p + q) / 2 > 0.01  # where either density has noticeable mass
    r = {
        "n_per_side": n,
        "converged": res["converged"],
        "newton_steps": res["steps"],
        "jsd": jsd(p, q),
        "value_bound": -np.log(4.0) + 2.0 * jsd(p, q),
        "value_optimal": game_value(d_star, p, q),
        "value_trained": game_value(d_rich(GRID), p, q),
        "value_linear": game_value(d_linear(GRID), p, q),
        "max_abs_error": float(np.max(np.abs(d_rich(GRID) - d_star)[support])),
        "max_abs_error_linear": float(np.max(np.abs(d_linear(GRID) - d_star)[support])),
    }
    if figures_dir is not None:
        r["figure"] = plot(Path(figures_dir) / FIGURE, p, q, d_star, d_rich(GRID), d_linear(GRID))
    return r


def main(argv=None):
    cli = parser(__doc__, quick_help="20,000 samples per side instead of 200,000")
    args = cli.parse_args(argv)
    r = run(args.quick, args.figures)
    print(f"{r['n_per_side']:,} samples per side; Newton converged in {r['newton_steps']} steps")
    print(f"JSD(p||q) = {r['jsd']:.4f} nats;  -log 4 + 2 JSD = {r['value_bound']:.4f}  "
          f"(V at p/(p+q): {r['value_optimal']:.4f})")
    print(f"trained D (RBF):   V = {r['value_trained']:.4f},  max |D - D*| = {r['max_abs_error']:.3f}")
    print(f"trained D (linear): V = {r['value_linear']:.4f},  max |D - D*| = {r['max_abs_error_linear']:.3f}")
    g = generator_gradients([0.5, 0.1, 0.01, 0.001])
    print("dLoss/dlogit at D(fake) = 0.5, 0.1, 0.01, 0.001:")
    print("  saturating    ", np.round(g["saturating"], 3))
    print("  non-saturating", np.round(g["non_saturating"], 3))
    return r


if __name__ == "__main__":
    main()
