"""A small CLIP on handwritten digits: contrastive image-text training and zero-shot classification.

What it shows: CLIP's recipe (Radford et al., ICML 2021) at toy scale. An image
encoder (a small MLP on 8x8 digits) and a text encoder (a bag of word
embeddings over a caption such as "a handwritten seven") map into one
32-dimensional space; the symmetric InfoNCE loss with a learned temperature
pulls each image towards its own caption and away from the other captions in
the batch. No classifier is trained: held-out digits are classified "zero-shot"
by embedding the ten prompts "a handwritten zero" ... "a handwritten nine" and
picking the closest. A control run trains on shuffled captions, where the
same code must fall to chance.

Data: scikit-learn's bundled `load_digits` (1,797 images, no download); the
captions are generated from the labels with five templates.

    python -m snippets.theory.clip                 # 1,500 steps
    python -m snippets.theory.clip --quick         # 300 steps, for the tests
    python -m snippets.theory.clip --figures DIR   # also draws clip-digits.png there

In practice: a ViT or ResNet image encoder and a Transformer text encoder,
hundreds of millions of web image-text pairs and batches of tens of thousands
(CLIP: 400M pairs, batch 32,768); for zero-shot use, an ensemble of prompt
templates. Duplicate captions in a batch are false negatives here (about one
in ten captions shares an image's digit), which a web-scale batch rarely has.
"""

import math
import time
from pathlib import Path

import numpy as np
import tensorflow as tf
import keras
from keras import layers, ops

from snippets._example import parser, save_figure

FIGURES = Path(__file__).resolve().parents[2] / "docs/assets/figures"  # where make bench writes
FIGURE = "clip-digits.png"
WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
TEMPLATES = ("a handwritten {}", "a photo of the digit {}", "a scanned {}", "the number {}", "a small blurry {}")
PROMPT = "a handwritten {}"  # the zero-shot prompt, one of the training templates
QUICK = {"steps": 300}


# --8<-- [start:data]
def load_data(seed=0):
    """8x8 digits scaled to [0, 1], split 75/25 (stratified), and int labels."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    x = (digits.data / 16.0).astype("float32")
    return train_test_split(x, digits.target, test_size=0.25, random_state=seed, stratify=digits.target)


def make_captions(labels, rng):
    """One caption per image: a random template around the digit's name."""
    return [TEMPLATES[rng.integers(len(TEMPLATES))].format(WORDS[y]) for y in labels]


class Tokenizer:
    """Whitespace words to ids; 0 pads, 1 is an unknown word."""

    def __init__(self, texts, length=6):
        words = sorted({w for t in texts for w in t.split()})
        self.ids = {w: i + 2 for i, w in enumerate(words)}
        self.length = length

    def __call__(self, texts):
        out = np.zeros((len(texts), self.length), "int32")
        for row, text in zip(out, texts):
            ids = [self.ids.get(w, 1) for w in text.split()][: self.length]
            row[: len(ids)] = ids
        return out

    @property
    def vocab_size(self):
        return len(self.ids) + 2
# --8<-- [end:data]


# --8<-- [start:model]
class CLIP(keras.Model):
    """Two encoders into one space, and the learned logit scale 1/tau."""

    def __init__(self, vocab_size, dim=32, init_temperature=0.07, **kwargs):
        super().__init__(**kwargs)
        self.image_encoder = keras.Sequential([layers.Dense(128, activation="relu"), layers.Dense(dim)])
        self.text_encoder = keras.Sequential([
            layers.Embedding(vocab_size, 32, mask_zero=True),  # padding is masked out of the mean
            layers.GlobalAveragePooling1D(),  # a bag of words: word order is ignored
            layers.Dense(dim),
        ])
        # CLIP learns log(1/tau), initialised to log(1/0.07) = 2.66, so the scale stays positive.
        self.log_scale = self.add_weight(shape=(), name="log_scale",
                                         initializer=keras.initializers.Constant(math.log(1 / init_temperature)))

    def call(self, inputs):
        images, tokens = inputs
        return unit(self.image_encoder(images)), unit(self.text_encoder(tokens))


