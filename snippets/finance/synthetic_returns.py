"""Synthetic daily returns from an autoregressive Student-t network.

Financial return series share "stylised facts" (Cont, 2001): heavy tails,
almost no autocorrelation of the returns themselves, but clear and slowly
decaying autocorrelation of their size (volatility clustering). A useful
market generator must reproduce them. This module

1. makes a training series from a GARCH(1,1) process with Student-t shocks,
   standing in for real prices (which would come from a data vendor);
2. fits a small Keras network that reads the last `window` returns (through
   a few volatility summaries) and outputs the location, scale and degrees of
   freedom of a Student-t distribution for the next return, by maximum
   likelihood on the first 80% of the days (the rest is held out);
3. samples new series from it one day at a time, feeding each sampled return
   back in, and compares their stylised facts with the training series and
   with two baselines: i.i.d. Gaussian noise and an i.i.d. bootstrap
   (shuffled training returns).

    python -m snippets.finance.synthetic_returns                 # default size
    python -m snippets.finance.synthetic_returns --quick         # a few seconds, for tests
    python -m snippets.finance.synthetic_returns --figures DIR   # also draws finance-synthetic-returns.png there

In practice: `load_returns` is the only function to change (daily log
returns of an index, in percent). Then check more facts than these
(leverage effect, gain/loss asymmetry, cross-asset correlation) and never
judge a generator by the look of a plot.
"""

import argparse
import time
from pathlib import Path

import numpy as np
import keras
import tensorflow as tf
from keras import layers
from scipy import stats

FIGURES = Path(__file__).resolve().parents[2] / "docs" / "assets" / "figures"  # where make bench writes
FIGURE = "finance-synthetic-returns.png"

DEFAULTS = dict(days=5000, window=50, hidden=32, epochs=30, paths=8)
QUICK = dict(days=3000, window=50, hidden=32, epochs=10, paths=4)


# --8<-- [start:data]
def load_returns(days, seed=0, omega=0.05, alpha=0.10, beta=0.85, nu=6.0):
    """Daily returns in percent from GARCH(1,1) with Student-t shocks (Bollerslev, 1987).

    sigma2[t] = omega + alpha * r[t-1]**2 + beta * sigma2[t-1];  r[t] = sigma[t] * z[t],
    z[t] ~ t(nu) rescaled to unit variance. This is the only function to change:
    return real daily returns (e.g. 100 * diff(log(close))) instead.
    """
    rng = np.random.default_rng(seed)
    burn = 500
    z = rng.standard_t(nu, size=days + burn) * np.sqrt((nu - 2) / nu)
    r = np.empty(days + burn)
    sigma2 = omega / (1 - alpha - beta)  # start at the unconditional variance
    for t in range(days + burn):
        r[t] = np.sqrt(sigma2) * z[t]
        sigma2 = omega + alpha * r[t] ** 2 + beta * sigma2
    return r[burn:].astype("float32")
# --8<-- [end:data]


# --8<-- [start:model]
SPANS = (1, 5, 20, 50)  # days: the last move, about a week, a month and the whole window


def volatility_summaries(x):
    """Last return and mean |return| over several horizons (the idea behind HAR volatility models).

    Feeding the 50 raw returns to an MLP overfits a few thousand days within a
    few epochs; these five numbers carry what matters for the next day's
    distribution and keep the network small.
    """
    a = tf.abs(x)
    return tf.concat([x[:, -1:]] + [tf.reduce_mean(a[:, -k:], axis=1, keepdims=True) for k in SPANS], axis=1)


def build_model(window, hidden):
    """Past `window` standardised returns -> raw (loc, scale, df) of the next one."""
    x_in = keras.Input(shape=(window,))
    h = layers.Lambda(volatility_summaries)(x_in)
    h = layers.Dense(hidden, activation="gelu")(h)
    h = layers.Dense(hidden, activation="gelu")(h)
    raw = layers.Dense(3)(h)
    return keras.Model(x_in, raw, name="student_t_ar")


def student_t_params(raw):
    loc = raw[:, 0]
    scale = tf.nn.softplus(raw[:, 1]) + 1e-3
    df = 2.0 + tf.nn.softplus(raw[:, 2])  # df > 2 keeps the variance finite
    return loc, scale, df


def student_t_nll(y, raw):
    """Negative log-density of y under Student-t(loc, scale, df), averaged over the batch."""
    loc, scale, df = student_t_params(raw)
    u = (y - loc) / scale
    log_pdf = (tf.math.lgamma((df + 1) / 2) - tf.math.lgamma(df / 2) - 0.5 * tf.math.log(df * np.pi)
               - tf.math.log(scale) - (df + 1) / 2 * tf.math.log1p(u**2 / df))
    return -tf.reduce_mean(log_pdf)
