"""Text generation with GPT-2 in KerasHub, plus a tiny GPT-2 you can train offline.

What it shows
- Loading a causal language model from a KerasHub preset, choosing the decoding
  strategy with `compile(sampler=...)` and calling `generate(prompt, max_length=...)`.
- How to try the same code path without downloading anything: train a byte-level
  BPE tokenizer with the `tokenizers` package, train a 2-layer GPT-2 on a dozen
  sentences, save it with `save_to_preset()` and load it back with `from_preset()`.

Run
    python -m snippets.gpt2.text_generation --quick
        offline: trains the tiny model (15-30 s on a 2-core CPU), then generates;
        --figures DIR also draws its training loss (gpt2-text-generation.png) there
    python -m snippets.gpt2.text_generation --preset gpt2_base_en --prompt "The weather today"
        the real 124M-parameter GPT-2; downloads about 500 MB from Kaggle on first use

What to change in practice
- `load_corpus()` is the only thing to change to train the tiny model on your own text.
- GPT-2 was trained on English web text. For Chinese prompts use a multilingual
  preset such as "qwen3_0.6b_en" with keras_hub.models.CausalLM.from_preset(...).
"""

import argparse
import json
import tempfile
import time
from pathlib import Path

import keras
import keras_hub
import numpy as np

DEFAULT_PRESET = "gpt2_base_en"
FIGURES = Path(__file__).resolve().parents[2] / "docs/assets/figures"  # where make bench writes
FIGURE = "gpt2-text-generation.png"


# --8<-- [start:load_generate]
def make_sampler(name="top_p", *, k=50, p=0.9, temperature=1.0, num_beams=4, seed=None):
    """Build a KerasHub sampler: how generate() turns next-token probabilities into a token."""
    samplers = keras_hub.samplers
    if name == "greedy":  # argmax every step: deterministic, prone to loops
        return samplers.GreedySampler(temperature=temperature)
    if name == "beam":  # keeps the num_beams best partial sequences
        return samplers.BeamSampler(num_beams=num_beams, temperature=temperature)
    if name == "top_k":  # sample among the k most likely tokens
        return samplers.TopKSampler(k=k, temperature=temperature, seed=seed)
    if name == "top_p":  # sample from the smallest set whose probability mass reaches p
        return samplers.TopPSampler(p=p, temperature=temperature, seed=seed)
    raise ValueError(f"unknown sampler {name!r}")


def load_lm(preset=DEFAULT_PRESET, sampler="top_p", **sampler_args):
    """Load GPT-2 (a preset name, or a local directory written by save_to_preset)."""
    lm = keras_hub.models.GPT2CausalLM.from_preset(preset)
    lm.compile(sampler=make_sampler(sampler, **sampler_args))
    return lm


def generate_text(lm, prompts, max_length=64):
    """max_length counts tokens of the whole sequence: start token + prompt + new tokens."""
    return lm.generate(prompts, max_length=max_length)
# --8<-- [end:load_generate]


# --8<-- [start:corpus]
def load_corpus():
    """A dozen short sentences; each starts differently, so a prompt has one continuation."""
    return [
        "a language model predicts the next token from the tokens before it.",
        "greedy decoding always picks the most likely next token.",
        "beam search keeps the few best partial sentences at every step.",
        "top k sampling draws from the k most likely tokens only.",
        "top p sampling draws from the smallest set of tokens that covers p.",
        "a high temperature flattens the distribution and adds variety.",
        "a low temperature sharpens the distribution and repeats itself.",
        "the causal mask hides every token that comes later.",
        "the key value cache stores past keys so each step is cheap.",
        "a repetition penalty lowers the score of tokens already used.",
        "byte level tokens can spell any text, even in other scripts.",
        "the prompt counts toward the maximum length of the output.",
    ]
# --8<-- [end:corpus]


# --8<-- [start:tiny_model]
def train_tokenizer(lines, vocab_size=400):
    """Byte-level BPE as in GPT-2, trained offline with the `tokenizers` package."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)  # as KerasHub's GPT-2
    bpe.decoder = decoders.ByteLevel()
    bpe.train_from_iterator(lines, trainers.BpeTrainer(
        vocab_size=vocab_size,
        # GPT2Tokenizer pads with id 0. If <|endoftext|> were id 0, every pad would
        # look like an end token and generate() would stop at once, returning the prompt.
        special_tokens=["<pad>", "<|endoftext|>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),  # all 256 bytes: any text encodes
        show_progress=False,
    ))
    model = json.loads(bpe.to_str())["model"]
    merges = [m if isinstance(m, str) else " ".join(m) for m in model["merges"]]
    return keras_hub.models.GPT2Tokenizer(vocabulary=model["vocab"], merges=merges)


def build_tiny_gpt2(tokenizer, sequence_length=40):
    """A GPT-2 with the real architecture but about 0.1M instead of 124M parameters."""
    backbone = keras_hub.models.GPT2Backbone(
        vocabulary_size=tokenizer.vocabulary_size(),
        num_layers=2, num_heads=2, hidden_dim=64, intermediate_dim=128,
        dropout=0.0,  # we want it to memorise the corpus
        max_sequence_length=sequence_length,
    )
    preprocessor = keras_hub.models.GPT2CausalLMPreprocessor(
        tokenizer=tokenizer, sequence_length=sequence_length)
    return keras_hub.models.GPT2CausalLM(backbone=backbone, preprocessor=preprocessor)


def train(lm, lines, epochs=60, batch_size=12, learning_rate=5e-3):
    """Next-token training. Returns the mean loss of each epoch."""
    # Tokenise once. fit() on raw strings would re-run the tokenizer every epoch (10x slower).
    x, y, sample_weight = lm.preprocessor(lines)
    x = {name: keras.ops.convert_to_numpy(v) for name, v in x.items()}
    y, sample_weight = keras.ops.convert_to_numpy(y), keras.ops.convert_to_numpy(sample_weight)
    # A second task over the same backbone, without a preprocessor, trains on the ids.
    trainer = keras_hub.models.GPT2CausalLM(backbone=lm.backbone, preprocessor=None)
    trainer.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        weighted_metrics=[],
    )
    history = trainer.fit(x, y, sample_weight=sample_weight, batch_size=batch_size,
                          epochs=epochs, shuffle=False, verbose=0)
    return history.history["loss"]


def build_tiny_preset(preset_dir, lines=None, epochs=60, seed=0):
    """Train the tiny GPT-2 and save it as a KerasHub preset directory."""
    keras.utils.set_random_seed(seed)
    lines = load_corpus() if lines is None else lines
    lm = build_tiny_gpt2(train_tokenizer(lines))
    start = time.perf_counter()
    losses = train(lm, lines, epochs=epochs)
    seconds = time.perf_counter() - start
    lm.save_to_preset(str(preset_dir))  # config, weights, vocabulary and merges
    return {
        "losses": losses,
        "train_seconds": seconds,
        "vocabulary_size": lm.preprocessor.tokenizer.vocabulary_size(),
        "parameters": lm.backbone.count_params(),
    }
# --8<-- [end:tiny_model]


def plot_loss(losses, vocabulary_size, path):
    """Training loss against ln(V), the loss of a model that guesses uniformly."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.5, 3.2))
    ax.plot(range(1, len(losses) + 1), losses, label="training loss")
    ax.axhline(np.log(vocabulary_size), color="grey", linestyle="--",
               label=f"uniform guess, ln({vocabulary_size})")
    ax.set_xlabel("epoch")
    ax.set_ylabel("cross-entropy (nats/token)")
    ax.set_title("Tiny GPT-2 on 12 sentences")
    ax.legend()
    fig.tight_layout()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return Path(path)


