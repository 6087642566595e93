"""The green-list watermark (Kirchenbauer et al., 2023) on the project's tiny GPT-2, and its z-test.

What it shows
- Generation: at every step the previous token seeds a pseudo-random "green list", a fraction
  gamma of the vocabulary, and delta is added to the green tokens' logits before sampling.
- Detection needs only the key and the tokens, not the model: count the green tokens and compute
  z = (|s|_G - gamma T) / sqrt(T gamma (1 - gamma)); z > 4 says "watermarked".
- Measured on the tiny GPT-2 of snippets/gpt2/text_generation.py (vocabulary 400, trained here
  on 96 documents of five of its twelve sentences in random order): z of watermarked and
  unwatermarked generations, the detection AUC, and how it falls when a fraction of the tokens
  is replaced at random.
- Honest scale: the watermark can only move probability where the model is unsure, so its strength
  depends on the entropy of the next-token distribution. The run reports that entropy, and also
  watermarks the same model at a low temperature, where it is much weaker.

Run
    python -m snippets.applied.watermark           # default size (about a minute on 2 cores)
    python -m snippets.applied.watermark --quick   # smaller; --figures DIR adds the AUC plot

What to change in practice
- A real model and tokenizer (vocabulary 50k-250k), the hash of a longer context or a
  "self-hash" scheme (Kirchenbauer et al., 2024) for robustness, and a secret key kept server-side.
"""

import time
from pathlib import Path

import numpy as np

from snippets._example import parser, save_figure
from snippets.applied.membership_inference import auc

FIGURES = Path(__file__).resolve().parents[2] / "docs/assets/figures"
FIGURE = "watermark-auc.png"
KEY = 15485863           # the secret: any integer; detection needs the same one
GAMMA, DELTA = 0.25, 2.0  # green fraction and logit bias, inside the ranges the paper sweeps
Z_THRESHOLD = 4.0         # the paper's threshold: one-sided false-positive rate about 3e-5
SIZES = {True: dict(epochs=3, n=40, tokens=40), False: dict(epochs=12, n=200, tokens=64)}
FRACTIONS = (0.0, 0.1, 0.2, 0.3, 0.5)


# --8<-- [start:green]
def green_list(previous_token, vocab_size, gamma=GAMMA, key=KEY):
    """The green tokens after `previous_token`: a permutation seeded by (key, previous token)."""
    rng = np.random.default_rng([key, int(previous_token)])
    return rng.permutation(vocab_size)[: int(gamma * vocab_size)]


def green_matrix(vocab_size, gamma=GAMMA, key=KEY):
    """green[p, t] is True when token t is green after token p (vocab_size^2 booleans)."""
    green = np.zeros((vocab_size, vocab_size), dtype=bool)
    for p in range(vocab_size):
        green[p, green_list(p, vocab_size, gamma, key)] = True
    return green
# --8<-- [end:green]


# --8<-- [start:detect]
def z_scores(ids, green, gamma=GAMMA):
    """One z per row of ids (n, T + 1): column 0 is the token before the text; T tokens scored."""
    ids = np.atleast_2d(ids)
    hits = green[ids[:, :-1], ids[:, 1:]]  # each token against the list its predecessor seeds
    T = hits.shape[1]
    return (hits.sum(axis=1) - gamma * T) / np.sqrt(T * gamma * (1 - gamma))
# --8<-- [end:detect]


# --8<-- [start:model]
def train_tiny_lm(epochs, sequence_length=72, seed=0):
    """The project's tiny GPT-2, trained on shuffled runs of five of its sentences so that it
    keeps writing past one sentence (and is unsure at every sentence boundary)."""
    import keras

    from snippets.gpt2.text_generation import build_tiny_gpt2, load_corpus, train, train_tokenizer

    keras.utils.set_random_seed(seed)
    lines = load_corpus()
    rng = np.random.default_rng(seed)
    docs = [" ".join(rng.permutation(lines)[:5]) for _ in range(96)]
    lm = build_tiny_gpt2(train_tokenizer(lines), sequence_length=sequence_length)
    losses = train(lm, docs, epochs=epochs)
    return lm, losses
# --8<-- [end:model]


