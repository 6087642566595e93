import math
import statistics

import numpy as np
import pytest

from snippets.post_training.grpo import (evaluate, group_advantages, grpo_objective, main, make_task, reward,
                                         sample, token_terms, train_grpo)


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    """One quick run (120 steps, 16 questions x 8 answers) plus a beta sweep, shared by the tests."""
    return main(["--quick", "--figures", str(tmp_path_factory.mktemp("figures"))])


def test_advantages_match_a_per_group_reference():
    # Groups with different means: normalising over the whole batch instead of per group,
    # or dropping the division by the group's std, gives different numbers.
    rewards = np.array([1, 0, 0, 0,  1, 1, 1, 0,  0, 0, 0, 0,  1, 1, 1, 1,  0.5, 0, 1, 0.25], dtype=float)
    expected = []
    for g in rewards.reshape(-1, 4):
        mean, std = statistics.fmean(g), statistics.pstdev(g)
        expected += [(r - mean) / (std + 1e-4) for r in g]
    np.testing.assert_allclose(group_advantages(rewards, 4), expected, rtol=1e-12)
    adv = group_advantages(rewards, 4).reshape(-1, 4)
    assert np.all(adv[2] == 0) and np.all(adv[3] == 0)  # all wrong / all right: no signal
    np.testing.assert_allclose(adv.mean(1), 0, atol=1e-12)


def test_gradient_matches_finite_differences():
    task = make_task()
    rng = np.random.default_rng(1)
    ref = {"tens": task["ref_tens"], "units": task["ref_units"]}
    old = {k: v + 0.1 * rng.normal(size=v.shape) for k, v in ref.items()}
    policy = {k: v + 0.1 * rng.normal(size=v.shape) for k, v in old.items()}
    batch = sample(old, np.array([3, 17, 58]), 4, rng)
    adv = group_advantages(reward(task, *batch), 4) + rng.normal(size=12)  # non-zero everywhere
    _, grads = grpo_objective(policy, old, ref, batch, adv, clip=0.05, beta=0.3)
    eps = 1e-6
    for key, idx in [("tens", (3, 0)), ("tens", (58, 1)), ("units", (17, batch[1][4], batch[2][4])),
                     ("units", (3, batch[1][0], 2)), ("units", (58, batch[1][8], batch[2][8]))]:
        up = {k: v.copy() for k, v in policy.items()}
        down = {k: v.copy() for k, v in policy.items()}
        up[key][idx] += eps
        down[key][idx] -= eps
        fd = (grpo_objective(up, old, ref, batch, adv, 0.05, 0.3)[0]
              - grpo_objective(down, old, ref, batch, adv, 0.05, 0.3)[0]) / (2 * eps)
        assert grads[key][idx] == pytest.approx(fd, abs=1e-7), (key, idx)


def test_expected_reward_rises_well_above_the_untrained_policy(quick):
    # Measured at seeds 0-2: 0.206 -> 0.539-0.546 after 120 steps (0.903 after 400).
    # A flipped advantage sign drives it below 0.206 instead.
    start, end = quick["reference"]["expected_reward"], quick["trained"]["expected_reward"]
    assert start < 0.25
    assert end > start + 0.25
    assert quick["history"][-20:, 0].mean() > quick["history"][:20, 0].mean() + 0.2


def test_kl_penalty_keeps_the_policy_near_the_reference(quick):
    sweep = {s["beta"]: s for s in quick["sweep"]}  # beta = 0, 0.2, 1.0
    assert sweep[0.0]["kl_to_ref"] > sweep[0.2]["kl_to_ref"] > sweep[1.0]["kl_to_ref"]
    assert sweep[1.0]["kl_to_ref"] < 0.6 * sweep[0.0]["kl_to_ref"]


def test_reference_policy_is_the_start():
    task = make_task()
    policy, history = train_grpo(task, steps=0)
    assert evaluate(task, policy)["kl_to_ref"] == pytest.approx(0.0, abs=1e-12)
    assert history.shape == (0,)


def test_figure_is_written(quick):
    assert quick["figure"].is_file() and quick["figure"].stat().st_size > 1000


