"""SFT loss masking on the tiny GPT-2: train on the response tokens only, or on everything.

What it shows
- A chat template: each (prompt, response) pair is rendered as
  "user: <prompt>" + newline + "assistant:" followed by " <response>", tokenised segment by segment
  so that every token is known to belong to the prompt or to the response.
- The masked SFT loss, the mean cross-entropy over response tokens only
  (sum of mask * loss / sum of mask), checked against a per-token NumPy computation.
- Two copies of the project's tiny GPT-2 (same initial weights) fine-tuned on the same
  conversations, one with the prompt masked and one without. Both learn the answers;
  only the unmasked one learns to predict the users' prompts as well.

Run
    python -m snippets.post_training.sft_masking --quick

What to change in practice
- Real chat templates use special tokens (<|im_start|>user ... <|im_end|>) and the
  tokenizer's own apply_chat_template; the mask is a label of -100 (PyTorch) or a zero
  sample weight (Keras) on every system and user token, and on padding.
- Keras' default loss reduction divides by all positions, masked ones included, so the
  loss scale depends on how much of each batch is prompt; "mean_with_sample_weight"
  divides by the number of response tokens, as the formula does.
"""

import time
from pathlib import Path

import keras
import keras_hub
import numpy as np

from snippets._example import parser, save_figure
from snippets.gpt2.text_generation import build_tiny_gpt2, train_tokenizer

FIGURE = "sft-masking.png"
SEQUENCE_LENGTH = 32


# --8<-- [start:template]
CONVERSATIONS = [
    ("what does the causal mask hide", "every later token."),
    ("why cache keys and values", "so each new token is cheap."),
    ("what does a low temperature do", "it sharpens the distribution."),
    ("which tokens does top p keep", "the smallest set covering p."),
    ("what does beam search keep", "the few best partial outputs."),
    ("why mask the prompt in sft", "to learn answers, not questions."),
    ("what does dpo need", "pairs of preferred responses."),
    ("what does grpo drop", "the value network."),
    ("what is a reward model", "a scorer trained on comparisons."),
    ("why keep a kl penalty", "to stay near the reference."),
    ("what is the chat template", "the format of every turn."),
    ("what ends a turn", "the end of text token."),
]


def render(prompt, response):
    """The chat template: the prompt segment ends with the assistant marker, the response follows."""
    return f"user: {prompt}\nassistant:", f" {response}"


def encode(tokenizer, conversations, sequence_length):
    """Token ids, the next-token targets and two masks: real tokens, and response tokens.

    Each segment is tokenised on its own, so the prompt/response boundary is exact:
    ids = [<|endoftext|>] + prompt + response + [<|endoftext|>], padded with 0.
    """
    n = len(conversations)
    ids = np.zeros((n, sequence_length + 1), dtype="int32")
    is_response = np.zeros((n, sequence_length + 1), dtype="float32")
    is_real = np.zeros((n, sequence_length + 1), dtype="float32")
    eos = tokenizer.end_token_id
    for i, (p, r) in enumerate(conversations):
        prompt_text, response_text = render(p, r)
        prompt_ids = list(np.asarray(tokenizer(prompt_text)))
        response_ids = list(np.asarray(tokenizer(response_text))) + [eos]  # the end token is a target too
        row = [eos] + prompt_ids + response_ids
        if len(row) > sequence_length + 1:
            raise ValueError(f"conversation {i} has {len(row)} tokens; raise sequence_length in encode()")
        ids[i, : len(row)] = row
        is_real[i, : len(row)] = 1
        is_response[i, 1 + len(prompt_ids) : len(row)] = 1
    # Position t predicts token t + 1, so the masks are those of the targets.
    return {"x": ids[:, :-1], "padding_mask": is_real[:, :-1].astype(bool), "y": ids[:, 1:],
            "real": is_real[:, 1:], "response": is_response[:, 1:]}
# --8<-- [end:template]


# --8<-- [start:loss]
def per_token_loss(logits, targets):
    """Cross-entropy of every position, in NumPy: logsumexp(logits) - logits[target]."""
    logits = np.asarray(logits, dtype="float64")
    top = logits.max(-1, keepdims=True)
    log_z = np.log(np.exp(logits - top).sum(-1)) + top[..., 0]
    return log_z - np.take_along_axis(logits, targets[..., None], -1)[..., 0]


def masked_mean(values, mask):
    """The SFT loss: the mean over the positions the mask keeps, not over all positions."""
    return float((values * mask).sum() / mask.sum())


def sft_loss():
    """The Keras loss used for training; with sample_weight = mask it equals masked_mean."""
    return keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction="mean_with_sample_weight")
# --8<-- [end:loss]


# --8<-- [start:train]
def ids_model(lm):
    """The same backbone as a causal LM without a preprocessor: it takes token ids, returns logits."""
    return keras_hub.models.GPT2CausalLM(backbone=lm.backbone, preprocessor=None)