# --8<-- [start:generate]
def generate(lm, n, tokens, green, delta, rng, temperature=1.0):
    """Sample n sequences of `tokens` tokens after the start token; add delta to green logits.
    delta and temperature may be arrays (one per row), so that every setting shares one batch."""
    import tensorflow as tf

    backbone, tokenizer = lm.backbone, lm.preprocessor.tokenizer
    length = backbone.max_sequence_length
    forward = tf.function(lambda x: backbone.token_embedding(
        backbone({"token_ids": x, "padding_mask": tf.ones_like(x, dtype=bool)}), reverse=True))
    ids = np.zeros((n, length), dtype=np.int32)
    ids[:, 0] = tokenizer.start_token_id
    delta = np.broadcast_to(np.asarray(delta, float), (n,))[:, None]
    temperature = np.broadcast_to(np.asarray(temperature, float), (n,))[:, None]
    banned = [tokenizer.pad_token_id, tokenizer.end_token_id]  # every text gets exactly `tokens`
    entropy = []
    for t in range(1, tokens + 1):
        logits = forward(tf.constant(ids)).numpy()[:, t - 1].astype(np.float64) / temperature
        logits[:, banned] = -np.inf
        p = np.exp(logits - logits.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        entropy.append(-(p * np.log(np.where(p > 0, p, 1))).sum(axis=1))  # before the watermark
        logits = logits + delta * green[ids[:, t - 1]]  # the watermark: bias the green list
        q = np.exp(logits - logits.max(axis=1, keepdims=True))
        q /= q.sum(axis=1, keepdims=True)
        ids[:, t] = [rng.choice(q.shape[1], p=row) for row in q]
    return ids[:, : tokens + 1], np.mean(entropy, axis=0)
# --8<-- [end:generate]


# --8<-- [start:attack]
def substitute(ids, fraction, rng, vocab_size, banned=(0, 1)):
    """Replace a fraction of the scored tokens (not column 0) with random tokens: a crude
    stand-in for editing or paraphrasing. Each change can flip two green checks."""
    ids = ids.copy()
    allowed = np.setdiff1d(np.arange(vocab_size), banned)
    T = ids.shape[1] - 1
    for row in ids:
        where = 1 + rng.choice(T, size=int(round(fraction * T)), replace=False)
        row[where] = rng.choice(allowed, size=len(where))
    return ids
# --8<-- [end:attack]


# --8<-- [start:experiment]
def run(quick=False, figures_dir=None, seed=0):
    size = SIZES[quick]
    start = time.perf_counter()
    lm, losses = train_tiny_lm(size["epochs"], seed=seed)
    train_seconds = time.perf_counter() - start
    vocab = lm.preprocessor.tokenizer.vocabulary_size()
    green = green_matrix(vocab)
    rng = np.random.default_rng(seed)
    n = size["n"]
    # One batch: n rows watermarked, n plain, and n watermarked at temperature 0.3, where the
    # model is nearly deterministic and leaves the watermark little entropy to use.
    ids, entropy = generate(lm, 3 * n, size["tokens"], green, np.r_[np.full(n, DELTA), np.zeros(n), np.full(n, DELTA)],
                            rng, temperature=np.r_[np.ones(2 * n), np.full(n, 0.3)])
    marked, plain, cold = ids[:n], ids[n:2 * n], ids[2 * n:]
    out = {"vocab_size": vocab, "gamma": GAMMA, "delta": DELTA, "tokens": size["tokens"], "n": n,
           "epochs": size["epochs"], "final_loss": float(losses[-1]), "ids_marked": marked,
           "ids_plain": plain, "green": green,
           "entropy_marked": float(entropy[:n].mean()), "entropy_plain": float(entropy[n:2 * n].mean()),
           "entropy_cold": float(entropy[2 * n:].mean())}
    out["z_marked"], out["z_plain"] = z_scores(marked, green), z_scores(plain, green)
    out["auc"] = {f: auc(z_scores(substitute(marked, f, rng, vocab), green), out["z_plain"])
                  for f in FRACTIONS}
    out["tpr_at_4"] = {f: float((z_scores(substitute(marked, f, rng, vocab), green) > Z_THRESHOLD).mean())
                       for f in FRACTIONS}
    out["z_marked_cold"] = z_scores(cold, green)
    out["seconds"] = time.perf_counter() - start
    out["train_seconds"] = train_seconds
    if figures_dir is not None:
        out["figure"] = plot(out, Path(figures_dir) / FIGURE)
    return out
# --8<-- [end:experiment]


def plot(r, path):
    import matplotlib.pyplot as plt

    fig, (a, b) = plt.subplots(1, 2, figsize=(8.4, 3.2))
    bins = np.linspace(min(r["z_plain"].min(), -3), r["z_marked"].max() + 1, 30)
    a.hist(r["z_plain"], bins, alpha=0.6, label="no watermark")
    a.hist(r["z_marked"], bins, alpha=0.6, label=f"watermark, delta={r['delta']}")
    a.hist(r["z_marked_cold"], bins, alpha=0.6, label="watermark, temperature 0.3")
    a.axvline(Z_THRESHOLD, color="k", linestyle="--", label="threshold z=4")
    a.set_xlabel(f"z ({r['tokens']} tokens, gamma={r['gamma']})")
    a.set_ylabel("generations")
    a.legend(fontsize=7)
    fr = list(r["auc"])
    b.plot(fr, [r["auc"][f] for f in fr], "o-", label="AUC")
    b.plot(fr, [r["tpr_at_4"][f] for f in fr], "s--", label="detected at z>4")
    b.set_xlabel("fraction of tokens replaced at random")
    b.set_ylim(0, 1.05)
    b.legend(fontsize=8)
    return save_figure(fig, path)


def benchmark():
    r = run(figures_dir=FIGURES)
    cfg = f"tiny GPT-2, V={r['vocab_size']}, gamma={GAMMA}, delta={DELTA}, T={r['tokens']}, {r['n']}+{r['n']} texts"
    common = {"example": "applied/watermark", "train_seconds": round(r["train_seconds"], 1)}
    entries = [dict(common, metric=f"mean z, watermarked ({cfg})", value=round(float(r["z_marked"].mean()), 2),
                    baseline="unwatermarked", baseline_value=round(float(r["z_plain"].mean()), 2)),
               dict(common, metric="mean z, watermarked at temperature 0.3", value=round(float(r["z_marked_cold"].mean()), 2),
                    baseline="detection threshold", baseline_value=Z_THRESHOLD),
               dict(common, metric="mean next-token entropy (nats), temperature 1 / 0.3",
                    value=round(r["entropy_marked"], 2), baseline="temperature 0.3",
                    baseline_value=round(r["entropy_cold"], 2))]
    for f in FRACTIONS:
        entries.append(dict(common, metric=f"detection AUC, {int(100 * f)}% of tokens replaced",
                            value=round(r["auc"][f], 3), baseline="guessing", baseline_value=0.5))
        entries.append(dict(common, metric=f"share detected at z>4, {int(100 * f)}% of tokens replaced",
                            value=round(r["tpr_at_4"][f], 3), baseline="unwatermarked above z=4",
                            baseline_value=round(float((r["z_plain"] > Z_THRESHOLD).mean()), 3)))
    return entries


def main(argv=None):
    args = parser(__doc__).parse_args(argv)
    r = run(quick=args.quick, figures_dir=args.figures)
    print(f"tiny GPT-2: vocabulary {r['vocab_size']}, {r['epochs']} epochs, final loss {r['final_loss']:.2f}; "
          f"gamma={GAMMA}, delta={DELTA}, {r['n']} texts of {r['tokens']} tokens each")
    print(f"mean entropy (nats): temperature 1 {r['entropy_marked']:.2f}, temperature 0.3 {r['entropy_cold']:.2f}")
    for name in ("z_marked", "z_plain", "z_marked_cold"):
        z = r[name]
        print(f"{name:14s} mean {z.mean():6.2f}  min {z.min():6.2f}  max {z.max():6.2f}  above 4: {(z > 4).mean():.2f}")
    for f in FRACTIONS:
        print(f"replaced {f:4.0%}: AUC {r['auc'][f]:.3f}, detected at z>4 {r['tpr_at_4'][f]:.2f}")


if __name__ == "__main__":
    main()
