"""A note-level LSTM that writes melodies, sampled with temperature.

The corpus is a handful of public-domain tunes (Twinkle Twinkle / 小星星,
Ode to Joy / 欢乐颂, Frere Jacques / 两只老虎, ...), all in C major, written
in the code as note names with durations. They are turned into one token per
eighth note: a pitch token starts a note, "-" holds the previous note for one
more eighth, "|" separates tunes. The vocabulary holds every semitone from G3
to A5, so the model could play out-of-key notes; whether it learns not to is
one of the checks. An LSTM predicts the next token; sampling with a
temperature trades faithfulness to the corpus for novelty.

    python -m snippets.entertainment.melody                 # default size
    python -m snippets.entertainment.melody --quick         # a few seconds, for tests
    python -m snippets.entertainment.melody --figures DIR   # also draws entertainment-melody.png there

In practice: replace `load_corpus` with a real symbolic-music corpus (MIDI
files or ABC notation, e.g. the folk tunes folk-rnn was trained on),
transpose every piece to all 12 keys for augmentation, add bar/beat tokens
and use a Transformer with relative attention (Music Transformer) for long
pieces.
"""

import argparse
import time
from pathlib import Path

import numpy as np
import keras
import tensorflow as tf
from keras import layers

FIGURES = Path(__file__).resolve().parents[2] / "docs" / "assets" / "figures"  # where make bench writes
FIGURE = "entertainment-melody.png"

DEFAULTS = dict(units=96, epochs=30, seq_len=32, samples=400)
QUICK = dict(units=64, epochs=15, seq_len=32, samples=200)

# --8<-- [start:corpus]
# "C4" = a quarter note (2 eighths); "C4:n" = n eighths. All tunes in C major.
TUNES = {
    "Twinkle Twinkle Little Star": "C4 C4 G4 G4 A4 A4 G4:4 F4 F4 E4 E4 D4 D4 C4:4 G4 G4 F4 F4 E4 E4 D4:4 "
                                   "G4 G4 F4 F4 E4 E4 D4:4 C4 C4 G4 G4 A4 A4 G4:4 F4 F4 E4 E4 D4 D4 C4:4",
    "Ode to Joy": "E4 E4 F4 G4 G4 F4 E4 D4 C4 C4 D4 E4 E4:3 D4:1 D4:4 E4 E4 F4 G4 G4 F4 E4 D4 C4 C4 D4 E4 D4:3 C4:1 C4:4 "
                  "D4 D4 E4 C4 D4 E4:1 F4:1 E4 C4 D4 E4:1 F4:1 E4 D4 C4 D4 G3:4 "
                  "E4 E4 F4 G4 G4 F4 E4 D4 C4 C4 D4 E4 D4:3 C4:1 C4:4",
    "Frere Jacques": "C4 D4 E4 C4 C4 D4 E4 C4 E4 F4 G4:4 E4 F4 G4:4 G4:1 A4:1 G4:1 F4:1 E4 C4 "
                     "G4:1 A4:1 G4:1 F4:1 E4 C4 C4 G3 C4:4 C4 G3 C4:4",
    "Mary Had a Little Lamb": "E4 D4 C4 D4 E4 E4 E4:4 D4 D4 D4:4 E4 G4 G4:4 E4 D4 C4 D4 E4 E4 E4 E4 D4 D4 E4 D4 C4:8",
    "London Bridge": "G4:3 A4:1 G4 F4 E4 F4 G4:4 D4 E4 F4:4 E4 F4 G4:4 G4:3 A4:1 G4 F4 E4 F4 G4:4 D4:4 G4:4 E4 C4:6",
    "Row, Row, Row Your Boat": "C4:3 C4:3 C4:2 D4:1 E4:3 E4:2 D4:1 E4:2 F4:1 G4:6 C5:1 C5:1 C5:1 G4:1 G4:1 G4:1 "
                               "E4:1 E4:1 E4:1 C4:1 C4:1 C4:1 G4:2 F4:1 E4:2 D4:1 C4:6",
    "Jingle Bells (chorus)": "E4 E4 E4:4 E4 E4 E4:4 E4 G4 C4:3 D4:1 E4:8 F4 F4 F4:3 F4:1 F4 E4 E4 E4:1 E4:1 "
                             "E4 D4 D4 E4 D4:4 G4:4 E4 E4 E4:4 E4 E4 E4:4 E4 G4 C4:3 D4:1 E4:8 "
                             "F4 F4 F4 F4 F4 E4 E4 E4:1 E4:1 G4 G4 F4 D4 C4:8",
    "Hot Cross Buns": "E4 D4 C4:4 E4 D4 C4:4 C4:1 C4:1 C4:1 C4:1 D4:1 D4:1 D4:1 D4:1 E4 D4 C4:4",
    "Au clair de la lune": "C4 C4 C4 D4 E4:4 D4:4 C4 E4 D4 D4 C4:8 C4 C4 C4 D4 E4:4 D4:4 C4 E4 D4 D4 C4:8 "
                           "D4 D4 D4 D4 A3:4 A3:4 D4 C4 B3 A3 G3:8 C4 C4 C4 D4 E4:4 D4:4 C4 E4 D4 D4 C4:8",
}
NAMES = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]
PITCHES = [f"{NAMES[m % 12]}{m // 12 - 1}" for m in range(55, 82)]  # G3..A5, every semitone
HOLD, SEP = "-", "|"
VOCAB = [SEP, HOLD] + PITCHES  # SEP must stay id 0
IN_KEY = {p for p in PITCHES if "#" not in p}  # C major: the white keys


