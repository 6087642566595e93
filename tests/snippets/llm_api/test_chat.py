"""The LLM API snippet against a fake server (httpx.MockTransport): no network.

Each test checks the exact HTTP request the SDK sends and how the reply is used."""

import json

import httpx
import openai
import pytest

from snippets.llm_api.chat import (
    DEFAULT_MAX_OUTPUT_TOKENS,
    DEFAULT_MODEL,
    chat,
    main,
    make_client,
    respond,
    with_backoff,
)

PROMPT = "请写一篇关于人工智能的短文。"
REPLY = "人工智能是让机器完成通常需要人类智能的任务的技术。"


def chat_completion(text=REPLY, finish_reason="stop", model=DEFAULT_MODEL):
    """A Chat Completions response body shaped like the API reference."""
    return {
        "id": "chatcmpl-abc123",
        "object": "chat.completion",
        "created": 1795900000,
        "model": model,
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": text, "refusal": None},
            "logprobs": None,
            "finish_reason": finish_reason,
        }],
        "usage": {"prompt_tokens": 19, "completion_tokens": 31, "total_tokens": 50},
    }


def rate_limited(code="rate_limit_exceeded", headers=None):
    body = {"error": {"message": "Rate limit reached", "type": "requests", "param": None, "code": code}}
    return httpx.Response(429, json=body, headers=headers or {})


class FakeServer:
    """Replies with the queued responses in order and records every request."""

    def __init__(self, *replies):
        self.replies = list(replies)
        self.requests = []

    def __call__(self, request):
        self.requests.append(request)
        reply = self.replies.pop(0)
        if isinstance(reply, Exception):
            raise reply
        return reply

    def client(self, **kwargs):
        return make_client(http_client=httpx.Client(transport=httpx.MockTransport(self)), **kwargs)