# --8<-- [end:model]


# --8<-- [start:train]
def make_windows(r, window):
    idx = np.arange(window)[None, :] + np.arange(len(r) - window)[:, None]
    return r[idx], r[window:]


def train(model, r, window, epochs, batch=128, lr=3e-3, seed=0):
    """Maximum likelihood: minimise the Student-t NLL of each next return."""
    x, y = make_windows(r, window)
    optimizer = keras.optimizers.Adam(lr)

    @tf.function
    def step(xb, yb):
        with tf.GradientTape() as tape:
            loss = student_t_nll(yb, model(xb, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    data = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(x), seed=seed).batch(batch)
    return [float(np.mean([step(xb, yb) for xb, yb in data])) for _ in range(epochs)]


def heldout_nll(model, r, window):
    x, y = make_windows(r, window)
    return float(student_t_nll(y, model(x, training=False)))


def iid_t_nll(train_r, test_r):
    """Baseline: one Student-t fitted to all training returns, ignoring the past."""
    df, loc, scale = stats.t.fit(train_r)
    return float(-stats.t.logpdf(test_r, df, loc, scale).mean())
# --8<-- [end:train]


# --8<-- [start:generate]
def generate(model, start, days, paths, seed=0):
    """Sample `paths` series of `days` returns, each day conditioned on the model's own past."""
    rng = np.random.default_rng(seed)
    window = len(start)
    predict = tf.function(lambda x: student_t_params(model(x, training=False)))
    buf = np.tile(np.asarray(start, "float32"), (paths, 1))
    out = np.empty((paths, days), "float32")
    for t in range(days):
        loc, scale, df = (v.numpy() for v in predict(buf[:, -window:]))
        out[:, t] = loc + scale * rng.standard_t(df)
        buf = np.concatenate([buf[:, 1:], out[:, t: t + 1]], axis=1)
    return out
# --8<-- [end:generate]


# --8<-- [start:evaluate]
def acf(x, lags):
    x = np.asarray(x, float) - np.mean(x)
    return np.array([np.dot(x[:-k], x[k:]) / np.dot(x, x) for k in range(1, lags + 1)])


def stylised_facts(r, lags=10):
    """Excess kurtosis, mean ACF of returns and of |returns| over lags 1..lags."""
    return {
        "excess_kurtosis": float(stats.kurtosis(r, fisher=True)),
        "acf_returns": float(np.mean(acf(r, lags))),
        "acf_abs_returns": float(np.mean(acf(np.abs(r), lags))),
    }


def median_facts(paths):
    """Median over paths: sample kurtosis of heavy-tailed series is dominated by single days."""
    per_path = [stylised_facts(p) for p in paths]
    return {k: float(np.median([f[k] for f in per_path])) for k in per_path[0]}
# --8<-- [end:evaluate]


def plot(real, synthetic, baselines, path, lags=30):
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(10, 5.6))
    lim = 1.05 * max(np.abs(real).max(), np.abs(synthetic[0]).max())
    for ax, series, title in [(axes[0, 0], real, "training series (GARCH-t)"), (axes[0, 1], synthetic[0], "synthetic (model sample)")]:
        ax.plot(series, lw=0.4, color="k")
        ax.set_ylim(-lim, lim)
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("day")
        ax.set_ylabel("return (%)")
    z = lambda r: (r - r.mean()) / r.std()
    bins = np.linspace(-7, 7, 57)
    axes[1, 0].hist(z(real), bins=bins, density=True, histtype="step", lw=1.5, color="k", label="training")
    axes[1, 0].hist(z(synthetic.ravel()), bins=bins, density=True, histtype="step", lw=1.5, color="C3", label="synthetic")
    axes[1, 0].plot(bins, stats.norm.pdf(bins), color="C0", ls="--", label="Gaussian")
    axes[1, 0].set_yscale("log")
    axes[1, 0].set_ylim(1e-4, 1)
    axes[1, 0].set_xlabel("standardised return")
    axes[1, 0].set_title("heavy tails", fontsize=9)
    axes[1, 0].legend(fontsize=7)
    k = np.arange(1, lags + 1)
    axes[1, 1].plot(k, acf(np.abs(real), lags), "k-", label="|r| training")
    axes[1, 1].plot(k, np.mean([acf(np.abs(s), lags) for s in synthetic], 0), "C3-", label="|r| synthetic")
    axes[1, 1].plot(k, acf(np.abs(baselines["bootstrap"]), lags), "C2:", label="|r| i.i.d. bootstrap")
    axes[1, 1].plot(k, np.mean([acf(s, lags) for s in synthetic], 0), "C3--", lw=0.8, label="r synthetic")
    axes[1, 1].plot(k, acf(real, lags), "k--", lw=0.8, label="r training")
    axes[1, 1].axhline(0, color="0.5", lw=0.5)
    axes[1, 1].set_xlabel("lag (days)")
    axes[1, 1].set_title("volatility clustering: autocorrelation", fontsize=9)
    axes[1, 1].legend(fontsize=7, ncol=2)
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    plt.close(fig)