def test_per_token_objective_is_deepseekmath_clipped_surrogate_minus_k3():
    # Ratios outside [1 - clip, 1 + clip] with both signs of A: taking max instead of min,
    # dropping the old-policy ratio, or using log(pi / pi_ref) for the KL gives other numbers.
    clip, beta = 0.2, 0.1
    cases = [(0.9, 0.5, 0.6, 1.0), (0.9, 0.5, 0.6, -1.0), (0.3, 0.5, 0.4, 1.0), (0.3, 0.5, 0.4, -1.0),
             (0.55, 0.5, 0.2, 0.7)]  # (pi, pi_old, pi_ref, A) of the sampled token
    pi, pi_old, pi_ref, adv = (np.array(c) for c in zip(*cases))
    logits = [np.log(np.stack([p, 1 - p], 1)) for p in (pi, pi_old, pi_ref)]  # the sampled token is token 0
    objective, grad = token_terms(*logits, np.zeros(5, int), adv, clip, beta)
    for value, (p, p_old, p_ref, a) in zip(objective, cases):
        rho = p / p_old
        surrogate = min(rho * a, min(max(rho, 1 - clip), 1 + clip) * a)
        kl = p_ref / p - math.log(p_ref / p) - 1
        assert value == pytest.approx(surrogate - beta * kl, rel=1e-12)
    # Where the clipped term is the minimum (rho = 1.8 with A > 0, rho = 0.6 with A < 0),
    # only the KL term moves the logits.
    for row in (0, 3):
        assert grad[row, 0] == pytest.approx(-beta * (1 - pi_ref[row] / pi[row]) * (1 - pi[row]), rel=1e-12)


def _log_softmax(z):
    z = z - z.max()
    return z - math.log(np.exp(z).sum())


def _reference_objective(policy, old, ref, batch, adv, clip, beta):
    """DeepSeekMath's per-token objective, one token at a time, averaged as in the paper."""
    total = 0.0
    for i, (q, t, u) in enumerate(zip(*batch)):
        for table, row, token in (("tens", (q,), t), ("units", (q, t), u)):
            lp, lp_old, lp_ref = (_log_softmax(p[table][row])[token] for p in (policy, old, ref))
            rho = math.exp(lp - lp_old)
            surrogate = min(rho * adv[i], min(max(rho, 1 - clip), 1 + clip) * adv[i])
            total += surrogate - beta * (math.exp(lp_ref - lp) - (lp_ref - lp) - 1)
    return total / (2 * len(batch[0]))


def _reference_training(ref, batches, advantages, inner, lr, clip, beta, eps=1e-6):
    """The GRPO update written out: per batch, pi_old is a frozen copy of the policy that sampled it;
    `inner` ascent steps use gradients by central differences over the rows the batch touches."""
    policy = {k: v.copy() for k, v in ref.items()}
    for batch, adv in zip(batches, advantages):
        old = {k: v.copy() for k, v in policy.items()}
        rows = {("tens", (q,)) for q in batch[0]} | {("units", (q, t)) for q, t in zip(*batch[:2])}
        for _ in range(inner):
            grads = {k: np.zeros_like(v) for k, v in policy.items()}
            for table, row in rows:
                for j in range(policy[table][row].size):
                    values = []
                    for step in (eps, -eps):
                        moved = {k: v.copy() for k, v in policy.items()}
                        moved[table][row + (j,)] += step
                        values.append(_reference_objective(moved, old, ref, batch, adv, clip, beta))
                    grads[table][row + (j,)] = (values[0] - values[1]) / (2 * eps)
            for k in policy:
                policy[k] += lr * grads[k]
    return policy


def test_several_inner_updates_use_a_frozen_old_policy(monkeypatch):
    # Two hand-built batches, four inner updates each: after the first update pi / pi_old is no
    # longer 1 and clipping engages. Setting pi_old to the current policy (an alias of it, or a
    # copy refreshed every inner step), or to pi_ref, gives a different policy, as do a clip on
    # the wrong side or a flipped KL sign.
    import snippets.post_training.grpo as grpo

    task = make_task()
    ref = {"tens": task["ref_tens"], "units": task["ref_units"]}
    batches = [(np.array([7, 7, 7, 42, 42, 42]), np.array([0, 0, 1, 0, 0, 0]), np.array([7, 6, 7, 6, 5, 6])),
               (np.array([7, 7, 7, 42, 42, 42]), np.array([0, 0, 0, 0, 1, 0]), np.array([7, 7, 8, 6, 6, 4]))]
    served = iter(batches)
    monkeypatch.setattr(grpo, "sample", lambda policy, q, group_size, rng: next(served))
    inner, lr, clip, beta = 4, 6.0, 0.2, 0.5
    policy, _ = train_grpo(task, steps=2, questions=2, group_size=3, inner=inner, lr=lr, clip=clip, beta=beta)
    advantages = [group_advantages(reward(task, *b), 3) for b in batches]
    expected = _reference_training(ref, batches, advantages, inner, lr, clip, beta)
    for k in policy:
        np.testing.assert_allclose(policy[k], expected[k], rtol=0, atol=1e-6, err_msg=k)
    # The case exercises the clip: without it the same updates land elsewhere.
    unclipped = _reference_training(ref, batches, advantages, inner, lr, 1e9, beta)
    assert max(abs(unclipped[k] - expected[k]).max() for k in policy) > 1e-2
