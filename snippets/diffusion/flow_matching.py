"""Flow matching (rectified flow) vs DDPM on a 2-D toy, at the same small number of sampling steps.

What it shows:

* flow matching with the linear path of rectified flow (Liu et al., 2023; Lipman
  et al., 2023): x_t = (1 - t) x_0 + t x_1 with x_0 ~ N(0, I) noise and x_1 data,
  and a network regressed onto the constant velocity x_1 - x_0. Sampling
  integrates dx/dt = v(x, t) from t = 0 to 1 with a few Euler steps;
* the same network trained as a DDPM (eps prediction, the project's schedule
  and timestep embedding from `snippets/diffusion/ddpm.py`, T = 1000), sampled
  with the ancestral sampler respaced to the same few steps (Nichol & Dhariwal,
  2021), and with DDIM (eta = 0) for reference;
* the distance: sliced Wasserstein-1 to held-out data (mean over random 1-D
  projections of the distance between the sorted projected samples); a second
  held-out sample gives the floor a perfect model would reach.

    python -m snippets.diffusion.flow_matching                 # default size, under a minute on 2 CPU cores
    python -m snippets.diffusion.flow_matching --quick         # smaller run for tests
    python -m snippets.diffusion.flow_matching --figures DIR   # also draws the samples there

At real scale: the same loss trains SD3 and FLUX-class image models with a
transformer (MM-DiT) as v(x, t, text) on VAE latents, with a t sampled from a
logit-normal instead of uniform, and 28-50 Euler steps (fewer after distillation).
"""

import math
import time
from pathlib import Path

import numpy as np
import tensorflow as tf
import keras
from keras import layers

from snippets._example import parser, save_figure
from snippets.diffusion.ddpm import linear_schedule, q_sample, timestep_embedding

FIGURES = Path(__file__).resolve().parents[2] / "docs" / "assets" / "figures"
T_DDPM = 1000


# --8<-- [start:data]
def two_moons(n, seed):
    """sklearn's two moons, standardised: a curved two-part target that a straight
    line from noise cannot reach in one step."""
    from sklearn.datasets import make_moons

    x, _ = make_moons(n, noise=0.05, random_state=seed)
    return ((x - np.array([0.5, 0.25])) / np.array([0.87, 0.5])).astype("float32")
# --8<-- [end:data]


def build_mlp(hidden=128, emb_dim=32):
    """f(x, t): the same network for both methods (velocity for flow matching, noise for DDPM)."""
    x_in, t_in = keras.Input(shape=(2,)), keras.Input(shape=(emb_dim,))
    h = layers.Concatenate()([x_in, t_in])
    for _ in range(3):
        h = layers.Dense(hidden, activation="silu")(h)
    return keras.Model([x_in, t_in], layers.Dense(2)(h))


# --8<-- [start:losses]
def flow_matching_loss(model, x1):
    """Rectified flow: regress v(x_t, t) onto x_1 - x_0 along the straight line."""
    x0 = tf.random.normal(tf.shape(x1))
    t = tf.random.uniform([tf.shape(x1)[0], 1])
    xt = (1.0 - t) * x0 + t * x1
    v = model([xt, timestep_embedding(t[:, 0] * T_DDPM, 32)])
    return tf.reduce_mean(tf.square((x1 - x0) - v))


def ddpm_loss(model, x1, schedule):
    """DDPM's simple loss: predict the noise added by q(x_t | x_0)."""
    t = tf.random.uniform([tf.shape(x1)[0]], 0, T_DDPM, dtype=tf.int32)
    noise = tf.random.normal(tf.shape(x1))
    eps = model([q_sample(x1, t, noise, schedule), timestep_embedding(t, 32)])
    return tf.reduce_mean(tf.square(noise - eps))
# --8<-- [end:losses]


def train(loss_fn, data, steps, batch_size=256, lr=2e-3, hidden=128, seed=0):
    keras.utils.set_random_seed(seed)
    model = build_mlp(hidden)
    optimizer = keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(lr, steps))
    rng = np.random.default_rng(seed)

    @tf.function
    def step(x):
        with tf.GradientTape() as tape:
            loss = loss_fn(model, x)
        optimizer.apply_gradients(zip(tape.gradient(loss, model.trainable_variables), model.trainable_variables))
        return loss

    for _ in range(steps):
        step(data[rng.integers(0, len(data), batch_size)])
    return model


# --8<-- [start:samplers]
def sample_flow(model, n, n_steps, seed=0):
    """Euler on dx/dt = v(x, t), t from 0 (noise) to 1 (data), n_steps equal steps."""
    x = tf.random.stateless_normal([n, 2], seed=(seed, 0))
    for i in range(n_steps):
        t = tf.fill([n], i / n_steps)
        x = x + model([x, timestep_embedding(t * T_DDPM, 32)]) / n_steps
    return x.numpy()


