# %% [markdown] lang="zh"
# # 调用大模型 API：看清请求、回复和限流重试（离线）
#
# 本 Notebook 调用 `snippets/llm_api/chat.py` 里经过测试的函数，但**不联网、不需要 API 密钥**：和测试一样，我们把一个
# `httpx.MockTransport` 交给 openai SDK，充当假的服务端。这样可以看到 SDK 实际发出的 HTTP 请求、`chat()` 如何解析回复，
# 以及遇到 429 限流时 `with_backoff()` 等待多久、重试几次。每一次“等待”都被记录下来而不是真的 `sleep`，所以整个 Notebook 几秒就能跑完。
# 为什么原文的 `openai.Completion` 写法已失效、模型名和 token 预算怎么选，见[调用大语言模型 API](../coding/llm-api.md)。

# %% [markdown] lang="en"
# # Calling an LLM API: the request, the reply and rate-limit retries, offline
#
# This notebook calls the tested functions of `snippets/llm_api/chat.py` **without network access or an API
# key**. As in the tests, the openai SDK gets an `httpx.MockTransport` that plays the server, so we can see the
# exact HTTP request the SDK sends, how `chat()` reads the reply, and how long `with_backoff()` waits and how
# often it retries after a 429. Every wait is recorded instead of slept, so the notebook runs in seconds. Why
# the source document's `openai.Completion` call no longer works, and how to pick a model name and an output
# budget, is explained on [Calling LLM APIs](../coding/llm-api.md).

# %% [markdown] lang="zh"
# ## 一个假的服务端
#
# `FakeServer` 按顺序返回排好的响应，并记下收到的每个请求。`make_client()` 与连接真实服务时完全相同，只是多传了一个 `http_client`。
# 这里的密钥是随便写的字符串；真实使用时不要传 `api_key`，让它从环境变量 `OPENAI_API_KEY` 读取。

# %% [markdown] lang="en"
# ## A fake server
#
# `FakeServer` answers with queued responses, in order, and records every request it receives. `make_client()`
# is called exactly as for a real service, plus an `http_client`. The key is a made-up string; in real use,
# pass no `api_key` and let the client read `OPENAI_API_KEY` from the environment.

# %%
import json
import random

import httpx
import matplotlib.pyplot as plt
import numpy as np
import openai

from snippets.llm_api import chat as llm

PROMPT = "请写一篇关于人工智能的短文。"


def completion(text, finish_reason="stop"):
    """A Chat Completions response body, shaped like the API reference."""
    return {
        "id": "chatcmpl-demo", "object": "chat.completion", "created": 1795900000, "model": llm.DEFAULT_MODEL,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text, "refusal": None},
                     "logprobs": None, "finish_reason": finish_reason}],
        "usage": {"prompt_tokens": 19, "completion_tokens": 31, "total_tokens": 50},
    }


def rate_limited(code="rate_limit_exceeded", headers=None):
    body = {"error": {"message": "Rate limit reached", "type": "requests", "param": None, "code": code}}
    return httpx.Response(429, json=body, headers=headers or {})


class FakeServer:
    def __init__(self, *replies, log=None):
        self.replies, self.requests, self.log = list(replies), [], log

    def __call__(self, request):
        self.requests.append(request)
        reply = self.replies.pop(0) if self.replies else rate_limited()  # out of replies: keep throttling
        if self.log is not None:
            hint = f", retry-after: {reply.headers['retry-after']} s" if "retry-after" in reply.headers else ""
            self.log.append(f"request {len(self.requests)}: {request.method} {request.url.path} -> {reply.status_code}{hint}")
        return reply

    def client(self):
        return llm.make_client(api_key="sk-demo-not-a-real-key",
                               http_client=httpx.Client(transport=httpx.MockTransport(self)))


# %% [markdown] lang="zh"
# ## SDK 实际发出的请求
#
# 调用 `chat()` 一次，然后打印假服务端收到的请求：方法、地址、鉴权头和 JSON 请求体。注意输出上限字段是 `max_completion_tokens`，
# 默认 2,048，足够写一篇中文短文；`chat()` 只返回回复的文本。