@pytest.fixture(autouse=True)
def api_key(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-key")
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.delenv("OPENAI_CUSTOM_HEADERS", raising=False)


def test_chat_sends_the_exact_request_and_returns_the_text():
    server = FakeServer(httpx.Response(200, json=chat_completion()))
    assert chat(server.client(), PROMPT) == REPLY
    (request,) = server.requests
    assert request.method == "POST"
    assert str(request.url) == "https://api.openai.com/v1/chat/completions"
    assert request.headers["authorization"] == "Bearer sk-test-key"
    assert json.loads(request.content) == {
        "model": DEFAULT_MODEL,
        "messages": [{"role": "user", "content": PROMPT}],
        "max_completion_tokens": DEFAULT_MAX_OUTPUT_TOKENS,
    }


def test_compatible_provider_uses_its_base_url_and_field_name(monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", "https://api.deepseek.com")
    server = FakeServer(httpx.Response(200, json=chat_completion(model="deepseek-v4-flash")))
    text = chat(server.client(), PROMPT, model="deepseek-v4-flash", system="用中文回答。",
                max_output_tokens=800, token_field="max_tokens")
    assert text == REPLY
    (request,) = server.requests
    assert str(request.url) == "https://api.deepseek.com/chat/completions"
    assert json.loads(request.content) == {
        "model": "deepseek-v4-flash",
        "messages": [{"role": "system", "content": "用中文回答。"}, {"role": "user", "content": PROMPT}],
        "max_tokens": 800,
    }


def test_responses_api_request_and_output_text():
    body = {
        "id": "resp_abc123", "object": "response", "created_at": 1795900000,
        "status": "completed", "model": DEFAULT_MODEL, "error": None, "incomplete_details": None,
        "instructions": None, "parallel_tool_calls": True, "tool_choice": "auto", "tools": [],
        "temperature": 1.0, "top_p": 1.0, "metadata": {},
        "output": [{
            "type": "message", "id": "msg_abc123", "status": "completed", "role": "assistant",
            "content": [{"type": "output_text", "text": REPLY, "annotations": []}],
        }],
        "usage": {"input_tokens": 19, "output_tokens": 31, "total_tokens": 50,
                  "input_tokens_details": {"cached_tokens": 0},
                  "output_tokens_details": {"reasoning_tokens": 0}},
    }
    server = FakeServer(httpx.Response(200, json=body))
    assert respond(server.client(), PROMPT, instructions="用中文回答。") == REPLY
    (request,) = server.requests
    assert request.method == "POST"
    assert str(request.url) == "https://api.openai.com/v1/responses"
    assert json.loads(request.content) == {
        "model": DEFAULT_MODEL, "input": PROMPT, "instructions": "用中文回答。",
        "max_output_tokens": DEFAULT_MAX_OUTPUT_TOKENS,
    }


def test_rate_limit_then_success_is_retried_after_a_jittered_wait():
    server = FakeServer(rate_limited(), httpx.Response(200, json=chat_completion()))
    waits = []
    text = chat(server.client(), PROMPT, sleep=waits.append, base_delay=1.0, rng=lambda: 0.25)
    assert text == REPLY
    assert len(server.requests) == 2
    assert waits == [0.25]  # full jitter: rng() * base_delay * 2**0
    # The retry is the same request again.
    assert server.requests[0].content == server.requests[1].content


def test_backoff_grows_exponentially_and_gives_up():
    server = FakeServer(*[rate_limited() for _ in range(4)])
    waits = []
    with pytest.raises(openai.RateLimitError):
        chat(server.client(), PROMPT, retries=3, base_delay=1.0, max_delay=3.0,
             sleep=waits.append, rng=lambda: 1.0)
    assert len(server.requests) == 4
    assert waits == [1.0, 2.0, 3.0]  # 1, 2, 4 capped at max_delay


def test_server_retry_after_header_wins_over_own_schedule():
    server = FakeServer(rate_limited(headers={"retry-after": "7"}), httpx.Response(200, json=chat_completion()))
    waits = []
    chat(server.client(), PROMPT, sleep=waits.append)
    assert waits == [7.0]


def test_exhausted_quota_is_not_retried():
    server = FakeServer(rate_limited(code="insufficient_quota"))
    with pytest.raises(openai.RateLimitError):
        chat(server.client(), PROMPT, sleep=lambda s: pytest.fail("should not wait"))
    assert len(server.requests) == 1


@pytest.mark.parametrize("failure", [httpx.ReadTimeout("slow"), httpx.ConnectError("down")])
def test_timeouts_and_dropped_connections_are_retried(failure):
    server = FakeServer(failure, httpx.Response(200, json=chat_completion()))
    waits = []
    assert chat(server.client(), PROMPT, sleep=waits.append, rng=lambda: 0.5) == REPLY
    assert len(server.requests) == 2 and waits == [0.5]


def test_bad_request_is_not_retried():
    server = FakeServer(httpx.Response(400, json={"error": {"message": "bad", "type": "invalid_request_error",
                                                            "param": "model", "code": None}}))
    with pytest.raises(openai.BadRequestError):
        chat(server.client(), PROMPT, sleep=lambda s: pytest.fail("should not wait"))
    assert len(server.requests) == 1


def test_sdk_builtin_retries_also_handle_429():
    # The alternative to with_backoff(): let the SDK retry (default max_retries=2).
    server = FakeServer(rate_limited(headers={"retry-after-ms": "1"}), httpx.Response(200, json=chat_completion()))
    assert chat(server.client(max_retries=2), PROMPT, retries=0) == REPLY
    assert len(server.requests) == 2


def test_truncated_reply_warns():
    server = FakeServer(httpx.Response(200, json=chat_completion("人工智能是", finish_reason="length")))
    with pytest.warns(UserWarning, match="cut off at 50 tokens"):
        assert chat(server.client(), PROMPT, max_output_tokens=50) == "人工智能是"


def test_with_backoff_returns_first_success_without_waiting():
    assert with_backoff(lambda: 42, sleep=lambda s: pytest.fail("should not wait")) == 42


def test_missing_key_is_reported_not_sent(monkeypatch, capsys):
    monkeypatch.delenv("OPENAI_API_KEY")
    with pytest.raises(RuntimeError, match="OPENAI_API_KEY"):
        make_client()
    main([])
    assert "OPENAI_API_KEY is not set" in capsys.readouterr().out


def test_seed_style_call_no_longer_exists():
    # The 2022-era module-level API was removed in openai 1.0.0.
    with pytest.raises(openai.OpenAIError, match="no longer supported in openai>=1.0.0"):
        openai.Completion.create(engine="text-davinci-002", prompt=PROMPT, max_tokens=50)
