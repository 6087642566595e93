"""Metrics for generative models you can check: FID, precision and recall, and
an Inception-Score analogue, on features of a small digits classifier.

What it shows: FID (Heusel et al., 2017) and the k-NN precision and recall of
Kynkäänniemi et al. (2019), computed exactly as the papers define them, but on
the 64 hidden units of a tiny MLP trained on real 8x8 digits instead of
Inception-v3's 2,048-dimensional pool features. Five "generators" whose
behaviour we know score as they should:

* held-out real digits: small FID, high precision and high recall;
* a collapsed generator (near-copies of one digit class, or of ten digits, one
  per class): high precision, low recall; the ten-digit one even gets a near-
  perfect Inception Score, which is blind to diversity within a class;
* a Gaussian with the pixels' mean and covariance: a modest FID although
  half of its samples are off the digit manifold (low precision);
* noise: huge FID, precision near 0.

It also measures FID's bias: the same real distribution scores worse with
fewer samples.

    python -m snippets.theory.metrics
    python -m snippets.theory.metrics --quick
    python -m snippets.theory.metrics --models   # also score this site's GAN, VAE and DDPM

In practice: use Inception-v3 pool3 features (or DINOv2) with 50,000 samples,
the same resizing and the same reference statistics for every model you
compare (Parmar et al., 2022), and report precision and recall beside FID.
"""

import time

import numpy as np

from snippets.diffusion.ddpm import baselines, frechet_distance, load_data
from snippets._example import parser

# --8<-- [start:features]
def train_feature_extractor(x, y, seed=0):
    """A one-hidden-layer MLP digit classifier: its 64 ReLU units play the role
    of Inception's pool features, its softmax the role of Inception's p(y|x)."""
    from sklearn.neural_network import MLPClassifier

    return MLPClassifier(hidden_layer_sizes=(64,), max_iter=600, random_state=seed).fit(x, y)


def embed(clf, x):
    """Penultimate-layer features: ReLU(x W1 + b1)."""
    return np.maximum(x @ clf.coefs_[0] + clf.intercepts_[0], 0.0)
# --8<-- [end:features]


# --8<-- [start:precision_recall]
def pairwise_distances(a, b):
    d2 = np.sum(a**2, 1)[:, None] + np.sum(b**2, 1)[None, :] - 2.0 * a @ b.T
    return np.sqrt(np.maximum(d2, 0.0))


def knn_radii(feats, k=3):
    """Distance from each point to its k-th nearest neighbour in the same set
    (itself excluded): the radius of its ball in the k-NN manifold estimate."""
    d = pairwise_distances(feats, feats)
    return np.sort(d, axis=1)[:, k]  # column 0 is the point itself


def coverage(points, manifold, radii):
    """Fraction of `points` inside at least one ball (centre in `manifold`)."""
    return float(np.mean((pairwise_distances(points, manifold) <= radii[None, :]).any(axis=1)))


def precision_recall(real_feats, fake_feats, k=3):
    """Kynkäänniemi et al. (2019): precision = share of generated samples on the
    real manifold; recall = share of real samples on the generated manifold."""
    precision = coverage(fake_feats, real_feats, knn_radii(real_feats, k))
    recall = coverage(real_feats, fake_feats, knn_radii(fake_feats, k))
    return precision, recall
# --8<-- [end:precision_recall]


# --8<-- [start:inception_score]
def inception_score(probs, eps=1e-12):
    """exp(E_x KL(p(y|x) || p(y))) (Salimans et al., 2016), with our classifier.

    High when each sample is classified confidently AND the classes are
    balanced; between 1 and the number of classes. Needs no real data, so it
    cannot see whether the samples look like the data or vary within a class.
    """
    marginal = probs.mean(axis=0, keepdims=True)
    kl = np.sum(probs * (np.log(probs + eps) - np.log(marginal + eps)), axis=1)
    return float(np.exp(kl.mean()))
# --8<-- [end:inception_score]


# --8<-- [start:generators]
def near_copies(images, n, rng, jitter=0.1):
    """A collapsed 'generator': n near-copies of a few images (small pixel noise)."""
    picks = images[rng.integers(0, len(images), n)]
    return np.clip(picks + jitter * rng.standard_normal(picks.shape), -1, 1).astype("float32")