def sample_ddpm(model, schedule, n, n_steps, seed=0, eta=1.0):
    """DDPM respaced to n_steps visited steps (Nichol & Dhariwal, 2021): between visited
    steps t > s the step's beta is 1 - abar_t / abar_s. eta = 1 is the ancestral
    sampler, eta = 0 is DDIM (deterministic)."""
    abars = schedule["alpha_bars"].numpy().astype("float64")
    visited = np.linspace(T_DDPM - 1, 0, n_steps).round().astype(int)
    x = tf.random.stateless_normal([n, 2], seed=(seed, 0)).numpy().astype("float64")
    rng = np.random.default_rng(seed)
    for i, t in enumerate(visited):
        abar_t = abars[t]
        abar_s = abars[visited[i + 1]] if i + 1 < n_steps else 1.0
        eps = model([tf.constant(x, tf.float32), timestep_embedding(tf.fill([n], int(t)), 32)]).numpy()
        x0_hat = (x - np.sqrt(1 - abar_t) * eps) / np.sqrt(abar_t)
        # DDIM's sigma (Song et al., 2021, Eq. 16); eta = 1 gives the DDPM posterior variance.
        sigma = eta * np.sqrt((1 - abar_s) / (1 - abar_t) * (1 - abar_t / abar_s))
        direction = np.sqrt(np.maximum(1 - abar_s - sigma**2, 0.0)) * eps
        x = np.sqrt(abar_s) * x0_hat + direction + sigma * rng.standard_normal(x.shape)
    return x
# --8<-- [end:samplers]


# --8<-- [start:distance]
def sliced_wasserstein(a, b, n_projections=256, seed=0):
    """Sliced Wasserstein-1 between two equal-size point sets: average over random
    directions of the 1-D Wasserstein distance (mean gap between sorted projections)."""
    directions = np.random.default_rng(seed).standard_normal((2, n_projections))
    directions /= np.linalg.norm(directions, axis=0)
    pa, pb = np.sort(a @ directions, axis=0), np.sort(b @ directions, axis=0)
    return float(np.mean(np.abs(pa - pb)))
# --8<-- [end:distance]


def plot_samples(path, held_out, flows, ddpms, steps):
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, len(steps) + 1, figsize=(2.0 * (len(steps) + 1), 4.0), sharex=True, sharey=True)
    for r, (name, sets) in enumerate((("flow matching", flows), ("DDPM", ddpms))):
        axes[r, 0].scatter(*held_out[:1000].T, s=1, c="tab:gray")
        axes[r, 0].set_title("held-out data", fontsize=8)
        axes[r, 0].set_ylabel(name, fontsize=9)
        for c, k in enumerate(steps, start=1):
            axes[r, c].scatter(*sets[k][:1000].T, s=1, c="tab:blue" if r == 0 else "tab:red")
            axes[r, c].set_title(f"{k} steps", fontsize=8)
    for ax in axes.ravel():
        ax.set_xlim(-2.5, 2.5), ax.set_ylim(-2.5, 2.5), ax.set_xticks([]), ax.set_yticks([])
    return save_figure(fig, path)


def run(quick=False, figures_dir=None, seed=0, verbose=True):
    """Train both models for the same number of steps on the same data and network,
    sample each with 1-16 steps, and measure the sliced Wasserstein distance to held-out data."""
    train_steps, n = (1500, 2000) if quick else (6000, 5000)
    data, held_out, floor_set = two_moons(20_000, seed), two_moons(n, seed + 1), two_moons(n, seed + 2)
    schedule = linear_schedule(T_DDPM)
    start = time.perf_counter()
    flow = train(flow_matching_loss, data, train_steps, seed=seed)
    ddpm = train(lambda m, x: ddpm_loss(m, x, schedule), data, train_steps, seed=seed)
    seconds = time.perf_counter() - start
    steps = (1, 2, 4, 8, 16)
    samples = {"flow": {k: sample_flow(flow, n, k, seed + 3) for k in steps},
               "ddpm": {k: sample_ddpm(ddpm, schedule, n, k, seed + 3) for k in steps},
               "ddim": {k: sample_ddpm(ddpm, schedule, n, k, seed + 3, eta=0.0) for k in steps}}
    r = {"train_seconds": seconds, "steps": steps,
         "distance": {name: {k: sliced_wasserstein(s, held_out) for k, s in sets.items()}
                      for name, sets in samples.items()},
         "floor": sliced_wasserstein(floor_set, held_out),
         "noise": sliced_wasserstein(np.random.default_rng(seed).standard_normal((n, 2)), held_out)}
    if verbose:
        print(f"trained both in {seconds:.1f} s; sliced W1 to held-out data "
              f"(floor {r['floor']:.3f}, noise {r['noise']:.3f}):")
        for k in steps:
            print(f"{k:2d} steps: flow matching {r['distance']['flow'][k]:.3f}, "
                  f"DDPM {r['distance']['ddpm'][k]:.3f}, DDIM {r['distance']['ddim'][k]:.3f}")
    if figures_dir is not None:
        shown = (2, 4, 16)
        r["figures"] = [plot_samples(Path(figures_dir) / "flow-matching-vs-ddpm.png", held_out,
                                     samples["flow"], samples["ddpm"], shown)]
    return r


def benchmark():
    r = run(figures_dir=FIGURES)
    d, t = r["distance"], round(r["train_seconds"], 1)
    return [{"example": "diffusion/flow_matching", "train_seconds": t,
             "metric": f"sliced Wasserstein-1 to held-out two moons, flow matching, {k} Euler steps (lower is better)",
             "value": round(d["flow"][k], 3), "baseline": f"DDPM, {k} respaced ancestral steps",
             "baseline_value": round(d["ddpm"][k], 3)} for k in (2, 4, 8)]


def main(argv=None):
    args = parser(__doc__).parse_args(argv)
    run(args.quick, args.figures)


if __name__ == "__main__":
    main()