# %% [markdown] lang="en"
# ## The request the SDK sends
#
# Call `chat()` once, then print what the fake server received: method, URL, authorization header and JSON
# body. The output limit goes in `max_completion_tokens`, 2,048 by default, enough for a short essay in Chinese;
# `chat()` returns only the reply's text.

# %%
server = FakeServer(httpx.Response(200, json=completion("人工智能是让机器完成通常需要人类智能的任务的技术。")))
reply = llm.chat(server.client(), PROMPT)

(request,) = server.requests
print(request.method, request.url)
for name in ("authorization", "content-type", "accept"):
    print(f"{name}: {request.headers[name]}")
print(json.dumps(json.loads(request.content), ensure_ascii=False, indent=2))
print()
print("chat() returned:", reply)

# %% [markdown] lang="zh"
# 换成 OpenAI 兼容的服务商（例如 DeepSeek）时，只改地址、模型名，以及它文档里的输出上限字段名 `max_tokens`：

# %% [markdown] lang="en"
# For an OpenAI-compatible provider such as DeepSeek, only the base URL, the model name and, as its documentation
# says, the output-limit field `max_tokens` change:

# %%
server = FakeServer(httpx.Response(200, json=completion("好的。")))
client = llm.make_client(api_key="sk-demo-not-a-real-key", base_url="https://api.deepseek.com",
                         http_client=httpx.Client(transport=httpx.MockTransport(server)))
llm.chat(client, PROMPT, model="deepseek-v4-flash", system="用中文回答。", max_output_tokens=800,
         token_field="max_tokens")
(request,) = server.requests
print(request.method, request.url)
print(json.dumps(json.loads(request.content), ensure_ascii=False, indent=2))

# %% [markdown] lang="zh"
# ## 429 之后的重试
#
# 假服务端先返回两次 429：第一次不带提示，`with_backoff()` 按“完全抖动”在 $[0, 1\,\mathrm{s})$ 内随机等待；
# 第二次带 `Retry-After: 3`，客户端就按服务端说的等 3 秒。第三次返回 200。三次请求的内容完全相同。

# %% [markdown] lang="en"
# ## Retrying after a 429
#
# The fake server answers 429 twice. The first carries no hint, so `with_backoff()` waits a "full jitter"
# random time in $[0, 1\,\mathrm{s})$; the second carries `Retry-After: 3`, and the client waits the 3 seconds
# the server asked for. The third request gets a 200. All three requests carry the same body.

# %%
log = []
server = FakeServer(rate_limited(), rate_limited(headers={"retry-after": "3"}),
                    httpx.Response(200, json=completion("人工智能是……")), log=log)
reply = llm.chat(server.client(), PROMPT, sleep=lambda s: log.append(f"    wait {s:.2f} s"),
                 rng=random.Random(0).random)
print("\n".join(log))
print("reply:", reply)
print("identical request bodies:", len({r.content for r in server.requests}) == 1)

# %% [markdown] lang="zh"
# 额度耗尽（`insufficient_quota`）也以 429 返回，但等待不会让它恢复，所以只发一次请求就抛出异常：

# %% [markdown] lang="en"
# Exhausted quota (`insufficient_quota`) also arrives as a 429, but waiting will not fix it, so the client
# sends one request and raises:

# %%
log = []
server = FakeServer(rate_limited(code="insufficient_quota"), log=log)
try:
    llm.chat(server.client(), PROMPT, sleep=lambda s: log.append(f"    wait {s:.2f} s"))
except openai.RateLimitError as error:
    log.append(f"raised {type(error).__name__} (code {error.code!r}) without waiting")
print("\n".join(log))