def candidate_sets(clf, x_test, y_test, x_pool, n, seed=0):
    rng = np.random.default_rng(seed)
    # The crispest held-out image of each class: what a generator that games
    # the Inception Score would draw.
    confidence = clf.predict_proba(x_test)[np.arange(len(x_test)), y_test]
    crisp = x_test[[int(np.flatnonzero(y_test == c)[np.argmax(confidence[y_test == c])]) for c in range(10)]]
    fakes = baselines(x_pool, n, seed)  # the DDPM page's two baselines
    return {
        "held-out real": x_test[:n],
        "one class (near-copies of 3s)": near_copies(x_test[y_test == 3], n, rng),
        "ten digits (near-copies, one per class)": near_copies(crisp, n, rng),
        "Gaussian fitted to the pixels": fakes["gaussian"],
        "noise": fakes["noise"],
    }
# --8<-- [end:generators]


# --8<-- [start:run]
def setup(seed=0):
    """Splits: the classifier trains on one part of the training digits, the
    reference set is the rest, and 'held-out real' is the test split: no set
    is scored against itself or against the features' own training data."""
    x_train, y_train, x_test, y_test = load_data(seed)
    n = len(x_test)  # 359: every set gets the same size (FID is biased by n)
    start = time.perf_counter()
    clf = train_feature_extractor(x_train[:-n], y_train[:-n], seed)
    return {"clf": clf, "ref_feats": embed(clf, x_train[-n:]), "x_train": x_train, "x_clf": x_train[:-n],
            "x_test": x_test, "y_test": y_test, "n": n, "train_seconds": time.perf_counter() - start}


def score(clf, ref_feats, images):
    feats = embed(clf, images)
    precision, recall = precision_recall(ref_feats, feats)
    return {"fid": frechet_distance(feats, ref_feats), "precision": precision, "recall": recall,
            "inception_score": inception_score(clf.predict_proba(images))}


def run(quick=False, figures_dir=None, seed=0):
    """Score each candidate set against a reference set of real digits."""
    d = setup(seed)
    clf, ref_feats, x_test, y_test, n = d["clf"], d["ref_feats"], d["x_test"], d["y_test"], d["n"]
    scores = {name: score(clf, ref_feats, images)
              for name, images in candidate_sets(clf, x_test, y_test, d["x_clf"], n, seed).items()}

    # FID's bias: the same real distribution, fewer samples, a worse score.
    rng = np.random.default_rng(seed)
    repeats = 3 if quick else 10
    fid_by_n = {}
    for size in (25, 50, 100, 200, n):
        fid_by_n[size] = float(np.mean([
            frechet_distance(embed(clf, x_test[rng.permutation(n)[:size]]), ref_feats)
            for _ in range(repeats)]))
    return {"scores": scores, "fid_by_n": fid_by_n, "classifier_accuracy": clf.score(x_test, y_test),
            "fid_self": frechet_distance(ref_feats, ref_feats), "n": n, "train_seconds": d["train_seconds"]}
# --8<-- [end:run]


# --8<-- [start:project_models]
SIZES = {"default": {"gan_steps": 2000, "vae_epochs": 100, "ddpm_epochs": 300},
         "tiny": {"gan_steps": 20, "vae_epochs": 1, "ddpm_epochs": 1, "T": 50}}  # --quick --models: plumbing only


def project_model_samples(x_train, n, seed=0, gan_steps=2000, vae_epochs=100, ddpm_epochs=300, T=200):
    """n samples from each of this site's digit generators, trained here on x_train
    with their default settings. Every set comes back as (n, 64) pixels in [-1, 1],
    the scale the feature classifier reads."""
    from snippets.diffusion import ddpm
    from snippets.gan import digits as gan
    from snippets.vae import denoising as vae

    samples, seconds = {}, {}
    start = time.perf_counter()
    generator, _ = gan.train(x_train.reshape(-1, 8, 8), steps=gan_steps, seed=seed)
    samples["GAN"] = gan.sample(generator, n, seed=seed + 1).reshape(n, -1)
    seconds["GAN"], start = time.perf_counter() - start, time.perf_counter()
    # The VAE works on [0, 1] pixels: train on them, map its prior samples back to [-1, 1].
    _, decoder, _ = vae.train((x_train + 1.0) / 2.0, epochs=vae_epochs, seed=seed)
    samples["VAE"] = vae.sample_prior(decoder, n, seed=seed + 1)[0] * 2.0 - 1.0
    seconds["VAE"], start = time.perf_counter() - start, time.perf_counter()
    model, schedule, _ = ddpm.train(x_train, epochs=ddpm_epochs, T=T, seed=seed)
    samples["DDPM"] = ddpm.sample(model, schedule, n, T, seed=seed + 1)[0]
    seconds["DDPM"] = time.perf_counter() - start
    for name, images in samples.items():  # a set on the wrong scale would be scored silently
        if images.shape != (n, 64) or images.min() < -1.0 - 1e-5 or images.max() > 1.0 + 1e-5 or images.min() > -0.5:
            raise ValueError(f"snippets/theory/metrics.py: {name} samples have shape {images.shape} and range "
                             f"[{images.min():.2f}, {images.max():.2f}]; map them to (n, 64) pixels in [-1, 1] "
                             "(background -1) before scoring, as load_data() does.")
    return samples, seconds


