"""DPO on toy preferences, checked against the closed-form optimum.

What it shows
- A policy over a handful of responses per prompt (one softmax per prompt), a fixed
  reference policy pi_ref, and preferences sampled from a hidden reward r(x, y) through
  the Bradley-Terry model, on response pairs drawn from pi_ref (as DPO uses SFT samples).
- The DPO loss, -log sigmoid(beta * [log pi/pi_ref (y_w) - log pi/pi_ref (y_l)]),
  minimised by gradient descent on the logits.
- The trained policy approaches pi*(y|x) ∝ pi_ref(y|x) exp(r(x, y) / beta), the optimum
  of the KL-regularised RL objective, and the implied reward margin
  beta * (log pi/pi_ref (y_w) - log pi/pi_ref (y_l)) rises during training.
- beta sets how far the policy moves from pi_ref: small beta, far; large beta, close.

Run
    python -m snippets.post_training.dpo --quick

What to change in practice
- log pi(y|x) is the sum of a language model's token log-probabilities over the response
  (prompt tokens masked out); pi_ref is the frozen SFT model, evaluated once per pair.
- There the responses are not enumerable, so pi* cannot be computed; this toy can, which
  is why it can test the derivation.
"""

import time
from pathlib import Path

import numpy as np

from snippets._example import parser, save_figure

FIGURE = "dpo-beta.png"


# --8<-- [start:data]
def make_problem(n_prompts=4, n_responses=6, n_pairs=200_000, seed=0):
    """Reference policy, hidden reward and a win-count tensor wins[x, i, j] = #(y_i preferred to y_j)."""
    rng = np.random.default_rng(seed)
    ref_logits = rng.normal(scale=1.0, size=(n_prompts, n_responses))
    pi_ref = np.exp(ref_logits) / np.exp(ref_logits).sum(1, keepdims=True)
    reward = rng.normal(scale=1.5, size=(n_prompts, n_responses))  # hidden
    wins = np.zeros((n_prompts, n_responses, n_responses))
    x = rng.integers(n_prompts, size=n_pairs)
    for p in range(n_prompts):
        m = int((x == p).sum())
        a = rng.choice(n_responses, m, p=pi_ref[p])  # two samples from pi_ref ...
        b = rng.choice(n_responses, m, p=pi_ref[p])
        keep = a != b
        a, b = a[keep], b[keep]
        a_wins = rng.random(a.size) < 1 / (1 + np.exp(-(reward[p, a] - reward[p, b])))  # ... labelled by BT
        np.add.at(wins[p], (np.where(a_wins, a, b), np.where(a_wins, b, a)), 1)
    return {"pi_ref": pi_ref, "reward": reward, "wins": wins}


def optimal_policy(pi_ref, reward, beta):
    """pi* ∝ pi_ref * exp(r / beta): the maximiser of E[r] - beta * KL(pi || pi_ref)."""
    logits = np.log(pi_ref) + reward / beta
    logits -= logits.max(1, keepdims=True)
    return np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
# --8<-- [end:data]


# --8<-- [start:loss]
def log_softmax(logits):
    z = logits - logits.max(1, keepdims=True)
    return z - np.log(np.exp(z).sum(1, keepdims=True))


def dpo_loss_and_grad(logits, log_ref, wins, beta):
    """Mean DPO loss over all labelled pairs and its gradient w.r.t. the policy logits."""
    log_pi = log_softmax(logits)
    h = log_pi - log_ref  # log pi/pi_ref: beta * h is the implied reward
    u = beta * (h[:, :, None] - h[:, None, :])  # u[x, w, l]: implied reward margin of the pair
    n = wins.sum()
    loss = (wins * np.logaddexp(0.0, -u)).sum() / n  # -log sigmoid(u)
    g_u = -wins / (1 + np.exp(u)) / n  # dloss/du
    g_h = beta * (g_u.sum(2) - g_u.sum(1))  # h_w enters with +, h_l with -
    pi = np.exp(log_pi)
    g_logits = g_h - pi * g_h.sum(1, keepdims=True)  # back through log_softmax
    margin = (wins * u).sum() / n
    return loss, g_logits, margin
# --8<-- [end:loss]


# --8<-- [start:train]
def train_dpo(problem, beta, steps=1000, lr=8.0):
    """Full-batch gradient descent from pi = pi_ref; returns the policy and the (loss, margin) history.

    The step is lr / beta**2: logits must move by about r / beta while the gradient scales
    with beta, so this gives every beta the same step in implied-reward units.
    """
    log_ref = np.log(problem["pi_ref"])
    logits = log_ref.copy()  # start at the reference policy, as DPO starts from the SFT model
    history = []
    for _ in range(steps):
        loss, grad, margin = dpo_loss_and_grad(logits, log_ref, problem["wins"], beta)
        history.append((loss, margin))
        logits -= lr / beta**2 * grad
    return np.exp(log_softmax(logits)), np.array(history)