def tune_to_tokens(text):
    tokens = []
    for note in text.split():
        pitch, _, eighths = note.partition(":")
        tokens += [pitch] + [HOLD] * (int(eighths or 2) - 1)
    return tokens


def load_corpus():
    """Token ids of all tunes, separated by SEP. The only function to change for another corpus."""
    tokens = [SEP]
    for text in TUNES.values():
        tokens += tune_to_tokens(text) + [SEP]
    return np.array([VOCAB.index(t) for t in tokens], dtype="int32")
# --8<-- [end:corpus]


# --8<-- [start:model]
def build_model(units, vocab=len(VOCAB)):
    model = keras.Sequential([
        keras.Input(shape=(None,), dtype="int32"),
        layers.Embedding(vocab, 32),
        layers.LSTM(units, return_sequences=True),
        layers.Dense(vocab),  # logits of the next token at every position
    ])
    model.compile(optimizer=keras.optimizers.Adam(3e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


def train(model, ids, seq_len, epochs, seed=0):
    """Next-token prediction on every window of seq_len + 1 tokens (teacher forcing)."""
    idx = np.arange(seq_len + 1)[None, :] + np.arange(len(ids) - seq_len)[:, None]
    windows = ids[idx]
    fit = model.fit(windows[:, :-1], windows[:, 1:], batch_size=32, epochs=epochs, shuffle=True, verbose=0)
    return fit.history["loss"]
# --8<-- [end:model]


# --8<-- [start:sample]
def sample(model, n_tokens, temperature=1.0, context=32, seed=0):
    """Start from SEP and draw one token at a time from softmax(logits / temperature)."""
    rng = np.random.default_rng(seed)
    last_logits = tf.function(lambda x: model(x, training=False)[:, -1, :])
    seq = [VOCAB.index(SEP)] * context  # left padding with separators = "a new tune starts"
    for _ in range(n_tokens):
        logits = last_logits(np.array([seq[-context:]], "int32")).numpy()[0] / temperature
        p = np.exp(logits - logits.max())
        seq.append(int(rng.choice(len(VOCAB), p=p / p.sum())))
    return np.array(seq[context:], dtype="int32")
# --8<-- [end:sample]


# --8<-- [start:evaluate]
def pitch_sequence(ids):
    return [VOCAB[i] for i in ids if VOCAB[i] in PITCHES]


def ngrams(seq, n):
    return {tuple(seq[i: i + n]) for i in range(len(seq) - n + 1)}


def melody_stats(ids, corpus_ids):
    """In-key share of notes; shares of the sample's 4- and 8-note patterns that occur in the corpus.

    Many shared 4-note patterns = the style was learned; many shared 8-note
    patterns = whole phrases are being copied (memorisation).
    """
    split = lambda seq: [pitch_sequence(t) for t in np.split(np.asarray(seq), np.flatnonzero(np.asarray(seq) == 0))]
    notes = pitch_sequence(ids)
    out = {"in_key": float(np.mean([p in IN_KEY for p in notes])) if notes else 0.0, "notes": len(notes)}
    for n in (4, 8):
        corpus_grams = set().union(*(ngrams(t, n) for t in split(corpus_ids)))
        # Patterns inside one tune only: a separator ends a tune.
        grams = [tuple(t[i: i + n]) for t in split(ids) for i in range(len(t) - n + 1)]
        out[f"match_{n}"] = float(np.mean([g in corpus_grams for g in grams])) if grams else 0.0
    return out


def random_baseline(n_tokens, seed=0):
    """Uniform draws over the vocabulary: what 'valid tokens' alone gives you."""
    return np.random.default_rng(seed).integers(0, len(VOCAB), n_tokens).astype("int32")
# --8<-- [end:evaluate]


def to_notes(ids):
    """(start, duration, midi) triples from tokens."""
    notes, t = [], 0
    for i in ids:
        tok = VOCAB[i]
        if tok in PITCHES:
            notes.append([t, 1, 55 + PITCHES.index(tok)])
        elif tok == HOLD and notes and notes[-1][0] + notes[-1][1] == t:
            notes[-1][1] += 1
        t += 1
    return notes


def plot(rows, path, length=128):
    """Piano rolls: one row per (title, token ids). Grey bands mark out-of-key pitches."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(len(rows), 1, figsize=(9, 1.6 * len(rows)), sharex=True)
    for ax, (title, ids) in zip(np.atleast_1d(axes), rows):
        for m in range(55, 82):
            if "#" in PITCHES[m - 55]:
                ax.axhspan(m - 0.5, m + 0.5, color="0.92", lw=0)
        for start, dur, midi in to_notes(ids[:length]):
            ax.add_patch(plt.Rectangle((start, midi - 0.4), dur - 0.1, 0.8,
                                       color="C3" if PITCHES[midi - 55] not in IN_KEY else "C0"))
        for t, i in enumerate(ids[:length]):
            if VOCAB[i] == SEP:
                ax.axvline(t, color="k", lw=0.8, ls=":")
        ax.set_ylim(54.5, 81.5)
        ax.set_yticks([55, 60, 67, 72, 79], ["G3", "C4", "G4", "C5", "G5"], fontsize=7)
        ax.set_title(title, fontsize=9, loc="left")
    np.atleast_1d(axes)[-1].set_xlim(0, length)
    np.atleast_1d(axes)[-1].set_xlabel("time (eighth notes)")
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    plt.close(fig)


def run(quick=False, figures_dir=None, seed=0, temperatures=(0.5, 1.0, 1.5)):
    cfg = QUICK if quick else DEFAULTS
    keras.utils.set_random_seed(seed)
    ids = load_corpus()
    model = build_model(cfg["units"])
    start = time.perf_counter()
    history = train(model, ids, cfg["seq_len"], cfg["epochs"], seed=seed)
    seconds = time.perf_counter() - start
    samples = {t: sample(model, cfg["samples"], temperature=t, seed=seed) for t in temperatures}
    rand = random_baseline(cfg["samples"], seed)
    result = dict(
        history=history, train_seconds=seconds, uniform_loss=float(np.log(len(VOCAB))),
        samples=samples, stats={t: melody_stats(s, ids) for t, s in samples.items()},
        random_stats=melody_stats(rand, ids),
    )
    if figures_dir is not None:
        figure = Path(figures_dir) / FIGURE
        first = ids[1: ids.tolist().index(0, 1) + 1]  # the first tune, up to its separator
        rows = [("corpus: Twinkle Twinkle Little Star", first)]
        rows += [(f"sampled, temperature {t}", samples[t]) for t in temperatures]
        rows += [("random tokens (uniform over the vocabulary)", rand)]
        plot(rows, figure)
    return result


def benchmark():
    r = run(figures_dir=FIGURES)
    seconds = round(r["train_seconds"], 1)
    return [
        {"example": "entertainment/melody", "metric": "training cross-entropy (nats/token)",
         "value": round(r["history"][-1], 3), "baseline": f"uniform over {len(VOCAB)} tokens",
         "baseline_value": round(r["uniform_loss"], 3), "train_seconds": seconds},
        {"example": "entertainment/melody", "metric": "in-key share of sampled notes (T=1.0)",
         "value": round(r["stats"][1.0]["in_key"], 3), "baseline": "uniform random tokens",
         "baseline_value": round(r["random_stats"]["in_key"], 3), "train_seconds": seconds},
        {"example": "entertainment/melody", "metric": "sampled 4-note patterns found in the corpus (T=1.0)",
         "value": round(r["stats"][1.0]["match_4"], 3), "baseline": "uniform random tokens",
         "baseline_value": round(r["random_stats"]["match_4"], 3), "train_seconds": seconds},
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller LSTM, fewer epochs (seconds)")
    parser.add_argument("--figures", default=None, help="write entertainment-melody.png into this directory")
    args = parser.parse_args(argv)
    r = run(quick=args.quick, figures_dir=args.figures)
    print(f"loss: {r['history'][0]:.3f} -> {r['history'][-1]:.3f} nats/token "
          f"(uniform {r['uniform_loss']:.3f}) in {r['train_seconds']:.1f} s")
    for name, s in [(f"T={t}", s) for t, s in r["stats"].items()] + [("random", r["random_stats"])]:
        print(f"{name:7s} in key {s['in_key']:.2f}  4-note / 8-note patterns from the corpus "
              f"{s['match_4']:.2f} / {s['match_8']:.2f}  notes {s['notes']}")
    print(" ".join(VOCAB[i] for i in r["samples"][1.0][:48]))
    if args.figures:
        print(f"figure: {Path(args.figures) / FIGURE}")


if __name__ == "__main__":
    main()