# %% [markdown] lang="zh"
# ## 指数退避加抖动的等待时间分布
#
# 让假服务端一直返回 429，用默认的 `base_delay=1`、`max_delay=30` 和 6 次重试，把 `with_backoff()` 每次决定的等待时间记下来，重复 300 次。
# 第 $n$ 次重试的等待时间在 $[0,\ \min(30, 2^{n-1})]$ 秒内均匀分布：上限指数增长到 30 秒封顶，平均值是上限的一半。

# %% [markdown] lang="en"
# ## The backoff-with-jitter schedule
#
# Let the fake server answer 429 forever and record every wait that `with_backoff()` chooses, with the default
# `base_delay=1` and `max_delay=30` and 6 retries, over 300 runs. The wait before retry $n$ is uniform on
# $[0,\ \min(30, 2^{n-1})]$ seconds: the cap doubles until it reaches 30 s, and the mean is half the cap.

# %% alt_zh="散点图：横轴是第 1 到第 6 次重试，纵轴是等待秒数。每次重试的 300 个等待时间均匀分布在 0 与上限之间，上限为 1、2、4、8、16、30 秒（虚线），实测平均值约为上限的一半（0.52、1.00、2.00、3.89、7.99、15.60 秒，6 次等待合计平均 31.0 秒）。" alt_en="Scatter plot: retries 1 to 6 on the x axis, wait in seconds on the y axis. The 300 waits of each retry spread uniformly between 0 and the cap of 1, 2, 4, 8, 16 and 30 seconds (dashed line); the measured means are about half the cap (0.52, 1.00, 2.00, 3.89, 7.99 and 15.60 s; 31.0 s in total over the six waits)."
def waits_of_one_run(rng, retries=6):
    waits = []
    try:
        llm.chat(FakeServer().client(), PROMPT, retries=retries, sleep=waits.append, rng=rng)
    except openai.RateLimitError:
        pass  # every request was throttled: the client gives up after `retries` waits
    return waits


rng = random.Random(0).random
runs = np.array([waits_of_one_run(rng) for _ in range(300)])  # (300 runs, 6 retries)
caps = np.array(waits_of_one_run(lambda: 1.0))  # rng() = 1 gives the upper bound of each wait

retry = np.arange(1, runs.shape[1] + 1)
print("retry   cap (s)   mean (s)   max (s)")
for n, cap, column in zip(retry, caps, runs.T):
    print(f"{n:5d} {cap:9.1f} {column.mean():10.2f} {column.max():9.2f}")
print(f"total wait per run before giving up: mean {runs.sum(axis=1).mean():.1f} s, cap {caps.sum():.0f} s")

jitter = np.random.default_rng(0).uniform(-0.15, 0.15, runs.shape)
fig, ax = plt.subplots(figsize=(7, 3.6))
ax.scatter((retry + jitter).ravel(), runs.ravel(), s=6, alpha=0.35, label="wait chosen by with_backoff()")
ax.plot(retry, caps, "k--", marker="o", label="cap: min(max_delay, base_delay * 2**attempt)")
ax.plot(retry, runs.mean(axis=0), "r_", markersize=22, mew=2, linestyle="none", label="mean of 300 runs")
ax.set_xlabel("retry")
ax.set_ylabel("wait (s)")
ax.set_xticks(retry)
ax.legend(fontsize=8, loc="upper left")
fig.tight_layout()
plt.show()

# %% [markdown] lang="zh"
# ## 接下来
#
# - 真正调用时：`export OPENAI_API_KEY=...`，再 `llm.chat(llm.make_client(), "你的问题")`。
# - 不想自己管理重试时，也可以把 `make_client(max_retries=...)` 调大，让 SDK 自己退避；但不要两层重试叠加。
# - `llm.respond()` 是同一个请求的 Responses API 写法。

# %% [markdown] lang="en"
# ## Next steps
#
# - For a real call: `export OPENAI_API_KEY=...`, then `llm.chat(llm.make_client(), "your question")`.
# - To let the SDK handle retries instead, raise `make_client(max_retries=...)`, but never stack the two layers.
# - `llm.respond()` sends the same request through the Responses API.
