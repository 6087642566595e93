"""Metrics for generative models you can check: FID, precision and recall, and
an Inception-Score analogue, on features of a small digits classifier.

What it shows: FID (Heusel et al., 2017) and the k-NN precision and recall of
Kynkäänniemi et al. (2019), computed exactly as the papers define them, but on
the 64 hidden units of a tiny MLP trained on real 8x8 digits instead of
Inception-v3's 2,048-dimensional pool features. Three "generators" whose
behaviour we know score as they should:

* held-out real digits: small FID, high precision and high recall;
* a collapsed generator (near-copies of one digit class, or of ten digits, one
  per class): high precision, low recall; the ten-digit one even gets a near-
  perfect Inception Score, which is blind to diversity within a class;
* noise: huge FID, precision near 0.

It also measures FID's bias: the same real distribution scores worse with
fewer samples.

    python -m snippets.theory.metrics
    python -m snippets.theory.metrics --quick

In practice: use Inception-v3 pool3 features (or DINOv2) with 50,000 samples,
the same resizing and the same reference statistics for every model you
compare (Parmar et al., 2022), and report precision and recall beside FID.
"""

import argparse
import time

import numpy as np

from snippets.diffusion.ddpm import baselines, frechet_distance, load_data


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
def run(quick=False, figures_dir=None, seed=0):
    """Score each candidate set against a reference set of real digits.

    Splits: the classifier trains on one part of the training digits, the
    reference set is the rest, and 'held-out real' is the test split: no set
    is scored against itself or against the features' own training data.
    """
    x_train, y_train, x_test, y_test = load_data(seed)
    n = len(x_test)  # 359: every set gets the same size (FID is biased by n)
    x_clf, y_clf, x_ref = x_train[:-n], y_train[:-n], x_train[-n:]
    start = time.perf_counter()
    clf = train_feature_extractor(x_clf, y_clf, seed)
    train_seconds = time.perf_counter() - start
    ref_feats = embed(clf, x_ref)

    scores = {}
    for name, images in candidate_sets(clf, x_test, y_test, x_clf, n, seed).items():
        feats = embed(clf, images)
        precision, recall = precision_recall(ref_feats, feats)
        scores[name] = {"fid": frechet_distance(feats, ref_feats), "precision": precision,
                        "recall": recall, "inception_score": inception_score(clf.predict_proba(images))}

    # FID's bias: the same real distribution, fewer samples, a worse score.
    rng = np.random.default_rng(seed)
    repeats = 3 if quick else 10
    fid_by_n = {}
    for size in (25, 50, 100, 200, n):
        fid_by_n[size] = float(np.mean([
            frechet_distance(embed(clf, x_test[rng.permutation(n)[:size]]), ref_feats)
            for _ in range(repeats)]))
    return {"scores": scores, "fid_by_n": fid_by_n, "classifier_accuracy": clf.score(x_test, y_test),
            "fid_self": frechet_distance(ref_feats, ref_feats), "n": n, "train_seconds": train_seconds}
# --8<-- [end:run]


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
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats for the FID-versus-n curve")
    parser.add_argument("--figures", default=None, help="accepted for the common contract; no figure")
    args = parser.parse_args(argv)
    r = run(args.quick, args.figures)
    print(f"feature classifier accuracy on held-out digits: {r['classifier_accuracy']:.3f}; "
          f"{r['n']} images per set; FID of the reference set with itself: {r['fid_self']:.2g}")
    print(f"{'set':42s} {'FID':>7s} {'precision':>9s} {'recall':>7s} {'IS':>6s}")
    for name, s in r["scores"].items():
        print(f"{name:42s} {s['fid']:7.1f} {s['precision']:9.2f} {s['recall']:7.2f} {s['inception_score']:6.2f}")
    print("FID of held-out real digits by sample size:",
          ", ".join(f"n={k}: {v:.1f}" for k, v in r["fid_by_n"].items()))
    return r


if __name__ == "__main__":
    main()
