"""The agent loop against a scripted local model (httpx.MockTransport): the exact requests sent,
recovery from malformed tool calls, the step budget, and a privileged tool that an indirect
prompt injection cannot trigger. No network; the whole file runs in well under a second."""

import json

import openai
import pytest

import snippets.applied.agent as agent
from snippets.applied.agent import ScriptedModel, make_store, make_tools, run_agent, scenario, tool_call

TOOL_NAMES = ["search_docs", "read_doc", "calculator", "delete_all"]


def assistant(*calls):
    return {"role": "assistant", "content": None, "tool_calls": list(calls)}


def tool(call_id, content):
    return {"role": "tool", "tool_call_id": call_id, "content": content}


def test_normal_task_sends_the_exact_requests_and_answers():
    r = scenario(agent.NORMAL, agent.TASK)
    assert r["status"] == "answered" and r["steps"] == 4
    assert r["answer"] == "The combined budget is 200 thousand yuan (budget-a: 120, budget-b: 80)."
    conversation = [
        {"role": "system", "content": agent.SYSTEM},
        {"role": "user", "content": agent.TASK},
        assistant(tool_call("search_docs", {"query": "budget"}, "call_1")),
        tool("call_1", '["budget-a", "budget-b"]'),
        assistant(tool_call("read_doc", {"doc_id": "budget-a"}, "call_2"),
                  tool_call("read_doc", {"doc_id": "budget-b"}, "call_3")),
        tool("call_2", '"Project A budget: 120 thousand yuan."'),
        tool("call_3", '"Project B budget: 80 thousand yuan."'),
        assistant(tool_call("calculator", {"op": "add", "a": 120, "b": 80}, "call_4")),
        tool("call_4", "200"),
    ]
    # Request n carries the whole conversation so far: the results of parallel calls in call order.
    prefixes = [2, 4, 7, 9]
    assert len(r["requests"]) == len(prefixes)
    for request, n in zip(r["requests"], prefixes):
        assert set(request) == {"model", "messages", "tools"}
        assert request["model"] == agent.MODEL
        assert request["messages"] == conversation[:n]
        assert [t["function"]["name"] for t in request["tools"]] == TOOL_NAMES
        assert all(t["type"] == "function" and t["function"]["parameters"]["type"] == "object"
                   for t in request["tools"])
    assert [(e["tool"], e["status"]) for e in r["log"]] == [
        ("search_docs", "ok"), ("read_doc", "ok"), ("read_doc", "ok"), ("calculator", "ok")]


def test_malformed_calls_go_back_to_the_model_as_errors_and_the_correction_succeeds():
    r = scenario(agent.MALFORMED, "Add 120 and 80.")
    assert r["status"] == "answered" and r["answer"] == "120 + 80 = 200."
    assert [e["status"] for e in r["log"]] == ["bad_json", "schema_error", "ok"]
    results = [m["content"] for m in r["requests"][-1]["messages"] if m["role"] == "tool"]
    assert results[0].startswith("error: arguments are not valid JSON (Expecting ',' delimiter")
    # Both violations are reported at once, each with where it is.
    assert results[1] == ("error: arguments do not match the schema: $.b: '80' is not of type 'number'; "
                          "$.op: 'plus' is not one of ['add', 'sub', 'mul', 'div']")
    assert results[2] == "200"


def test_unknown_tool_and_a_failing_tool_are_reported_not_raised():
    script = [[tool_call("send_email", {"to": "x"}, "call_1"), tool_call("read_doc", {"doc_id": "nope"}, "call_2")],
              "I could not do that."]
    r = scenario(script, "Email the report.")
    assert r["status"] == "answered"
    assert [e["status"] for e in r["log"]] == ["unknown_tool", "tool_error"]
    unknown, failed = (m["content"] for m in r["messages"] if m["role"] == "tool")
    assert unknown == "error: no tool named 'send_email'; available: search_docs, read_doc, calculator, delete_all"
    assert failed == "error: read_doc failed: KeyError: \"no document 'nope'\""


def test_runaway_loop_stops_at_the_step_budget():
    r = scenario(agent.RUNAWAY, agent.TASK, max_steps=5)
    assert r["status"] == "step_budget_exhausted" and r["answer"] is None and r["steps"] == 5
    assert len(r["requests"]) == 5 and len(r["log"]) == 5
    # Every request resends the whole conversation, so each costs more than the one before.
    sizes = r["request_chars"]
    assert all(b > a for a, b in zip(sizes, sizes[1:])), sizes
    # The page quotes these: each step adds the same assistant + tool pair (258 characters).
    assert sizes == [250, 508, 766, 1024, 1282], "update the cost paragraph of both agent pages"
    # ...and their sum is the page's nP + s*n(n-1)/2 with P = 250, s = 258, n = 5.
    assert sum(sizes) == 5 * 250 + 258 * 5 * 4 // 2 == 3830


