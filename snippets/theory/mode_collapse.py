"""Mode collapse on a ring of eight Gaussians: a vanilla GAN against WGAN-GP, over many seeds at once.

What it shows: the toy on which mode collapse is usually demonstrated (the
ring of eight Gaussians of Metz et al., 2017, and of the WGAN-GP code of
Gulrajani et al., 2017). Two scores, both on 2,000 samples per model:

- modes covered: how many of the 8 components hold at least 1% of the samples
  in their own disc (within half the gap to the neighbouring centre);
- high-quality share: the fraction of samples within 3 standard deviations of
  the nearest centre (the "high quality" criterion of VEEGAN, Srivastava et al., 2017);
  modes_3std counts modes with 1% of the samples that close (both at once).

A GAN on this toy collapses on some seeds and not on others, so one run proves
nothing. Every seed is trained at once: each weight has a leading seed axis,
the layers are batched matrix products, and the loss is the sum of the seeds'
losses, so each seed's gradient (and its Adam update, which is elementwise) sees
only its own loss: S independent trainings for far less than S runs (16 seeds
of the vanilla GAN, 1,000 steps: 14 s on 2 CPU cores).

    python -m snippets.theory.mode_collapse                 # 16 seeds, 1,000 generator steps each
    python -m snippets.theory.mode_collapse --quick         # 4 seeds, 200 steps, for the tests
    python -m snippets.theory.mode_collapse --figures DIR   # also draws gan-mode-collapse.png there

At real scale: convolutional networks on images, where nobody can count modes;
collapse is then read off recall or a classifier's class histogram (see
snippets/theory/metrics.py), and the stabilisers of choice are spectral
normalisation or R1 with the non-saturating loss (StyleGAN2, BigGAN).
"""

import time
from pathlib import Path

import numpy as np
import tensorflow as tf

from snippets._example import parser, save_figure

FIGURES = Path(__file__).resolve().parents[2] / "docs/assets/figures"  # where make bench writes
FIGURE = "gan-mode-collapse.png"
QUICK = {"seeds": 4, "steps": 200}
DEFAULT = {"seeds": 16, "steps": 1000}


# --8<-- [start:data]
K, RADIUS, STD = 8, 2.0, 0.05
CENTRES = np.stack([RADIUS * np.cos(2 * np.pi * np.arange(K) / K),
                    RADIUS * np.sin(2 * np.pi * np.arange(K) / K)], axis=1).astype("float32")


def sample_ring(rng, shape):
    """Samples of the mixture, shape shape + (2,): a random centre plus N(0, STD^2 I)."""
    idx = rng.uniform(shape, 0, K, dtype=tf.int32)
    return tf.gather(CENTRES, idx) + STD * rng.normal(shape + (2,))


GAP = 2 * RADIUS * np.sin(np.pi / K)  # distance between neighbouring centres (1.53)


def score_samples(x, centres=CENTRES, std=STD, min_share=0.01):
    """Coverage and quality of samples x, shape (n, 2).

    covered mode: at least min_share of the samples lie within GAP/2 of its
        centre (in its own disc, nearer to it than to any other centre);
    high quality: a sample within 3 std of its nearest centre;
    modes_3std: modes holding at least min_share of the samples as
        high-quality samples (coverage and sharpness together).
    """
    x = np.asarray(x, dtype="float64")
    dist = np.linalg.norm(x[:, None, :] - np.asarray(centres)[None, :, :], axis=2)
    nearest, closest = dist.argmin(axis=1), dist.min(axis=1)
    good = closest < 3 * std
    in_disc = np.bincount(nearest[closest < GAP / 2], minlength=len(centres))
    sharp = np.bincount(nearest[good], minlength=len(centres))
    return {"modes": int((in_disc >= min_share * len(x)).sum()), "high_quality": float(good.mean()),
            "modes_3std": int((sharp >= min_share * len(x)).sum()), "counts": in_disc}
# --8<-- [end:data]


# --8<-- [start:model]
def init_mlp(seeds, sizes):
    """One MLP per seed, stacked: W has shape (S, fan_in, fan_out). Glorot-uniform
    initialisation from each seed's own NumPy generator, so seed s starts the
    same however many seeds train beside it."""
    layers = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        w = np.stack([np.random.default_rng([s, fan_in, fan_out, len(layers)]).uniform(-limit, limit, (fan_in, fan_out))
                      for s in seeds])
        layers.append((tf.Variable(w.astype("float32")), tf.Variable(tf.zeros((len(seeds), 1, fan_out)))))
    return layers


def mlp(layers, x):
    """x: (S, n, d_in) -> (S, n, d_out); leaky ReLU between batched matrix products."""
    for i, (w, b) in enumerate(layers):
        x = tf.matmul(x, w) + b
        if i < len(layers) - 1:
            x = tf.nn.leaky_relu(x, 0.2)
    return x


