"""GRPO on small-number addition with a verifiable reward, in NumPy.

What it shows
- A question q = (a, b) with a, b in 0..9; the answer a + b is written as two tokens,
  a tens digit then a units digit, by an autoregressive policy with one softmax per
  (question, prefix): a tabular stand-in for a language model.
- The reward is a rule, not a model: 1 if the two tokens spell a + b, else 0.
- GRPO (Shao et al., 2024): sample a group of G answers per question, standardise each
  reward within its group to get the advantage (no value network), and maximise PPO's
  clipped surrogate per token minus beta times the k3 estimate of KL(pi || pi_ref).
- The starting policy pi_ref is a noisy "SFT model" that is right about a fifth of the
  time. The expected reward (computed exactly, over all 100 questions and all 20
  answers) rises far above it; groups whose answers all score the same teach nothing.

Run
    python -m snippets.post_training.grpo --quick

What to change in practice
- The policy is an LLM and an answer is hundreds to thousands of tokens; the per-token
  ratio and KL are computed from its log-probabilities, and the reward checks the final
  answer (maths) or runs the tests (code).
- DeepSeekMath used G = 64, beta = 0.04 and one policy update per batch of samples.
"""

import time
from pathlib import Path

import numpy as np

from snippets._example import parser, save_figure

FIGURE = "grpo-reward.png"
DIGITS = 10
BETAS = (0.0, 0.2, 1.0)  # the KL weight swept besides the main run's 0.04


# --8<-- [start:task]
def make_task(noise=1.0, seed=0):
    """All 100 questions, their answers as (tens, units), and reference logits that are roughly right."""
    rng = np.random.default_rng(seed)
    a, b = np.divmod(np.arange(DIGITS * DIGITS), DIGITS)
    tens, units = np.divmod(a + b, 10)
    ref_tens = rng.normal(scale=noise, size=(a.size, 2))
    ref_tens[np.arange(a.size), tens] += 1.0
    distance = np.abs(np.arange(DIGITS)[None, :] - units[:, None])
    distance = np.minimum(distance, DIGITS - distance)  # off by one either way is "close"
    ref_units = -0.6 * distance[:, None, :] + rng.normal(scale=noise, size=(a.size, 2, DIGITS))
    return {"tens": tens, "units": units, "ref_tens": ref_tens, "ref_units": ref_units}


def reward(task, q, t, u):
    """The verifiable reward: 1 if the answer is exactly a + b."""
    return ((t == task["tens"][q]) & (u == task["units"][q])).astype(float)
# --8<-- [end:task]


def softmax(z):
    z = z - z.max(-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(-1, keepdims=True)


def sample(policy, q, group_size, rng):
    """G answers for each question in q: the tens token, then the units token given it."""
    q = np.repeat(q, group_size)
    p_t = softmax(policy["tens"][q])
    t = (rng.random(q.size)[:, None] > np.cumsum(p_t, -1)).sum(-1)
    p_u = softmax(policy["units"][q, t])
    u = np.minimum((rng.random(q.size)[:, None] > np.cumsum(p_u, -1)).sum(-1), DIGITS - 1)
    return q, t, u


# --8<-- [start:advantages]
def group_advantages(rewards, group_size, eps=1e-4):
    """GRPO's advantage: each reward standardised by its own group's mean and std.

    rewards holds G consecutive answers per question. A group whose rewards are all equal
    (all right or all wrong) gets zero advantage: it carries no learning signal.
    """
    r = rewards.reshape(-1, group_size)
    return ((r - r.mean(1, keepdims=True)) / (r.std(1, keepdims=True) + eps)).reshape(-1)
# --8<-- [end:advantages]


# --8<-- [start:objective]
def token_terms(logits, old_logits, ref_logits, tokens, advantages, clip, beta):
    """Per-token GRPO objective and its gradient w.r.t. the logits of that token's softmax.

    objective = min(rho A, clip(rho, 1-clip, 1+clip) A) - beta * k3,
    rho = pi(o) / pi_old(o),  k3 = pi_ref(o)/pi(o) - log(pi_ref(o)/pi(o)) - 1 (>= 0).
    """
    idx = np.arange(tokens.size)
    pi, pi_old, pi_ref = (softmax(z)[idx, tokens] for z in (logits, old_logits, ref_logits))
    rho = pi / pi_old
    unclipped, clipped = rho * advantages, np.clip(rho, 1 - clip, 1 + clip) * advantages
    surrogate = np.minimum(unclipped, clipped)
    k3 = pi_ref / pi - np.log(pi_ref / pi) - 1
    # d/d log pi(o): the surrogate gives rho * A where the unclipped term is the minimum, else 0;
    # k3 gives 1 - pi_ref/pi. d log pi(o) / d logits = onehot(o) - pi.
    active = unclipped <= clipped
    d_logp = np.where(active, unclipped, 0.0) - beta * (1 - pi_ref / pi)
    onehot = np.zeros_like(logits)
    onehot[idx, tokens] = 1
    grad = d_logp[:, None] * (onehot - softmax(logits))
    return surrogate - beta * k3, grad


def grpo_objective(policy, old, ref, batch, advantages, clip=0.2, beta=0.04):
    """The GRPO objective of one batch, averaged over answers and over each answer's 2 tokens,
    and its gradient for every table of logits."""
    q, t, u = batch
    n = q.size
    obj_t, g_t = token_terms(policy["tens"][q], old["tens"][q], ref["tens"][q], t, advantages, clip, beta)
    obj_u, g_u = token_terms(policy["units"][q, t], old["units"][q, t], ref["units"][q, t], u, advantages, clip, beta)
    grads = {"tens": np.zeros_like(policy["tens"]), "units": np.zeros_like(policy["units"])}
    np.add.at(grads["tens"], q, g_t / (2 * n))  # 1/|o| = 1/2 tokens, then the mean over answers
    np.add.at(grads["units"], (q, t), g_u / (2 * n))
    return float((obj_t + obj_u).sum() / (2 * n)), grads
# --8<-- [end:objective]


# --8<-- [start:train]
def train_grpo(task, steps=300, questions=16, group_size=8, inner=2, lr=4.0, clip=0.2, beta=0.04, seed=0,
               advantages_fn=group_advantages):
    """Each step: sample G answers for a batch of questions from the current policy (pi_old),
    score them, then take `inner` gradient-ascent steps on the clipped objective."""
    rng = np.random.default_rng(seed)
    ref = {"tens": task["ref_tens"], "units": task["ref_units"]}
    policy = {k: v.copy() for k, v in ref.items()}  # start at the "SFT model"
    history = []
    for _ in range(steps):
        q = rng.choice(DIGITS * DIGITS, questions, replace=False)
        batch = sample(policy, q, group_size, rng)
        rewards = reward(task, *batch)
        adv = advantages_fn(rewards, group_size)
        old = {k: v.copy() for k, v in policy.items()}
        for _ in range(inner):
            _, grads = grpo_objective(policy, old, ref, batch, adv, clip, beta)
            for k in policy:
                policy[k] += lr * grads[k]
        flat = rewards.reshape(-1, group_size)
        history.append((rewards.mean(), float((flat.min(1) == flat.max(1)).mean())))
    return policy, np.array(history)
# --8<-- [end:train]


# --8<-- [start:evaluate]
def answer_probabilities(policy):
    """pi(tens, units | q) for every question and all 20 answers: exact, no sampling."""
    return softmax(policy["tens"])[:, :, None] * softmax(policy["units"])


def evaluate(task, policy):
    """Exact expected reward over all 100 questions, and KL(pi || pi_ref) per question."""
    p = answer_probabilities(policy)
    p_ref = answer_probabilities({"tens": task["ref_tens"], "units": task["ref_units"]})
    q = np.arange(p.shape[0])
    return {"expected_reward": float(p[q, task["tens"], task["units"]].mean()),
            "kl_to_ref": float((p * (np.log(p) - np.log(p_ref))).sum((1, 2)).mean())}
# --8<-- [end:evaluate]


def plot(history, reference_reward, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4.6, 3.0))
    window = 10
    smooth = np.convolve(history[:, 0], np.ones(window) / window, mode="valid")
    ax.plot(np.arange(window, len(history) + 1), smooth, label="mean reward of sampled answers")
    ax.plot(np.arange(window, len(history) + 1),
            np.convolve(history[:, 1], np.ones(window) / window, mode="valid"), label="groups with zero advantage")
    ax.axhline(reference_reward, color="grey", linestyle="--", label="pi_ref (untrained)")
    ax.set_xlabel("GRPO step")
    ax.set_ylim(0, 1)
    ax.legend(fontsize=8)
    return save_figure(fig, path)