DEMO = [  # (sampler, sampler arguments, prompt, max_length)
    ("greedy", {}, "greedy decoding", 40),
    ("greedy", {}, "the causal mask", 40),
    ("top_p", {"p": 0.9, "seed": 7}, "a low temperature", 40),
    ("top_k", {"k": 10, "temperature": 2.0, "seed": 7}, "a low temperature", 40),
    ("greedy", {}, "greedy decoding", 12),
    ("greedy", {}, "greedy decoding", 6),
]


def run_tiny_demo(preset_dir, epochs=60):
    """Train and save the tiny model, then load it through the same functions as GPT-2."""
    stats = build_tiny_preset(preset_dir, epochs=epochs)
    rows = []
    for sampler, sampler_args, prompt, max_length in DEMO:
        lm = load_lm(str(preset_dir), sampler=sampler, **sampler_args)
        rows.append((sampler, sampler_args, max_length, generate_text(lm, prompt, max_length=max_length)))
    tokenizer = lm.preprocessor.tokenizer
    stats["tokens"] = {text: len(tokenizer(text)) for text in ("greedy decoding", "今天天气很好")}
    return stats, rows


def run(quick=False, figures_dir=None):
    """The offline demo: train the tiny model, generate with every sampler. It is already small,
    so quick changes nothing; the real GPT-2 (a download) is only behind main's --preset."""
    with tempfile.TemporaryDirectory() as tmp:
        stats, rows = run_tiny_demo(Path(tmp) / "tiny_gpt2")
    if figures_dir is not None:
        stats["figure"] = plot_loss(stats["losses"], stats["vocabulary_size"], Path(figures_dir) / FIGURE)
    return dict(stats, rows=rows)


def benchmark():
    """Default-size tiny model: training time and final loss against ln(V)."""
    stats = run(figures_dir=FIGURES)
    return [{
        "example": "gpt2/text_generation",
        "metric": "final training loss (nats/token)",
        "value": round(float(stats["losses"][-1]), 3),
        "baseline": "uniform guess ln(V)",
        "baseline_value": round(float(np.log(stats["vocabulary_size"])), 3),
        "train_seconds": round(stats["train_seconds"], 1),
    }]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="offline demo with the tiny model")
    parser.add_argument("--preset", default=None, help=f"e.g. {DEFAULT_PRESET} (downloads weights)")
    parser.add_argument("--prompt", default="The weather today")
    parser.add_argument("--sampler", default="top_p", choices=["greedy", "beam", "top_k", "top_p"])
    parser.add_argument("--max-length", type=int, default=64)
    parser.add_argument("--figures", default=None, help=f"with --quick: write {FIGURE} into this directory")
    args = parser.parse_args(argv)

    if args.preset:
        lm = load_lm(args.preset, sampler=args.sampler)
        print(generate_text(lm, args.prompt, max_length=args.max_length))
        return
    if not args.quick:
        parser.print_help()
        print("\nTry --quick for the offline demo, or --preset gpt2_base_en.")
        return
    stats = run(quick=True, figures_dir=args.figures)
    rows, losses = stats["rows"], stats["losses"]
    print(f"tiny GPT-2: {stats['parameters']:,} parameters, vocabulary {stats['vocabulary_size']}")
    print(f"loss {losses[0]:.2f} -> {losses[-1]:.3f} (ln V = {np.log(stats['vocabulary_size']):.2f}) "
          f"in {stats['train_seconds']:.1f} s")
    for text, count in stats["tokens"].items():
        print(f"{text!r}: {len(text)} characters -> {count} tokens")
    for sampler, sampler_args, max_length, text in rows:
        settings = ", ".join([sampler] + [f"{k}={v}" for k, v in sampler_args.items() if k != "seed"])
        print(f"[{settings}; max_length={max_length}] {text}")


if __name__ == "__main__":
    main()