def unit(x):
    """L2-normalise the rows, so a dot product is a cosine similarity."""
    return x / ops.sqrt(ops.sum(x * x, axis=-1, keepdims=True) + 1e-12)
# --8<-- [end:model]


# --8<-- [start:loss]
def clip_loss(image_emb, text_emb, log_scale):
    """Symmetric InfoNCE: the pseudo-code of Radford et al. (2021), Figure 3.

    image_emb, text_emb: (n, d), L2-normalised, row i of each is a matching pair.
    """
    logits = ops.exp(log_scale) * ops.matmul(image_emb, ops.transpose(text_emb))  # (n, n) cosines / tau
    labels = ops.arange(ops.shape(logits)[0])  # the right caption for image i is caption i
    loss_images = keras.losses.sparse_categorical_crossentropy(labels, logits, from_logits=True)  # over each row
    loss_texts = keras.losses.sparse_categorical_crossentropy(labels, ops.transpose(logits), from_logits=True)
    return (ops.mean(loss_images) + ops.mean(loss_texts)) / 2
# --8<-- [end:loss]


# --8<-- [start:train]
def train(images, tokens, vocab_size, steps=1500, batch_size=256, lr=2e-3, seed=0):
    """Train on (image, caption) pairs; returns (model, history of (loss, logit scale))."""
    keras.utils.set_random_seed(seed)
    model = CLIP(vocab_size)
    model((images[:2], tokens[:2]))  # build the weights
    optimizer = keras.optimizers.Adam(lr)
    max_log_scale = math.log(100.0)  # CLIP caps the logit scale at 100 (open_clip clamps after each step)

    @tf.function  # traced once; eager steps are many times slower
    def step(x, t):
        with tf.GradientTape() as tape:
            loss = clip_loss(*model((x, t), training=True), model.log_scale)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        model.log_scale.assign(tf.clip_by_value(model.log_scale, 0.0, max_log_scale))
        return loss

    rng = np.random.default_rng(seed)
    history = []
    for _ in range(steps):
        idx = rng.choice(len(images), batch_size, replace=False)
        loss = step(tf.constant(images[idx]), tf.constant(tokens[idx]))
        history.append((float(loss), float(ops.exp(model.log_scale))))
    return model, np.array(history)
# --8<-- [end:train]


# --8<-- [start:zero_shot]
def zero_shot_probabilities(model, tokenizer, images, templates=(PROMPT,)):
    """Class probabilities from text alone: embed the prompt for each class name
    (averaged over templates, as CLIP's prompt ensembling does), then a softmax
    over the scaled cosines between each image and the ten class embeddings."""
    image_emb = unit(model.image_encoder(images))
    class_emb = 0
    for template in templates:
        class_emb = class_emb + unit(model.text_encoder(tokenizer([template.format(w) for w in WORDS])))
    class_emb = unit(class_emb)
    logits = ops.exp(model.log_scale) * ops.matmul(image_emb, ops.transpose(class_emb))
    return ops.convert_to_numpy(ops.softmax(logits, axis=-1))
# --8<-- [end:zero_shot]


def plot(path, probs, labels, history):
    import matplotlib.pyplot as plt

    mean = np.stack([probs[labels == c].mean(0) for c in range(10)])
    fig, (a, b) = plt.subplots(1, 2, figsize=(8.4, 3.6))
    im = a.imshow(mean, cmap="Blues", vmin=0, vmax=1)
    a.set(xticks=range(10), yticks=range(10), xlabel='prompt "a handwritten <name>"',
          ylabel="true digit", title="mean zero-shot probability, held-out digits")
    fig.colorbar(im, ax=a, fraction=0.046)
    b.plot(history[:, 1])
    b.axhline(1 / 0.07, ls=":", c="grey")
    b.axhline(100, ls="--", c="grey")
    b.set(xlabel="training step", ylabel="logit scale 1/τ", title="learned temperature (init 1/0.07, cap 100)")
    save_figure(fig, path)