def fine_tune(lm, data, mask_prompt, steps, learning_rate=5e-3, batch_size=12):
    """Next-token training on the conversations; the sample weight decides which targets count."""
    weight = data["response"] if mask_prompt else data["real"]
    trainer = ids_model(lm)
    trainer.compile(optimizer=keras.optimizers.Adam(learning_rate), loss=sft_loss(), jit_compile=False)
    reps = -(-steps * batch_size // len(data["x"]))  # one epoch of repeated data: no per-epoch overhead
    x = {"token_ids": np.tile(data["x"], (reps, 1)), "padding_mask": np.tile(data["padding_mask"], (reps, 1))}
    history = trainer.fit(x, np.tile(data["y"], (reps, 1)), sample_weight=np.tile(weight, (reps, 1)),
                          batch_size=batch_size, epochs=1, shuffle=False, verbose=0)
    return history.history["loss"][-1]


def logits_of(lm, data):
    return keras.ops.convert_to_numpy(lm.backbone.token_embedding(
        lm.backbone({"token_ids": data["x"], "padding_mask": data["padding_mask"]}), reverse=True))


def losses_by_segment(lm, data):
    """Mean per-token loss and greedy accuracy on the prompt and on the response tokens."""
    logits = logits_of(lm, data)
    loss = per_token_loss(logits, data["y"])
    correct = (logits.argmax(-1) == data["y"]).astype(float)
    prompt = data["real"] - data["response"]
    return {"prompt_loss": masked_mean(loss, prompt), "response_loss": masked_mean(loss, data["response"]),
            "prompt_accuracy": masked_mean(correct, prompt), "response_accuracy": masked_mean(correct, data["response"]),
            "logits": logits, "per_token": loss}
# --8<-- [end:train]


def plot(results, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4.4, 3.0))
    names = ["untrained", "masked", "unmasked"]
    xs = np.arange(3)
    ax.bar(xs - 0.18, [results[n]["prompt_loss"] for n in names], 0.36, label="prompt tokens")
    ax.bar(xs + 0.18, [results[n]["response_loss"] for n in names], 0.36, label="response tokens")
    ax.set_xticks(xs, names)
    ax.set_ylabel("cross-entropy (nats/token)")
    ax.legend(fontsize=8)
    return save_figure(fig, path)


def run(quick=False, figures_dir=None, seed=0):
    lines = ["".join(render(p, r)) for p, r in CONVERSATIONS]
    tokenizer = train_tokenizer(lines, vocab_size=400)
    steps = 80 if quick else 300
    results = {"steps": steps}
    data = encode(tokenizer, CONVERSATIONS, sequence_length=SEQUENCE_LENGTH)
    start = time.perf_counter()
    for name in ("masked", "unmasked"):
        keras.utils.set_random_seed(seed)  # same initial weights for both
        lm = build_tiny_gpt2(tokenizer, sequence_length=SEQUENCE_LENGTH)
        if name == "masked":
            results["untrained"] = losses_by_segment(lm, data)
        results[name + "_train_loss"] = fine_tune(lm, data, mask_prompt=name == "masked", steps=steps)
        results[name] = losses_by_segment(lm, data)
        results[name + "_model"] = lm
    results["train_seconds"] = time.perf_counter() - start
    results["data"] = data
    if figures_dir is not None:
        results["figure"] = plot(results, Path(figures_dir) / FIGURE)
    return results


def benchmark():
    root = Path(__file__).resolve().parents[2]
    r = run(figures_dir=root / "docs/assets/figures")
    seconds = round(r["train_seconds"], 1)
    return [
        {"example": "post_training/sft_masking", "metric": "loss on prompt tokens, masked SFT (nats/token)",
         "value": round(r["masked"]["prompt_loss"], 3), "baseline": "unmasked SFT",
         "baseline_value": round(r["unmasked"]["prompt_loss"], 3), "train_seconds": seconds},
        {"example": "post_training/sft_masking", "metric": "loss on response tokens, masked SFT (nats/token)",
         "value": round(r["masked"]["response_loss"], 3), "baseline": "unmasked SFT",
         "baseline_value": round(r["unmasked"]["response_loss"], 3), "train_seconds": seconds},
    ]


def main(argv=None):
    args = parser(__doc__, "80 training steps instead of 300").parse_args(argv)
    r = run(args.quick, args.figures)
    print(f"{r['steps']} steps per model, {r['train_seconds']:.1f} s for both")
    print("model      prompt loss  prompt acc  response loss  response acc")
    for name in ("untrained", "masked", "unmasked"):
        s = r[name]
        print(f"{name:9s}  {s['prompt_loss']:11.3f}  {s['prompt_accuracy']:10.3f}  "
              f"{s['response_loss']:13.3f}  {s['response_accuracy']:12.3f}")
    return r


if __name__ == "__main__":
    main()