class Adam:
    """Adam on a list of variables. Elementwise, so seeds stacked in one
    variable get independent updates."""

    def __init__(self, variables, lr, beta_1, beta_2, eps=1e-8):
        self.vars, self.lr, self.b1, self.b2, self.eps = variables, lr, beta_1, beta_2, eps
        self.m = [tf.Variable(tf.zeros_like(v)) for v in variables]
        self.v = [tf.Variable(tf.zeros_like(v)) for v in variables]
        self.t = tf.Variable(0.0)

    def apply(self, grads):
        self.t.assign_add(1.0)
        scale = self.lr * tf.sqrt(1 - self.b2 ** self.t) / (1 - self.b1 ** self.t)
        for var, g, m, v in zip(self.vars, grads, self.m, self.v):
            m.assign(self.b1 * m + (1 - self.b1) * g)
            v.assign(self.b2 * v + (1 - self.b2) * g * g)
            var.assign_sub(scale * m / (tf.sqrt(v) + self.eps))
# --8<-- [end:model]


# --8<-- [start:losses]
def gradient_penalty(critic, real, fake, eps):
    """WGAN-GP's penalty per seed, E[(||grad f(x_hat)|| - 1)^2] at random
    interpolates x_hat = eps * real + (1 - eps) * fake (Gulrajani et al., 2017)."""
    x_hat = eps * real + (1.0 - eps) * fake
    with tf.GradientTape() as tape:
        tape.watch(x_hat)
        f = tf.reduce_sum(critic(x_hat))  # summing is fine: f(x_i) depends only on x_i
    grad = tape.gradient(f, x_hat)
    norm = tf.sqrt(tf.reduce_sum(grad ** 2, axis=-1) + 1e-12)
    return tf.reduce_mean((norm - 1.0) ** 2, axis=-1)


def d_loss(kind, critic, real, fake, eps, lam=10.0):
    """The discriminator's (critic's) loss, one value per seed.

    vanilla: the GAN's binary cross-entropy (Goodfellow et al., 2014); D outputs a logit.
    wgan-gp: E[f(fake)] - E[f(real)] + lam * GP, with lam = 10 as in the paper.
    """
    f_real, f_fake = critic(real)[..., 0], critic(fake)[..., 0]
    if kind == "vanilla":
        return tf.reduce_mean(tf.nn.softplus(-f_real) + tf.nn.softplus(f_fake), axis=-1)
    wasserstein = tf.reduce_mean(f_fake, axis=-1) - tf.reduce_mean(f_real, axis=-1)
    return wasserstein + lam * gradient_penalty(critic, real, fake, eps)


def g_loss(kind, critic, fake):
    """The generator's loss: non-saturating -log D(fake) for vanilla, -E[f(fake)] for WGAN-GP."""
    f_fake = critic(fake)[..., 0]
    if kind == "vanilla":
        return tf.reduce_mean(tf.nn.softplus(-f_fake), axis=-1)
    return -tf.reduce_mean(f_fake, axis=-1)
# --8<-- [end:losses]


# --8<-- [start:train]
ADAM = {"vanilla": (0.5, 0.999), "wgan-gp": (0.0, 0.9)}  # (beta_1, beta_2): DCGAN's and WGAN-GP's


def train(kind, seeds, steps, batch=128, z_dim=2, hidden=64, n_critic=5, lr_d=2e-3, lr_g=1e-3, jit=True):
    """Train one GAN per seed, all at once; return samples (S, 2000, 2) and seconds.

    Initial weights depend on each seed alone; the data and noise come from one
    generator seeded by the whole seed list, so results are for that list.
    """
    S = len(seeds)
    G = init_mlp([1000 + s for s in seeds], [z_dim, hidden, hidden, hidden, 2])
    D = init_mlp([2000 + s for s in seeds], [2, hidden, hidden, hidden, 1])
    g_vars, d_vars = [v for l in G for v in l], [v for l in D for v in l]
    opt_g, opt_d = Adam(g_vars, lr_g, *ADAM[kind]), Adam(d_vars, lr_d, *ADAM[kind])
    rng = tf.random.Generator.from_seed(int(sum(seeds)) * 7919 + S)
    critic = lambda x: mlp(D, x)

    @tf.function(jit_compile=jit)  # XLA fuses the many small ops (about 1.3x faster here)
    def fit(n):
        for _ in tf.range(n):
            for _ in range(n_critic):
                real, z = sample_ring(rng, (S, batch)), rng.normal((S, batch, z_dim))
                eps = rng.uniform((S, batch, 1))
                with tf.GradientTape() as tape:
                    # seeds share no weights, so the sum's gradient is each seed's own gradient
                    total = tf.reduce_sum(d_loss(kind, critic, real, mlp(G, z), eps))
                opt_d.apply(tape.gradient(total, d_vars))
            z = rng.normal((S, batch, z_dim))
            with tf.GradientTape() as tape:
                total = tf.reduce_sum(g_loss(kind, critic, mlp(G, z)))
            opt_g.apply(tape.gradient(total, g_vars))

    start = time.perf_counter()
    fit(tf.constant(steps))
    seconds = time.perf_counter() - start
    z = tf.random.Generator.from_seed(12345).normal((S, 2000, z_dim))
    return mlp(G, z).numpy(), seconds