def run(quick=False, figures_dir=None, seed=0, steps=None):
    """Train on true captions and on shuffled ones; zero-shot accuracy on held-out digits."""
    from sklearn.linear_model import LogisticRegression

    steps = steps or (QUICK["steps"] if quick else 1500)
    x_train, x_test, y_train, y_test = load_data(seed)
    rng = np.random.default_rng(seed)
    captions = make_captions(y_train, rng)
    tokenizer = Tokenizer(captions)
    tokens = tokenizer(captions)

    start = time.perf_counter()
    model, history = train(x_train, tokens, tokenizer.vocab_size, steps=steps, seed=seed)
    seconds = time.perf_counter() - start
    probs = zero_shot_probabilities(model, tokenizer, x_test)
    ensemble = zero_shot_probabilities(model, tokenizer, x_test, templates=TEMPLATES)

    # Control: the same training with captions shuffled across images. Nothing
    # links an image to its caption, so zero-shot accuracy must fall to chance.
    shuffled, _ = train(x_train, tokens[rng.permutation(len(tokens))], tokenizer.vocab_size, steps=steps, seed=seed)
    shuffled_probs = zero_shot_probabilities(shuffled, tokenizer, x_test)

    supervised = LogisticRegression(max_iter=2000).fit(x_train, y_train).score(x_test, y_test)
    if figures_dir is not None:
        plot(Path(figures_dir) / FIGURE, probs, y_test, history)
    return {
        "zero_shot_accuracy": float(np.mean(probs.argmax(1) == y_test)),
        "ensemble_accuracy": float(np.mean(ensemble.argmax(1) == y_test)),
        "shuffled_accuracy": float(np.mean(shuffled_probs.argmax(1) == y_test)),
        "supervised_accuracy": float(supervised),
        "final_logit_scale": float(history[-1, 1]),
        "history": history, "train_seconds": seconds, "steps": steps, "n_test": len(y_test),
        "model": model, "tokenizer": tokenizer, "x_test": x_test, "y_test": y_test,
    }


def benchmark():
    r = run(figures_dir=FIGURES)
    t = round(r["train_seconds"], 1)
    entry = {"example": "theory/clip", "train_seconds": t}
    return [
        {**entry, "metric": "zero-shot accuracy, held-out digits (prompt 'a handwritten <name>')",
         "value": round(r["zero_shot_accuracy"], 3), "baseline": "supervised logistic regression on pixels",
         "baseline_value": round(r["supervised_accuracy"], 3)},
        {**entry, "metric": "zero-shot accuracy, trained on shuffled captions (control)",
         "value": round(r["shuffled_accuracy"], 3), "baseline": "chance", "baseline_value": 0.1},
        {**entry, "metric": "learned logit scale 1/tau after training",
         "value": round(r["final_logit_scale"], 1), "baseline": "initial value 1/0.07",
         "baseline_value": round(1 / 0.07, 1)},
    ]


def main(argv=None):
    p = parser(__doc__, quick_help=f"{QUICK['steps']} steps instead of 1,500")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    r = run(quick=args.quick, figures_dir=args.figures, seed=args.seed)
    print(f"trained {r['steps']} steps in {r['train_seconds']:.1f} s; logit scale 1/tau = {r['final_logit_scale']:.1f}")
    print(f"zero-shot accuracy on {r['n_test']} held-out digits: {r['zero_shot_accuracy']:.3f} "
          f"(5-template ensemble {r['ensemble_accuracy']:.3f})")
    print(f"trained on shuffled captions: {r['shuffled_accuracy']:.3f} (chance 0.1)")
    print(f"supervised logistic regression on pixels: {r['supervised_accuracy']:.3f}")
    return r


if __name__ == "__main__":
    main()
