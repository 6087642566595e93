"""Synthetic patient records from a conditional VAE, judged by TSTR and a memorisation check.

The Wisconsin diagnostic breast cancer table (569 patients, 30 features of cell
nuclei, benign or malignant; bundled with scikit-learn, no download) is split
into a real training set and a real held-out test set. A small conditional VAE
(Keras) learns p(features | diagnosis) from the training set only and then
samples a synthetic table of the same size. The synthetic table is judged the
way synthetic-data papers do:

* utility - "train on synthetic, test on real" (TSTR): a classifier trained on
  the synthetic rows is scored on the real test rows, next to the same
  classifier trained on the real rows (TRTR);
* privacy - distance to closest record (DCR): how close each synthetic row is
  to its nearest real training row, compared with how close genuinely new
  patients (the real test rows) are. Synthetic rows much closer than that are
  near-copies of training patients.

A class-conditional Gaussian (mean and covariance per diagnosis) is the
statistical baseline generator.

    python -m snippets.medicine.synthetic_tabular                 # default size
    python -m snippets.medicine.synthetic_tabular --quick         # a few seconds, for tests
    python -m snippets.medicine.synthetic_tabular --figures DIR   # also draws medicine-synthetic-tabular.png there

In practice: replace `load_table` with your own (de-identified) table and
labels; encode categorical columns (one-hot, or a library such as CTGAN/TVAE
that handles mixed types); and treat DCR as a smoke test, not a privacy
guarantee - formal guarantees need differential privacy during training.
"""

import argparse
import time
from pathlib import Path

import numpy as np
import keras
import tensorflow as tf
from keras import layers
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.neighbors import NearestNeighbors
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

FIGURES = Path(__file__).resolve().parents[2] / "docs" / "assets" / "figures"  # where make bench writes
FIGURE = "medicine-synthetic-tabular.png"

DEFAULTS = dict(latent=8, hidden=128, epochs=400, batch=64)
QUICK = dict(latent=8, hidden=64, epochs=120, batch=64)


# --8<-- [start:data]
def load_table(seed=0):
    """Real train and test splits: features (n, 30) and labels (n,) with 1 = malignant.

    This is the only function to change for your own table. The features are
    log-transformed (they are positive and right-skewed) and standardised with
    statistics from the training split only.
    """
    data = load_breast_cancer()
    x, y = np.log1p(data.data), 1 - data.target  # scikit-learn codes malignant as 0
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=0.3, stratify=y, random_state=seed)
    scaler = StandardScaler().fit(x_tr)
    return (scaler.transform(x_tr).astype("float32"), y_tr.astype("int32"),
            scaler.transform(x_te).astype("float32"), y_te.astype("int32"))
# --8<-- [end:data]


# --8<-- [start:model]
class ConditionalVAE(keras.Model):
    """Encoder q(z | x, y), decoder p(x | z, y) = N(mu(z, y), diag(sigma^2)) with a learned sigma."""

    def __init__(self, n_features, latent=8, hidden=128, **kwargs):
        super().__init__(**kwargs)
        self.latent = latent
        self.encoder = keras.Sequential([layers.Dense(hidden, activation="gelu"), layers.Dense(hidden, activation="gelu"),
                                         layers.Dense(2 * latent)])
        self.decoder = keras.Sequential([layers.Dense(hidden, activation="gelu"), layers.Dense(hidden, activation="gelu"),
                                         layers.Dense(n_features)])
        # One noise level per feature: the decoder mean plus this noise is the sample.
        self.log_sigma = self.add_weight(shape=(n_features,), initializer="zeros", name="log_sigma")

    def decode(self, z, y):
        return self.decoder(tf.concat([z, tf.one_hot(y, 2)], axis=1))

    def loss_terms(self, x, y):
        stats = self.encoder(tf.concat([x, tf.one_hot(y, 2)], axis=1))
        mu, log_var = stats[:, : self.latent], stats[:, self.latent:]
        z = mu + tf.exp(0.5 * log_var) * tf.random.normal(tf.shape(mu))  # reparameterisation trick
        x_mu = self.decode(z, y)
        # Gaussian negative log-likelihood per row (constant log(2 pi) dropped) and KL to N(0, I).
        nll = tf.reduce_sum(0.5 * ((x - x_mu) / tf.exp(self.log_sigma)) ** 2 + self.log_sigma, axis=1)
        kl = 0.5 * tf.reduce_sum(tf.exp(log_var) + mu**2 - 1.0 - log_var, axis=1)
        return tf.reduce_mean(nll), tf.reduce_mean(kl)

    def sample(self, y, seed=0):
        rng = np.random.default_rng(seed)
        z = rng.standard_normal((len(y), self.latent)).astype("float32")
        x_mu = self.decode(z, np.asarray(y, "int32")).numpy()
        return x_mu + np.exp(self.log_sigma.numpy()) * rng.standard_normal(x_mu.shape).astype("float32")
