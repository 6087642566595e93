"""A Bradley-Terry reward model fitted to pairwise preferences.

What it shows
- The reward-model step of RLHF in miniature. Items (stand-ins for responses) have
  feature vectors; a hidden score s(x) decides how a simulated labeller judges a pair:
  P(a preferred to b) = sigmoid(s(a) - s(b)), the Bradley-Terry model.
- A reward r(x) = w . x is fitted by gradient descent on the logistic loss
  -log sigmoid(r(winner) - r(loser)), exactly the loss of InstructGPT's reward model.
- It generalises: on held-out items that were never compared, the ranking by r agrees
  with the hidden ranking (Kendall tau), far above two baselines: the win rate of the
  nearest compared item, and a random reward.

Run
    python -m snippets.post_training.reward_model --quick

What to change in practice
- The features are a Transformer's last hidden state at the end of (prompt, response),
  and w is a linear head on it (InstructGPT: the SFT model with its unembedding removed).
- Only differences of rewards are identified: r + c fits equally well, so real reward
  models are often normalised (for example to mean 0 over reference responses).
"""

import time
from pathlib import Path

import numpy as np

from snippets._example import parser, save_figure

FIGURE = "reward-model-ranking.png"


# --8<-- [start:data]
def make_preferences(n_items=300, n_pairs=3000, dim=8, held_out=100, seed=0):
    """Items with features, a hidden score, and labelled pairs among the training items only."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n_items, dim))
    w_true = rng.normal(size=dim)
    score = x @ w_true + 0.5 * np.tanh(x[:, 0] * x[:, 1])  # hidden, slightly non-linear
    train = np.arange(n_items - held_out)
    a = rng.choice(train, n_pairs)
    b = rng.choice(train, n_pairs)
    a, b = a[a != b], b[a != b]
    a_wins = rng.random(a.size) < 1 / (1 + np.exp(-(score[a] - score[b])))  # Bradley-Terry labeller
    winner, loser = np.where(a_wins, a, b), np.where(a_wins, b, a)
    return {"x": x, "score": score, "winner": winner, "loser": loser,
            "train": train, "test": np.arange(n_items - held_out, n_items)}
# --8<-- [end:data]


# --8<-- [start:fit]
def fit_reward(x, winner, loser, steps=500, lr=0.5, l2=1e-3):
    """Linear reward r = x @ w minimising mean -log sigmoid(r_w - r_l) + l2 |w|^2 by gradient descent."""
    d = x[winner] - x[loser]  # the loss only sees differences of features
    w = np.zeros(x.shape[1])
    losses = []
    for _ in range(steps):
        margin = d @ w
        losses.append(np.mean(np.logaddexp(0.0, -margin)) + l2 * w @ w)  # -log sigmoid, stably
        grad = -(d * (1 / (1 + np.exp(margin)))[:, None]).mean(axis=0) + 2 * l2 * w
        w -= lr * grad
    return w, np.array(losses)
# --8<-- [end:fit]


# --8<-- [start:evaluate]
def kendall_tau(a, b):
    """Kendall's tau-a: (concordant - discordant) / all pairs; no ties in continuous scores."""
    i, j = np.triu_indices(len(a), k=1)
    return float(np.mean(np.sign(a[i] - a[j]) * np.sign(b[i] - b[j])))


def win_rate(n_items, winner, loser):
    wins = np.bincount(winner, minlength=n_items)
    games = wins + np.bincount(loser, minlength=n_items)
    return wins / np.maximum(games, 1)


def evaluate(data, w, seed=0):
    x, score, test, train = data["x"], data["score"], data["test"], data["train"]
    # Baseline 1: a held-out item inherits the win rate of its nearest compared item.
    rate = win_rate(len(x), data["winner"], data["loser"])
    dist = ((x[test, None, :] - x[None, train, :]) ** 2).sum(-1)
    nearest_rate = rate[train[dist.argmin(axis=1)]]
    # Baseline 2: a random reward direction.
    w_random = np.random.default_rng(seed + 1).normal(size=x.shape[1])
    return {
        "tau_reward_model": kendall_tau(x[test] @ w, score[test]),
        "tau_nearest_win_rate": kendall_tau(nearest_rate, score[test]),
        "tau_random_reward": kendall_tau(x[test] @ w_random, score[test]),
        "tau_train_win_rate": kendall_tau(rate[train], score[train]),
        "pair_accuracy_test": pair_accuracy(x[test] @ w, score[test]),
    }


def pair_accuracy(reward, score):
    """Share of held-out pairs that the reward orders like the hidden score."""
    i, j = np.triu_indices(len(reward), k=1)
    return float(np.mean((reward[i] > reward[j]) == (score[i] > score[j])))
# --8<-- [end:evaluate]


def plot(data, w, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    test = data["test"]
    fig, ax = plt.subplots(figsize=(4.2, 3.4))
    ax.scatter(data["score"][test], data["x"][test] @ w, s=10)
    ax.set_xlabel("hidden score s(x)")
    ax.set_ylabel("fitted reward r(x)")
    ax.set_title("held-out items", fontsize=10)
    return save_figure(fig, path)


def run(quick=False, figures_dir=None, seed=0):
    data = make_preferences(n_pairs=1000 if quick else 3000, seed=seed)
    w, losses = fit_reward(data["x"], data["winner"], data["loser"], steps=200 if quick else 500)
    results = {"n_pairs": int(data["winner"].size), "losses": losses, "w": w, **evaluate(data, w, seed)}
    if figures_dir is not None:
        results["figure"] = plot(data, w, Path(figures_dir) / FIGURE)
    return results


def benchmark():
    root = Path(__file__).resolve().parents[2]
    start = time.perf_counter()
    r = run(figures_dir=root / "docs/assets/figures")
    seconds = round(time.perf_counter() - start, 2)
    metric = "Kendall tau with the hidden score, 100 held-out items"
    return [
        {"example": "post_training/reward_model", "metric": metric, "value": round(r["tau_reward_model"], 3),
         "baseline": "win rate of the nearest compared item", "baseline_value": round(r["tau_nearest_win_rate"], 3),
         "train_seconds": seconds},
        {"example": "post_training/reward_model", "metric": metric, "value": round(r["tau_reward_model"], 3),
         "baseline": "random reward direction", "baseline_value": round(r["tau_random_reward"], 3),
         "train_seconds": seconds},
    ]


def main(argv=None):
    cli = parser(__doc__, quick_help="1,000 pairs and 200 steps instead of 3,000 and 500")
    args = cli.parse_args(argv)
    r = run(args.quick, args.figures)
    print(f"{r['n_pairs']} labelled pairs, loss {r['losses'][0]:.3f} -> {r['losses'][-1]:.3f}")
    for key in ("tau_reward_model", "tau_nearest_win_rate", "tau_random_reward", "tau_train_win_rate", "pair_accuracy_test"):
        print(f"{key:22s} {r[key]:+.3f}")
    return r


if __name__ == "__main__":
    main()
