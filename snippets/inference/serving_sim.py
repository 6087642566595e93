"""A discrete-time LLM serving simulator: static vs continuous batching, contiguous vs paged KV memory.

Requests with varied prompt and output lengths arrive on a fixed, seeded
trace. A server with a fixed KV-cache budget (in tokens) runs one model
iteration at a time: every running sequence gains one token, and newly
admitted sequences also pay for their prompt (prefill). Two batching
policies and two memory managers:

- static batching: admit a batch, run it until its last sequence finishes;
- continuous (iteration-level) batching, as in Orca: admit and retire
  sequences at every iteration;
- contiguous memory: reserve prompt + max_new_tokens slots at admission,
  because the output length is unknown (what servers did before vLLM);
- paged memory: allocate fixed-size blocks as the sequence grows, as in
  vLLM's PagedAttention; when blocks run out, the newest sequence is
  preempted and later recomputed.

    python -m snippets.inference.serving_sim

Time is in iterations of a unit-cost decode step; prefill adds
`prefill_cost` per prompt token. Real servers measure these costs on their
GPU, add chunked prefill, prefix caching and schedulers with priorities,
but the effects below have the same cause.
"""

from collections import deque
from dataclasses import dataclass

import numpy as np

from snippets._example import parser

DEFAULTS = dict(n_requests=400, rate=0.5, capacity_tokens=16384, block=16, max_batch=64, max_new=512,
                prefill_cost=0.002, seed=0)


# --8<-- [start:trace]
def make_trace(n_requests, rate, max_new, seed=0, **_):
    """Poisson arrivals (`rate` per iteration); log-normal prompt and output lengths, capped."""
    rng = np.random.default_rng(seed)
    arrivals = np.cumsum(rng.exponential(1 / rate, n_requests))
    prompts = np.clip(rng.lognormal(np.log(200), 0.8, n_requests), 8, 2048).astype(int)
    outputs = np.clip(rng.lognormal(np.log(100), 0.9, n_requests), 1, max_new).astype(int)
    return [dict(id=i, arrival=float(a), prompt=int(p), output=int(o))
            for i, (a, p, o) in enumerate(zip(arrivals, prompts, outputs))]
# --8<-- [end:trace]


@dataclass
class Seq:
    id: int
    arrival: float
    prompt: int
    output: int
    generated: int = 0
    prefilled: bool = False


# --8<-- [start:simulate]
def simulate(trace, batching="continuous", memory="paged", capacity_tokens=16384, block=16, max_batch=64,
             max_new=512, prefill_cost=0.002, **_):
    """Run the trace; return throughput, latencies, concurrency and memory waste."""
    assert batching in ("static", "continuous") and memory in ("contiguous", "paged")

    def held(s):  # KV slots a sequence occupies after this iteration's token
        if memory == "contiguous":
            return s.prompt + max_new                                # reserved at admission
        return -(-(s.prompt + s.generated + 1) // block) * block     # whole blocks, rounded up

    pending = deque(Seq(r["id"], r["arrival"], r["prompt"], r["output"]) for r in trace)
    waiting, running, finish = deque(), [], {}
    t = busy = used_time = held_time = conc_time = 0.0
    delivered = preemptions = 0
    while pending or waiting or running:
        while pending and pending[0].arrival <= t:
            waiting.append(pending.popleft())
        if not running and not waiting:
            t = pending[0].arrival                                   # idle until the next request
            continue
        # Admission: continuous batching admits at every iteration, static only into an empty server.
        if batching == "continuous" or not running:
            while waiting and len(running) < max_batch and \
                    sum(map(held, running)) + held(waiting[0]) <= capacity_tokens:
                running.append(waiting.popleft())
        if not running:
            raise ValueError(f"request {waiting[0].id} needs more KV memory than capacity_tokens={capacity_tokens}")
        # Paged memory grows: preempt the newest sequences until this iteration's blocks fit.
        while sum(map(held, running)) > capacity_tokens:
            victim = running.pop()
            delivered -= victim.generated                            # its tokens are recomputed later
            victim.generated, victim.prefilled = 0, False
            waiting.appendleft(victim)
            preemptions += 1
        prefill_tokens = sum(s.prompt + s.generated for s in running if not s.prefilled)
        dt = 1.0 + prefill_cost * prefill_tokens
        used_time += dt * sum(s.prompt + s.generated + 1 for s in running)
        held_time += dt * sum(map(held, running))
        conc_time += dt * len(running)
        t += dt
        busy += dt
        for s in running:
            s.prefilled = True
            s.generated += 1                                         # one new token per sequence per iteration
            delivered += 1
        for s in [s for s in running if s.generated == s.output]:
            finish[s.id] = (t, s.generated)
            running.remove(s)
    latency = np.array([finish[r["id"]][0] - r["arrival"] for r in trace])
    return dict(batching=batching, memory=memory, makespan=t,
                throughput=delivered / busy,                          # delivered tokens per busy iteration
                p50=float(np.percentile(latency, 50)), p99=float(np.percentile(latency, 99)),
                mean_concurrency=conc_time / busy, waste=1 - used_time / held_time,
                preemptions=preemptions, delivered=delivered,
                generated={i: n for i, (_, n) in finish.items()})
# --8<-- [end:simulate]


def run(quick=False, figures_dir=None, **overrides):
    params = {**DEFAULTS, **overrides}
    trace = make_trace(**params)
    results = [simulate(trace, batching, memory, **params)
               for batching, memory in (("static", "contiguous"), ("continuous", "contiguous"),
                                        ("static", "paged"), ("continuous", "paged"))]
    return dict(trace=trace, results=results, params=params)


def benchmark():
    """Default trace: continuous batching with paged KV against static batching with contiguous KV."""
    import time

    start = time.perf_counter()
    r = {(x["batching"], x["memory"]): x for x in run()["results"]}
    seconds = round(time.perf_counter() - start, 2)
    best, base = r["continuous", "paged"], r["static", "contiguous"]
    common = dict(example="inference/serving_sim", baseline="static batching, contiguous KV reservation",
                  train_seconds=seconds)
    return [
        {**common, "metric": "tokens per iteration, continuous batching + paged KV (16-token blocks)",
         "value": round(best["throughput"], 2), "baseline_value": round(base["throughput"], 2)},
        {**common, "metric": "mean concurrent sequences, continuous batching + paged KV (16-token blocks)",
         "value": round(best["mean_concurrency"], 1), "baseline_value": round(base["mean_concurrency"], 1)},
    ]


def table(results):
    lines = [f"{'batching':<11} {'memory':<11} {'tok/iter':>8} {'p50':>7} {'p99':>7} {'seqs':>5} {'waste':>6} {'preempt':>7}"]
    for r in results:
        lines.append(f"{r['batching']:<11} {r['memory']:<11} {r['throughput']:>8.2f} {r['p50']:>7.0f} {r['p99']:>7.0f} "
                     f"{r['mean_concurrency']:>5.1f} {r['waste']:>6.1%} {r['preemptions']:>7}")
    return "\n".join(lines)


def main(argv=None):
    cli = parser(__doc__, quick_help="same trace (the simulator is fast)")
    cli.add_argument("--rate", type=float, default=DEFAULTS["rate"], help="arrivals per iteration")
    args = cli.parse_args(argv)
    r = run(rate=args.rate)
    print(table(r["results"]))
    return r


if __name__ == "__main__":
    main()