# --8<-- [end:model]


# --8<-- [start:train]
def train_cvae(x, y, latent, hidden, epochs, batch, lr=2e-3, seed=0):
    keras.utils.set_random_seed(seed)
    model = ConditionalVAE(x.shape[1], latent, hidden)
    model.loss_terms(x[:2], y[:2])  # build the weights
    optimizer = keras.optimizers.Adam(lr)

    @tf.function
    def step(xb, yb):
        with tf.GradientTape() as tape:
            nll, kl = model.loss_terms(xb, yb)
            loss = nll + kl  # the negative ELBO
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    data = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(x), seed=seed).batch(batch)
    history = []
    for _ in range(epochs):
        history.append(float(np.mean([step(xb, yb) for xb, yb in data])))
    return model, history


def gaussian_baseline(x, y, n_per_class, seed=0):
    """Class-conditional multivariate Gaussian: the simplest generator worth comparing against."""
    rng = np.random.default_rng(seed)
    rows, labels = [], []
    for c, n in enumerate(n_per_class):
        xc = x[y == c]
        rows.append(rng.multivariate_normal(xc.mean(0), np.cov(xc, rowvar=False), size=n))
        labels.append(np.full(n, c))
    return np.concatenate(rows).astype("float32"), np.concatenate(labels).astype("int32")
# --8<-- [end:train]


# --8<-- [start:evaluate]
def tstr(x_train, y_train, x_test, y_test):
    """Fit a logistic regression on (x_train, y_train), score it on the real test set."""
    clf = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)).fit(x_train, y_train)
    prob = clf.predict_proba(x_test)[:, 1]
    return {"accuracy": accuracy_score(y_test, prob > 0.5), "roc_auc": roc_auc_score(y_test, prob)}


def distance_to_closest_record(rows, x_train):
    """Euclidean distance (standardised features) from each row to its nearest real training row."""
    return NearestNeighbors(n_neighbors=1).fit(x_train).kneighbors(rows)[0][:, 0]
# --8<-- [end:evaluate]


def plot(scores, dcr, x_real, y_real, x_syn, y_syn, path):
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(12, 3.4))
    names = list(scores)
    for i, metric in enumerate(["accuracy", "roc_auc"]):
        axes[0].bar(np.arange(len(names)) + 0.38 * i, [scores[n][metric] for n in names], width=0.38,
                    label=metric.replace("roc_auc", "ROC-AUC"))
    axes[0].set_xticks(np.arange(len(names)) + 0.19, names, fontsize=8)
    axes[0].set_ylim(0.5, 1.0)
    axes[0].set_title("scored on the real test set", fontsize=9)
    axes[0].legend(fontsize=8, loc="lower right")
    bins = np.linspace(0, max(np.percentile(d, 99) for d in dcr.values()), 30)
    for name, d in dcr.items():
        axes[1].hist(d, bins=bins, histtype="step", lw=1.5, density=True, label=name)
    axes[1].set_xlabel("distance to closest real training row")
    axes[1].set_title("memorisation check (DCR)", fontsize=9)
    axes[1].legend(fontsize=8)
    for x, y, marker, label in [(x_real, y_real, "o", "real"), (x_syn, y_syn, "x", "CVAE")]:
        for c, colour in enumerate(["C0", "C3"]):
            axes[2].scatter(x[y == c, 0], x[y == c, 1], s=8, marker=marker, c=colour, alpha=0.5,
                            label=f"{label} {'malignant' if c else 'benign'}")
    axes[2].set_xlabel("mean radius (standardised log)")
    axes[2].set_ylabel("mean texture")
    axes[2].legend(fontsize=7, markerscale=1.5)
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    plt.close(fig)


