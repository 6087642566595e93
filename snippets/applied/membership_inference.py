"""Membership inference: a loss-threshold attack on a language model that memorised its training texts.

What it shows
- The attack of Yeom et al. (2018) in its simplest form: a text the model was trained on tends to
  have a lower loss than a text it never saw, so "loss below a threshold" guesses "member". Its
  quality over all thresholds is the ROC AUC (0.5 = guessing).
- The model is a character-level n-gram language model with add-k smoothing, in NumPy: counting
  is training, it memorises exactly like a large model memorises rare strings, and it trains in
  milliseconds, so the test can train three of them. The attack needs only a loss per text, which
  any language model (the tiny GPT-2 included) gives the same way.
- The texts are generated records with random digits (a name, a city, an account number), so
  members and non-members come from one distribution by construction. With real texts a held-out
  set written later or elsewhere differs in vocabulary and dates, and an attack scores above 0.5
  on that shift alone (Duan et al., 2024; Das et al., 2024).
- Three models over the same members: trained on a duplicated set (some records copied up to 30
  times, as web text is), the same counts regularised (ten times stronger smoothing), and trained on
  the de-duplicated set. Regularising lowers the AUC over all members. De-duplicating lowers it for
  the records that had been copied (the ones the attack found best); over all members it does not
  fall (0.934 -> 0.913 at default size; the quick run even rises, because in the duplicated set the
  copies crowd out what the model keeps of the other records). A record seen once stays exposed:
  that is what differential privacy is for.

Run
    python -m snippets.applied.membership_inference           # default size, prints the AUCs
    python -m snippets.applied.membership_inference --quick   # fewer records; --figures DIR adds ROC curves

What to change in practice
- Use the target model's per-token loss in `text_loss`. Calibrate each text's loss against a
  reference model or zlib entropy (Carlini et al., 2021) and report the true-positive rate at a low
  false-positive rate (Carlini et al., 2022), not only the AUC.
"""

import time
from collections import Counter
from pathlib import Path

import numpy as np

from snippets._example import parser, save_figure

FIGURES = Path(__file__).resolve().parents[2] / "docs/assets/figures"
FIGURE = "membership-inference-roc.png"
ORDER = 6          # characters of context + 1: long enough to memorise a run of digits
K_OVERFIT = 2.0    # add-k smoothing of the over-fitted model
K_REGULARISED = 20.0


# --8<-- [start:data]
NAMES = ["ana", "bo", "chen", "dara", "eli", "fatima", "gus", "hana", "ivan", "jun", "kofi", "lena",
         "mei", "nour", "omar", "pia", "quinn", "rosa", "sven", "tao", "uma", "vik", "wen", "yuki"]
CITIES = ["beijing", "berlin", "cairo", "delhi", "lagos", "lima", "madrid", "osaka", "paris",
          "quito", "seoul", "shanghai", "sydney", "toronto"]


def make_records(n, rng):
    """Synthetic personal records; the random account number is what a model can memorise."""
    return [f"{rng.choice(NAMES)} from {rng.choice(CITIES)} has account "
            f"{''.join(rng.choice(list('0123456789'), size=8))}." for _ in range(n)]


def duplicate(records, rng, max_copies=30):
    """Copies per record with a heavy tail (most once, a few many times), as on the web."""
    copies = np.minimum(rng.zipf(1.6, size=len(records)), max_copies)
    return [r for r, c in zip(records, copies) for _ in range(c)], copies
# --8<-- [end:data]


# --8<-- [start:model]
class CharNgram:
    """P(c | previous ORDER-1 characters) = (count(h, c) + k) / (count(h) + k |A|): add-k smoothing.
    Small k trusts the counts (memorises); large k pulls every prediction towards uniform."""

    def __init__(self, texts, order=ORDER, k=K_OVERFIT):
        self.order, self.k = order, k
        self.alphabet = sorted(set("".join(texts)) | set("0123456789.") | {"\n"})
        self.pairs, self.contexts = Counter(), Counter()
        for text in texts:
            padded = "\n" * (order - 1) + text + "\n"  # "\n" marks start and end
            for i in range(order - 1, len(padded)):
                h = padded[i - order + 1:i]
                self.pairs[h, padded[i]] += 1
                self.contexts[h] += 1

    def text_loss(self, text):
        """Mean negative log-likelihood per character (nats): the attack's only input."""
        padded = "\n" * (self.order - 1) + text + "\n"
        size = len(self.alphabet)
        nll = [-np.log((self.pairs[padded[i - self.order + 1:i], padded[i]] + self.k)
                       / (self.contexts[padded[i - self.order + 1:i]] + self.k * size))
               for i in range(self.order - 1, len(padded))]
        return float(np.mean(nll))
# --8<-- [end:model]


# --8<-- [start:attack]
def auc(scores_pos, scores_neg):
    """ROC AUC = P(score of a random positive > score of a random negative), ties count half."""
    pos, neg = np.asarray(scores_pos, float), np.asarray(scores_neg, float)
    greater = (pos[:, None] > neg[None, :]).mean()
    ties = (pos[:, None] == neg[None, :]).mean()
    return float(greater + 0.5 * ties)