def counting_tools(store):
    tools = make_tools(store)
    calls = []
    original = tools["delete_all"].fn
    tools["delete_all"].fn = lambda: calls.append("delete_all") or original()
    return tools, calls


@pytest.mark.parametrize("confirm", [None, lambda name, args: False], ids=["no-callback", "callback-denies"])
def test_indirect_injection_cannot_run_the_privileged_tool(confirm):
    store = make_store()
    tools, calls = counting_tools(store)
    model = ScriptedModel(agent.INJECTION)
    r = run_agent(model.client(), agent.INJECTION_TASK, tools, confirm=confirm)
    # The model did fall for it: it asked for delete_all right after reading the document...
    asked = [m for m in r["messages"] if m["role"] == "assistant"][-1]["tool_calls"][0]
    assert asked["function"]["name"] == "delete_all"
    # ...and the harness refused, told the model so, and nothing was deleted.
    assert calls == []
    assert store == make_store()
    assert ("delete_all", "blocked") in [(e["tool"], e["status"]) for e in r["log"]]
    assert r["messages"][-1]["content"] == ("error: delete_all is a privileged tool and was not approved "
                                            "by the user; it did not run")
    assert r["status"] == "answered" and "laptop" in r["answer"]


@pytest.mark.parametrize("confirm", [None, lambda name, args: False], ids=["no-callback", "callback-denies"])
def test_privileged_tool_never_runs_however_the_model_asks(confirm):
    # "Whatever the model asks for": second in a parallel turn, twice, with arguments, with bad JSON.
    store = make_store()
    tools, calls = counting_tools(store)
    script = [[tool_call("read_doc", {"doc_id": "onboarding"}, "call_1"),
               tool_call("delete_all", {}, "call_2"),
               tool_call("delete_all", {"confirmed": True}, "call_3"),
               tool_call("delete_all", "{not json", "call_4"),
               tool_call("delete_all", {}, "call_5")],
              "Done."]
    r = run_agent(ScriptedModel(script).client(), agent.INJECTION_TASK, tools, confirm=confirm)
    assert calls == [] and store == make_store()
    assert [e["status"] for e in r["log"]] == ["ok", "blocked", "schema_error", "bad_json", "blocked"]


def test_the_person_is_asked_with_the_exact_call_and_can_approve():
    # run() wires a callback that denies; here one that approves, to show the gate is the person.
    run_result = agent.run(quick=True)
    asked = run_result["injection"]["confirmations_asked"]
    assert asked == [("delete_all", {})]
    assert run_result["injection"]["store_after"] == make_store()
    store = make_store()
    r = run_agent(ScriptedModel(agent.INJECTION).client(), agent.INJECTION_TASK, make_tools(store),
                  confirm=lambda name, args: True)
    assert ("delete_all", "ok") in [(e["tool"], e["status"]) for e in r["log"]]
    assert store == {}


def test_scripted_model_rejects_unanswered_tool_calls_like_the_api():
    # So that a loop which forgets a tool message (or sends it before the assistant turn) fails here.
    model = ScriptedModel(["never sent"])
    messages = [{"role": "user", "content": "hi"}, assistant(tool_call("read_doc", {"doc_id": "a"}, "call_1"))]
    with pytest.raises(openai.BadRequestError, match="were not answered"):
        model.client().chat.completions.create(model=agent.MODEL, messages=messages)
    with pytest.raises(openai.BadRequestError, match="answers no pending tool call"):
        model.client().chat.completions.create(model=agent.MODEL, messages=[tool("call_9", "x")])


def test_a_broken_tool_schema_fails_loudly_naming_the_tool():
    tools = make_tools({})
    tools["calculator"].parameters = {"type": "objekt"}
    with pytest.raises(ValueError, match="tool 'calculator' has an invalid JSON Schema"):
        run_agent(ScriptedModel(["x"]).client(), "task", tools)


def test_main_prints_each_scenario(capsys):
    agent.main(["--quick"])
    out = capsys.readouterr().out
    assert "== runaway: step_budget_exhausted after 5 model calls" in out
    assert "delete_all   blocked" in out
    assert json.dumps(sorted(make_store())).replace('"', "'") in out