# --8<-- [end:train]


def plot(path, samples, scores, real):
    import matplotlib.pyplot as plt

    kinds = list(samples)
    n = min(4, samples[kinds[0]].shape[0])
    fig, axes = plt.subplots(len(kinds), n, figsize=(1.7 * n, 1.8 * len(kinds)), sharex=True, sharey=True)
    for row, kind in enumerate(kinds):
        for s in range(n):
            ax = axes[row, s]
            ax.scatter(real[:, 0], real[:, 1], s=2, c="tab:orange", alpha=0.3, lw=0)
            ax.scatter(samples[kind][s, :, 0], samples[kind][s, :, 1], s=1, c="tab:blue", alpha=0.4, lw=0)
            sc = scores[kind][s]
            ax.set_title(f"{kind}, seed {s}\n{sc['modes']}/8 modes, HQ {sc['high_quality']:.2f}", fontsize=7)
            ax.set_xlim(-3, 3)
            ax.set_ylim(-3, 3)
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_aspect("equal")
    return save_figure(fig, path)


def run(quick=False, figures_dir=None, seeds=None, steps=None, kinds=("vanilla", "wgan-gp")):
    size = QUICK if quick else DEFAULT
    seeds = list(range(size["seeds"])) if seeds is None else list(seeds)
    steps = size["steps"] if steps is None else steps
    real = sample_ring(tf.random.Generator.from_seed(0), (2000,)).numpy()
    r = {"seeds": seeds, "steps": steps, "real": score_samples(real)}
    samples = {}
    for kind in kinds:
        samples[kind], seconds = train(kind, seeds, steps)
        scores = [score_samples(x) for x in samples[kind]]
        r[kind] = {"modes": [s["modes"] for s in scores], "high_quality": [s["high_quality"] for s in scores],
                   "modes_3std": [s["modes_3std"] for s in scores],
                   "mean_modes": float(np.mean([s["modes"] for s in scores])),
                   "mean_modes_3std": float(np.mean([s["modes_3std"] for s in scores])),
                   "mean_high_quality": float(np.mean([s["high_quality"] for s in scores])),
                   "all_eight": int(sum(s["modes"] == K for s in scores)),
                   "seconds": seconds, "scores": scores}
    if figures_dir is not None:
        r["figure"] = plot(Path(figures_dir) / FIGURE, samples, {k: r[k]["scores"] for k in kinds}, real)
    return r


def benchmark():
    r = run(figures_dir=FIGURES)
    S, v, w = len(r["seeds"]), r["vanilla"], r["wgan-gp"]
    entry = {"example": "theory/mode_collapse", "train_seconds": round(v["seconds"] + w["seconds"], 1)}
    return [
        {**entry, "metric": f"modes covered (of 8), WGAN-GP, mean of {S} seeds",
         "value": round(w["mean_modes"], 2), "baseline": "vanilla GAN (non-saturating), same networks and steps",
         "baseline_value": round(v["mean_modes"], 2)},
        {**entry, "metric": f"seeds covering all 8 modes, WGAN-GP (of {S})",
         "value": w["all_eight"], "baseline": "vanilla GAN (non-saturating), same networks and steps",
         "baseline_value": v["all_eight"]},
        {**entry, "metric": f"modes with 1% of samples within 3 std, WGAN-GP, mean of {S} seeds",
         "value": round(w["mean_modes_3std"], 2), "baseline": "vanilla GAN (non-saturating), same networks and steps",
         "baseline_value": round(v["mean_modes_3std"], 2)},
        {**entry, "metric": f"high-quality share (within 3 std of a mode), WGAN-GP, mean of {S} seeds",
         "value": round(w["mean_high_quality"], 3), "baseline": "vanilla GAN (non-saturating), same networks and steps",
         "baseline_value": round(v["mean_high_quality"], 3)},
    ]


def main(argv=None):
    p = parser(__doc__, quick_help=f"{QUICK['seeds']} seeds, {QUICK['steps']} steps instead of "
                                   f"{DEFAULT['seeds']} and {DEFAULT['steps']:,}")
    args = p.parse_args(argv)
    r = run(quick=args.quick, figures_dir=args.figures)
    print(f"{len(r['seeds'])} seeds trained at once, {r['steps']} generator steps each; "
          f"real data: {r['real']['modes']}/8 modes, high quality {r['real']['high_quality']:.3f}")
    for kind in ("vanilla", "wgan-gp"):
        k = r[kind]
        print(f"{kind:8s} modes per seed {k['modes']} (mean {k['mean_modes']:.2f}, all 8 in {k['all_eight']}); "
              f"within 3 std {k['modes_3std']}; "
              f"high quality {np.round(k['high_quality'], 2).tolist()} (mean {k['mean_high_quality']:.3f}); "
              f"{k['seconds']:.1f} s")
    return r


if __name__ == "__main__":
    main()