def run(quick=False, figures_dir=None, seed=0):
    cfg = QUICK if quick else DEFAULTS
    keras.utils.set_random_seed(seed)
    real = load_returns(cfg["days"], seed)
    scale = real.std()  # the network sees returns in units of their standard deviation
    split = int(0.8 * len(real))  # the last 20% of days are held out to check for overfitting
    model = build_model(cfg["window"], cfg["hidden"])
    start = time.perf_counter()
    history = train(model, real[:split] / scale, cfg["window"], cfg["epochs"], seed=seed)
    seconds = time.perf_counter() - start
    test = real[split - cfg["window"]:] / scale
    nll = {"model": heldout_nll(model, test, cfg["window"]),
           "iid_t": iid_t_nll(real[:split] / scale, test[cfg["window"]:])}
    synthetic = scale * generate(model, real[: cfg["window"]] / scale, cfg["days"], cfg["paths"], seed=seed)
    rng = np.random.default_rng(seed)
    baselines = {
        "gaussian": rng.normal(real.mean(), real.std(), size=cfg["days"]).astype("float32"),
        "bootstrap": rng.permutation(real),  # same marginal distribution, no time structure
    }
    facts = {
        "training": stylised_facts(real),
        # Each synthetic path is as long as the training series; median over paths.
        "synthetic": median_facts(synthetic),
        # How much the facts vary between independent draws of the process that made the training series.
        "garch_draws": median_facts([load_returns(cfg["days"], seed + 1 + i) for i in range(cfg["paths"])]),
        "gaussian": stylised_facts(baselines["gaussian"]),
        "bootstrap": stylised_facts(baselines["bootstrap"]),
    }
    if figures_dir is not None:
        figure = Path(figures_dir) / FIGURE
        plot(real, synthetic, baselines, figure)
    return dict(facts=facts, history=history, heldout_nll=nll, train_seconds=seconds, real=real, synthetic=synthetic)


def benchmark():
    r = run(figures_dir=FIGURES)
    f, seconds = r["facts"], round(r["train_seconds"], 1)
    entry = lambda metric, key, baseline, base_value: {
        "example": "finance/synthetic_returns", "metric": metric, "value": round(f["synthetic"][key], 3),
        "baseline": baseline, "baseline_value": round(base_value, 3), "train_seconds": seconds}
    return [
        entry("excess kurtosis (synthetic)", "excess_kurtosis", "training series", f["training"]["excess_kurtosis"]),
        entry("mean ACF of |r|, lags 1-10 (synthetic)", "acf_abs_returns", "training series", f["training"]["acf_abs_returns"]),
        entry("mean ACF of |r|, lags 1-10 (synthetic)", "acf_abs_returns", "i.i.d. bootstrap", f["bootstrap"]["acf_abs_returns"]),
        entry("mean ACF of r, lags 1-10 (synthetic)", "acf_returns", "training series", f["training"]["acf_returns"]),
        {"example": "finance/synthetic_returns", "metric": "held-out NLL per day (standardised returns)",
         "value": round(r["heldout_nll"]["model"], 3), "baseline": "i.i.d. Student-t fit",
         "baseline_value": round(r["heldout_nll"]["iid_t"], 3), "train_seconds": seconds},
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter series, fewer epochs (seconds)")
    parser.add_argument("--figures", default=None, help="write finance-synthetic-returns.png into this directory")
    args = parser.parse_args(argv)
    r = run(quick=args.quick, figures_dir=args.figures)
    print(f"Student-t NLL (training days): {r['history'][0]:.3f} -> {r['history'][-1]:.3f} ({r['train_seconds']:.1f} s)")
    print(f"held-out NLL: model {r['heldout_nll']['model']:.3f}, i.i.d. Student-t {r['heldout_nll']['iid_t']:.3f}")
    print(f"{'series':11s} {'excess kurtosis':>16s} {'ACF r (1-10)':>13s} {'ACF |r| (1-10)':>15s}")
    for name, f in r["facts"].items():
        print(f"{name:11s} {f['excess_kurtosis']:16.2f} {f['acf_returns']:13.3f} {f['acf_abs_returns']:15.3f}")
    if args.figures:
        print(f"figure: {Path(args.figures) / FIGURE}")


if __name__ == "__main__":
    main()