def run(quick=False, figures_dir=None, seed=0):
    task = make_task()
    steps = 120 if quick else 400
    start = time.perf_counter()
    policy, history = train_grpo(task, steps=steps, seed=seed)
    seconds = time.perf_counter() - start
    ref = {"tens": task["ref_tens"], "units": task["ref_units"]}
    results = {"steps": steps, "train_seconds": seconds, "history": history, "policy": policy, "task": task,
               "trained": evaluate(task, policy), "reference": evaluate(task, ref),
               "sweep": [dict(evaluate(task, train_grpo(task, steps=steps, seed=seed, beta=b)[0]), beta=b)
                         for b in BETAS]}
    if figures_dir is not None:
        results["figure"] = plot(history, results["reference"]["expected_reward"], Path(figures_dir) / FIGURE)
    return results


def benchmark():
    root = Path(__file__).resolve().parents[2]
    r = run(figures_dir=root / "docs/assets/figures")
    seconds = round(r["train_seconds"], 2)
    return [
        {"example": "post_training/grpo", "metric": "expected reward, all 100 addition questions (exact)",
         "value": round(r["trained"]["expected_reward"], 3), "baseline": "reference policy (start of training)",
         "baseline_value": round(r["reference"]["expected_reward"], 3), "train_seconds": seconds},
        {"example": "post_training/grpo", "metric": "KL(pi || pi_ref) per question after GRPO with beta=1 (nats)",
         "value": round(r["sweep"][-1]["kl_to_ref"], 3), "baseline": "same run with beta=0",
         "baseline_value": round(r["sweep"][0]["kl_to_ref"], 3), "train_seconds": seconds},
    ]


def main(argv=None):
    args = parser(__doc__, "120 GRPO steps instead of 400").parse_args(argv)
    r = run(args.quick, args.figures)
    h = r["history"]
    print(f"{r['steps']} steps in {r['train_seconds']:.2f} s")
    print(f"expected reward {r['reference']['expected_reward']:.3f} (pi_ref) -> {r['trained']['expected_reward']:.3f}; "
          f"KL to pi_ref {r['trained']['kl_to_ref']:.3f} nats (beta=0.04)")
    for s in r["sweep"]:
        print(f"beta={s['beta']:<4} expected reward {s['expected_reward']:.3f}, KL to pi_ref {s['kl_to_ref']:.3f} nats")
    print(f"groups with zero advantage: {h[:20, 1].mean():.2f} in the first 20 steps, {h[-20:, 1].mean():.2f} in the last 20")
    return r


if __name__ == "__main__":
    main()