def loss_attack_auc(model, members, non_members):
    """Loss-threshold attack: score = -loss (lower loss, more likely a member)."""
    member_scores = [-model.text_loss(t) for t in members]
    non_member_scores = [-model.text_loss(t) for t in non_members]
    return auc(member_scores, non_member_scores), member_scores, non_member_scores
# --8<-- [end:attack]


# --8<-- [start:experiment]
def run(quick=False, figures_dir=None, seed=0):
    """Members and non-members from one generator; three training sets over the same members."""
    start = time.perf_counter()
    rng = np.random.default_rng(seed)
    n = 150 if quick else 600
    members, non_members = make_records(n, rng), make_records(n, rng)
    duplicated, copies = duplicate(members, rng)
    models = {
        "duplicated": CharNgram(duplicated, k=K_OVERFIT),
        "regularised": CharNgram(duplicated, k=K_REGULARISED),
        "deduplicated": CharNgram(members, k=K_OVERFIT),
    }
    out = {"n_members": n, "n_non_members": n, "training_texts": len(duplicated),
           "copies": copies, "order": ORDER, "k_overfit": K_OVERFIT, "k_regularised": K_REGULARISED}
    scores = {}
    for name, model in models.items():
        out[f"auc_{name}"], m, h = loss_attack_auc(model, members, non_members)
        scores[name] = (m, h)
    # Where the attack's power comes from: members seen once versus copied 5 or more times,
    # and the same copied records once the training set is de-duplicated.
    copied = copies >= 5
    out["n_copied_5plus"] = int(copied.sum())
    out["auc_duplicated_seen_once"] = auc(np.asarray(scores["duplicated"][0])[copies == 1], scores["duplicated"][1])
    out["auc_duplicated_copied_5plus"] = auc(np.asarray(scores["duplicated"][0])[copied], scores["duplicated"][1])
    out["auc_deduplicated_copied_5plus"] = auc(np.asarray(scores["deduplicated"][0])[copied], scores["deduplicated"][1])
    out["loss_members"] = -float(np.mean(scores["duplicated"][0]))
    out["loss_non_members"] = -float(np.mean(scores["duplicated"][1]))
    # A control: a model trained on other records of the same kind knows neither set.
    control = CharNgram(make_records(n, rng), k=K_OVERFIT)
    out["auc_control"] = loss_attack_auc(control, members, non_members)[0]
    out["seconds"] = time.perf_counter() - start
    if figures_dir is not None:
        out["figure"] = plot_roc(scores, Path(figures_dir) / FIGURE)
    return out
# --8<-- [end:experiment]


def plot_roc(scores, path):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4.6, 4.0))
    for name, (m, h) in scores.items():
        thresholds = np.sort(np.concatenate([m, h]))[::-1]
        tpr = [(np.asarray(m) >= t).mean() for t in thresholds]
        fpr = [(np.asarray(h) >= t).mean() for t in thresholds]
        ax.plot([0] + fpr, [0] + tpr, label=f"{name} (AUC {auc(m, h):.2f})")
    ax.plot([0, 1], [0, 1], color="grey", linestyle="--", label="guessing")
    ax.set_xlabel("false-positive rate (non-members called members)")
    ax.set_ylabel("true-positive rate")
    ax.set_title("Loss-threshold membership inference")
    ax.legend(fontsize=8)
    return save_figure(fig, path)


def benchmark():
    r = run(figures_dir=FIGURES)
    label = f"{r['n_members']} members vs {r['n_non_members']} non-members, char {ORDER}-gram"
    common = {"example": "applied/membership_inference", "baseline": "guessing",
              "baseline_value": 0.5, "train_seconds": round(r["seconds"], 1)}
    return [
        dict(common, metric=f"attack AUC, over-fitted on duplicated data (k={K_OVERFIT}), {label}",
             value=round(r["auc_duplicated"], 3)),
        dict(common, metric=f"attack AUC, regularised (k={K_REGULARISED}), {label}",
             value=round(r["auc_regularised"], 3)),
        dict(common, metric=f"attack AUC, de-duplicated training set (k={K_OVERFIT}), {label}",
             value=round(r["auc_deduplicated"], 3)),
        dict(common, metric=f"attack AUC on the {r['n_copied_5plus']} records copied 5+ times, duplicated training set",
             value=round(r["auc_duplicated_copied_5plus"], 3)),
        dict(common, metric=f"attack AUC on the {r['n_copied_5plus']} records copied 5+ times, de-duplicated training set",
             value=round(r["auc_deduplicated_copied_5plus"], 3)),
        dict(common, metric="attack AUC, control model trained on other records",
             value=round(r["auc_control"], 3)),
    ]


def main(argv=None):
    args = parser(__doc__).parse_args(argv)
    r = run(quick=args.quick, figures_dir=args.figures)
    print(f"{r['n_members']} members ({r['training_texts']} training texts with copies), "
          f"{r['n_non_members']} non-members")
    print(f"mean loss (nats/char): members {r['loss_members']:.3f}, non-members {r['loss_non_members']:.3f}")
    for key in ("duplicated", "regularised", "deduplicated", "duplicated_seen_once",
                "duplicated_copied_5plus", "deduplicated_copied_5plus", "control"):
        print(f"AUC {key:26s} {r['auc_' + key]:.3f}")


if __name__ == "__main__":
    main()