def run(quick=False, figures_dir=None, seed=0):
    cfg = QUICK if quick else DEFAULTS
    x_tr, y_tr, x_te, y_te = load_table(seed)
    start = time.perf_counter()
    model, history = train_cvae(x_tr, y_tr, cfg["latent"], cfg["hidden"], cfg["epochs"], cfg["batch"], seed=seed)
    seconds = time.perf_counter() - start
    y_syn = y_tr.copy()  # same size and class balance as the real training set
    x_syn = model.sample(y_syn, seed=seed)
    x_gauss, y_gauss = gaussian_baseline(x_tr, y_tr, np.bincount(y_tr), seed=seed)
    scores = {
        "TRTR (real)": tstr(x_tr, y_tr, x_te, y_te),
        "TSTR CVAE": tstr(x_syn, y_syn, x_te, y_te),
        "TSTR Gaussian": tstr(x_gauss, y_gauss, x_te, y_te),
    }
    dcr = {
        "real test rows": distance_to_closest_record(x_te, x_tr),
        "CVAE rows": distance_to_closest_record(x_syn, x_tr),
        "Gaussian rows": distance_to_closest_record(x_gauss, x_tr),
    }
    if figures_dir is not None:
        figure = Path(figures_dir) / FIGURE
        plot(scores, dcr, x_tr, y_tr, x_syn, y_syn, figure)
    return dict(scores=scores, dcr=dcr, history=history, train_seconds=seconds,
                majority=max(np.mean(y_te), 1 - np.mean(y_te)), x_syn=x_syn, y_syn=y_syn, x_train=x_tr)


def benchmark():
    r = run(figures_dir=FIGURES)
    s, seconds = r["scores"], round(r["train_seconds"], 1)
    trtr = s["TRTR (real)"]
    return [
        {"example": "medicine/synthetic_tabular", "metric": "TSTR accuracy (CVAE synthetic -> real test)",
         "value": round(s["TSTR CVAE"]["accuracy"], 3), "baseline": "TRTR (train on real)",
         "baseline_value": round(trtr["accuracy"], 3), "train_seconds": seconds},
        {"example": "medicine/synthetic_tabular", "metric": "TSTR ROC-AUC (CVAE synthetic -> real test)",
         "value": round(s["TSTR CVAE"]["roc_auc"], 3), "baseline": "TRTR (train on real)",
         "baseline_value": round(trtr["roc_auc"], 3), "train_seconds": seconds},
        {"example": "medicine/synthetic_tabular", "metric": "median distance to closest training row (CVAE rows)",
         "value": round(float(np.median(r["dcr"]["CVAE rows"])), 3), "baseline": "real test rows",
         "baseline_value": round(float(np.median(r["dcr"]["real test rows"])), 3), "train_seconds": seconds},
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer epochs (seconds)")
    parser.add_argument("--figures", default=None, help="write medicine-synthetic-tabular.png into this directory")
    args = parser.parse_args(argv)
    r = run(quick=args.quick, figures_dir=args.figures)
    print(f"negative ELBO: {r['history'][0]:.1f} -> {r['history'][-1]:.1f} ({r['train_seconds']:.1f} s)")
    print(f"majority-class accuracy on the test set: {r['majority']:.3f}")
    for name, s in r["scores"].items():
        print(f"{name:14s} accuracy {s['accuracy']:.3f}  ROC-AUC {s['roc_auc']:.3f}")
    for name, d in r["dcr"].items():
        print(f"DCR {name:15s} median {np.median(d):.2f}  5th percentile {np.percentile(d, 5):.2f}")
    if args.figures:
        print(f"figure: {Path(args.figures) / FIGURE}")


if __name__ == "__main__":
    main()