def score_project_models(size="default", seed=0):
    """FID, precision, recall and the IS analogue of the GAN, VAE and DDPM samples,
    against the same reference set as `run`, with held-out real digits beside them."""
    d = setup(seed)
    samples, seconds = project_model_samples(d["x_train"], d["n"], seed, **SIZES[size])
    samples["held-out real"] = d["x_test"]
    return {name: {**score(d["clf"], d["ref_feats"], images), "train_seconds": seconds.get(name),
                   "pixel_range": (float(images.min()), float(images.max()))}
            for name, images in samples.items()}
# --8<-- [end:project_models]


def benchmark():
    r = run()
    s, t = r["scores"], round(r["train_seconds"], 1)
    real = "held-out real digits"
    return [
        {"example": "theory/metrics", "metric": "FID on digit-classifier features, held-out real digits (n=359)",
         "value": round(s["held-out real"]["fid"], 1), "baseline": "noise",
         "baseline_value": round(s["noise"]["fid"], 1), "train_seconds": t},
        {"example": "theory/metrics", "metric": "recall (k=3), collapsed generator: near-copies of one class",
         "value": round(s["one class (near-copies of 3s)"]["recall"], 2), "baseline": real,
         "baseline_value": round(s["held-out real"]["recall"], 2), "train_seconds": t},
        {"example": "theory/metrics", "metric": "precision (k=3), Gaussian fitted to the pixels",
         "value": round(s["Gaussian fitted to the pixels"]["precision"], 2), "baseline": real,
         "baseline_value": round(s["held-out real"]["precision"], 2), "train_seconds": t},
        {"example": "theory/metrics", "metric": "Inception-Score analogue, ten near-copied digits (max 10)",
         "value": round(s["ten digits (near-copies, one per class)"]["inception_score"], 2), "baseline": real,
         "baseline_value": round(s["held-out real"]["inception_score"], 2), "train_seconds": t},
    ] + project_model_entries(score_project_models())


def project_model_entries(models):
    """Three entries per model (FID, precision, recall), held-out real digits as the baseline."""
    real = models["held-out real"]
    entries = []
    for name, example in (("GAN", "gan/digits"), ("VAE", "vae/denoising"), ("DDPM", "diffusion/ddpm")):
        for key, label, digits in (("fid", "FID", 1), ("precision", "precision (k=3)", 2), ("recall", "recall (k=3)", 2)):
            entries.append({"example": "theory/metrics", "metric": f"{label}, this site's {name} ({example}, default size)",
                            "value": round(models[name][key], digits), "baseline": "held-out real digits",
                            "baseline_value": round(real[key], digits),
                            "train_seconds": round(models[name]["train_seconds"], 1)})
    return entries


def main(argv=None):
    cli = parser(__doc__, quick_help="fewer repeats for the FID-versus-n curve")
    cli.add_argument("--models", action="store_true",
                        help="also train this site's GAN, VAE and DDPM (default sizes, about a minute) and score them")
    args = cli.parse_args(argv)
    r = run(args.quick, args.figures)
    print(f"feature classifier accuracy on held-out digits: {r['classifier_accuracy']:.3f}; "
          f"{r['n']} images per set; FID of the reference set with itself: {r['fid_self']:.2g}")
    print(f"{'set':42s} {'FID':>7s} {'precision':>9s} {'recall':>7s} {'IS':>6s}")
    for name, s in r["scores"].items():
        print(f"{name:42s} {s['fid']:7.1f} {s['precision']:9.2f} {s['recall']:7.2f} {s['inception_score']:6.2f}")
    print("FID of held-out real digits by sample size:",
          ", ".join(f"n={k}: {v:.1f}" for k, v in r["fid_by_n"].items()))
    if args.models:
        r["models"] = score_project_models("tiny" if args.quick else "default")
        for name, s in r["models"].items():
            trained = "" if s["train_seconds"] is None else f"  (trained and sampled in {s['train_seconds']:.1f} s)"
            print(f"{name:42s} {s['fid']:7.1f} {s['precision']:9.2f} {s['recall']:7.2f} {s['inception_score']:6.2f}{trained}")
    return r


if __name__ == "__main__":
    main()