# --8<-- [end:train]


# --8<-- [start:evaluate]
def total_variation(p, q):
    """Mean over prompts of 0.5 * sum |p - q|."""
    return float(0.5 * np.abs(p - q).sum(1).mean())


def kl(p, q):
    """Mean over prompts of KL(p || q) in nats."""
    return float((p * (np.log(p) - np.log(q))).sum(1).mean())


def evaluate(problem, pi, beta):
    pi_ref, reward = problem["pi_ref"], problem["reward"]
    pi_star = optimal_policy(pi_ref, reward, beta)
    return {
        "beta": beta,
        "tv_to_optimum": total_variation(pi, pi_star),
        "tv_ref_to_optimum": total_variation(pi_ref, pi_star),
        "kl_to_ref": kl(pi, pi_ref),
        "kl_optimum_to_ref": kl(pi_star, pi_ref),
        "expected_reward": float((pi * reward).sum(1).mean()),
        "expected_reward_ref": float((pi_ref * reward).sum(1).mean()),
    }
# --8<-- [end:evaluate]


def plot(rows, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4.2, 3.2))
    betas = [r["beta"] for r in rows]
    ax.plot(betas, [r["kl_to_ref"] for r in rows], "o-", label="trained by DPO")
    ax.plot(betas, [r["kl_optimum_to_ref"] for r in rows], "x--", label="closed-form optimum")
    ax.set_xscale("log")
    ax.set_xlabel("beta")
    ax.set_ylabel("KL(pi || pi_ref), nats")
    ax.legend(fontsize=8)
    return save_figure(fig, path)


def run(quick=False, figures_dir=None, betas=(0.5, 1.0, 2.0, 4.0, 8.0)):
    problem = make_problem()
    steps = 300 if quick else 1000
    pi, history = train_dpo(problem, beta=2.0, steps=steps)
    results = {"main": evaluate(problem, pi, 2.0), "history": history, "policy": pi, "problem": problem}
    results["sweep"] = [evaluate(problem, train_dpo(problem, b, steps=steps)[0], b) for b in betas]
    # The gap left at beta = 2 is sampling error of the preference data: it shrinks with more pairs.
    results["data_sweep"] = [
        (n, evaluate(small, train_dpo(small, 2.0, steps=steps)[0], 2.0)["tv_to_optimum"])
        for n in (20_000, 50_000) for small in [make_problem(n_pairs=n)]
    ] + [(200_000, results["main"]["tv_to_optimum"])]
    if figures_dir is not None:
        results["figure"] = plot(results["sweep"], Path(figures_dir) / FIGURE)
    return results


def benchmark():
    root = Path(__file__).resolve().parents[2]
    start = time.perf_counter()
    r = run(figures_dir=root / "docs/assets/figures")
    seconds = round(time.perf_counter() - start, 2)
    m, margins = r["main"], r["history"][:, 1]
    baseline = "reference policy (start of training)"
    return [
        {"example": "post_training/dpo", "metric": "total variation to the closed-form optimum at beta=2 (lower is better)",
         "value": round(m["tv_to_optimum"], 4), "baseline": baseline,
         "baseline_value": round(m["tv_ref_to_optimum"], 4), "train_seconds": seconds},
        {"example": "post_training/dpo", "metric": "mean implied reward margin of preferred responses at beta=2",
         "value": round(float(margins[-1]), 3), "baseline": baseline,
         "baseline_value": round(float(margins[0]), 3), "train_seconds": seconds},
    ]


def main(argv=None):
    cli = parser(__doc__, quick_help="300 steps instead of 1,000")
    args = cli.parse_args(argv)
    r = run(args.quick, args.figures)
    m, h = r["main"], r["history"]
    print(f"beta=2: TV(pi, pi*) {m['tv_to_optimum']:.4f} (pi_ref: {m['tv_ref_to_optimum']:.4f}); "
          f"implied margin {h[0, 1]:.3f} -> {h[-1, 1]:.3f}; loss {h[0, 0]:.4f} -> {h[-1, 0]:.4f}")
    print("beta  KL(pi||ref)  KL(pi*||ref)  TV(pi,pi*)  E[r] (ref)")
    for s in r["sweep"]:
        print(f"{s['beta']:4.1f}  {s['kl_to_ref']:11.3f}  {s['kl_optimum_to_ref']:12.3f}  "
              f"{s['tv_to_optimum']:10.4f}  {s['expected_reward']:.3f} ({s['expected_reward_ref']:.3f})")
    print("pairs  TV(pi, pi*) at beta=2:", ", ".join(f"{n:,}: {tv:.4f}" for n, tv in r["data_sweep"]))
    return r


if __name__ == "__main__":
    main()
