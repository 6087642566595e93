import pytest

from snippets.inference.serving_sim import DEFAULTS, main, make_trace, simulate


@pytest.fixture(scope="module")
def results():
    """The four servers on one seeded trace (about 0.3 s)."""
    trace = make_trace(**DEFAULTS)
    runs = {(b, m): simulate(trace, b, m, **DEFAULTS)
            for b in ("static", "continuous") for m in ("contiguous", "paged")}
    return trace, runs


def test_continuous_batching_raises_throughput(results):
    _, r = results
    for memory in ("contiguous", "paged"):
        assert r["continuous", memory]["throughput"] > 2 * r["static", memory]["throughput"]
        assert r["continuous", memory]["p50"] < r["static", memory]["p50"]


def test_paged_memory_fits_more_sequences_and_wastes_less(results):
    _, r = results
    for batching in ("static", "continuous"):
        paged, contiguous = r[batching, "paged"], r[batching, "contiguous"]
        assert paged["mean_concurrency"] > 1.5 * contiguous["mean_concurrency"]
        assert contiguous["waste"] > 0.4 and paged["waste"] < 0.05
    assert r["continuous", "paged"]["throughput"] > r["continuous", "contiguous"]["throughput"]


def test_every_request_finishes_with_exactly_its_output(results):
    """Conservation, including through preemption: a preempted sequence's tokens are discarded and
    regenerated, so delivered tokens equal the sum of output lengths. Forgetting to discard them when
    preempting counts them twice and fails here."""
    trace, r = results
    assert r["continuous", "paged"]["preemptions"] > 0, "the trace must exercise preemption"
    want = {req["id"]: req["output"] for req in trace}
    for run in r.values():
        assert run["generated"] == want
        assert run["delivered"] == sum(want.values())


def test_a_request_larger_than_memory_fails_loudly():
    trace = [dict(id=0, arrival=0.0, prompt=100, output=5)]
    with pytest.raises(ValueError, match="capacity_tokens"):
        simulate(trace, "continuous", "contiguous", capacity_tokens=64, max_new=8)


def test_main_prints(capsys):
    main([])
    assert "continuous  paged" in capsys.readouterr().out


def test_benchmark_entries_match_the_table(results):
    from snippets.inference.serving_sim import benchmark

    _, r = results
    throughput, concurrency = benchmark()
    assert throughput["value"] == round(r["continuous", "paged"]["throughput"], 2)
    assert throughput["baseline_value"] == round(r["static", "contiguous"]["throughput"], 2)
    assert concurrency["value"] > concurrency["baseline_value"]
