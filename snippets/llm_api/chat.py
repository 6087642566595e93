"""Calling a chat LLM with the current `openai` Python SDK (openai>=1.0).

What it shows
- A client whose API key comes from the environment, never from the source code,
  and whose base URL can point at any OpenAI-compatible endpoint.
- One chat request through the Chat Completions API (`chat`) and the same request
  through the Responses API (`respond`), with an output budget large enough for Chinese.
- Retrying rate limits (HTTP 429), timeouts and dropped connections with exponential
  backoff and jitter, and not retrying what a retry cannot fix.

Run
    export OPENAI_API_KEY=...        # never commit it
    python -m snippets.llm_api.chat --prompt "请写一篇关于人工智能的短文。"

    # An OpenAI-compatible provider: same code, another key, base URL and model.
    # DeepSeek's documented values as of 2026 (check its docs for current model names):
    export OPENAI_API_KEY=$DEEPSEEK_API_KEY OPENAI_BASE_URL=https://api.deepseek.com
    python -m snippets.llm_api.chat --model deepseek-v4-flash --token-field max_tokens

What to change in practice
- The model name: the default is a current OpenAI model as of 2026; names change, so
  check the provider's model list.
- Nothing else has to change for a new provider except base_url, the key and the model.
"""

import argparse
import os
import random
import time
import warnings

import openai

DEFAULT_MODEL = "gpt-6-luna"  # OpenAI's cost-efficient model as of 2026
# Room for a short Chinese essay. On reasoning models the same budget also pays for
# hidden reasoning tokens, so a small limit can leave no visible text at all.
DEFAULT_MAX_OUTPUT_TOKENS = 2048


# --8<-- [start:client]
def make_client(api_key=None, base_url=None, timeout=60.0, max_retries=0, http_client=None):
    """An OpenAI client. base_url=None means OPENAI_BASE_URL, else api.openai.com.

    max_retries=0 turns off the SDK's own retries so that with_backoff() below is the
    only retry layer; two stacked layers multiply the number of attempts.
    """
    api_key = api_key or os.environ.get("OPENAI_API_KEY")
    if not api_key:
        raise RuntimeError("Set OPENAI_API_KEY (and OPENAI_BASE_URL for a compatible provider).")
    return openai.OpenAI(api_key=api_key, base_url=base_url, timeout=timeout,
                         max_retries=max_retries, http_client=http_client)
# --8<-- [end:client]


# --8<-- [start:backoff]
RETRYABLE = (openai.RateLimitError, openai.APITimeoutError, openai.APIConnectionError,
             openai.InternalServerError)


def retry_after_seconds(error):
    """The server's own Retry-After hint, if the error response carries one."""
    response = getattr(error, "response", None)
    headers = response.headers if response is not None else {}
    for name, scale in (("retry-after-ms", 1e-3), ("retry-after", 1.0)):
        try:
            return float(headers[name]) * scale
        except (KeyError, ValueError):
            continue
    return None


def with_backoff(call, retries=4, base_delay=1.0, max_delay=30.0, sleep=time.sleep, rng=random.random):
    """Run call(); on a transient error wait and try again, up to `retries` more times."""
    for attempt in range(retries + 1):
        try:
            return call()
        except RETRYABLE as error:
            # A 429 for an exhausted quota (billing) does not go away by waiting.
            if attempt == retries or getattr(error, "code", None) == "insufficient_quota":
                raise
            delay = retry_after_seconds(error)
            if delay is None:
                # "Full jitter": a random wait up to the exponential cap, so that many
                # clients throttled at the same moment do not retry at the same moment.
                delay = rng() * min(max_delay, base_delay * 2**attempt)
            sleep(delay)
# --8<-- [end:backoff]


# --8<-- [start:chat]
def chat(client, prompt, *, model=DEFAULT_MODEL, system=None,
         max_output_tokens=DEFAULT_MAX_OUTPUT_TOKENS, token_field="max_completion_tokens",
         **backoff):
    """One Chat Completions request; returns the reply text.

    token_field: OpenAI's name is max_completion_tokens (max_tokens is deprecated there);
    many OpenAI-compatible servers, e.g. DeepSeek, document max_tokens instead.
    """
    messages = [{"role": "system", "content": system}] if system else []
    messages.append({"role": "user", "content": prompt})
    response = with_backoff(lambda: client.chat.completions.create(
        model=model, messages=messages, **{token_field: max_output_tokens}), **backoff)
    choice = response.choices[0]
    if choice.finish_reason == "length":
        warnings.warn(f"reply cut off at {max_output_tokens} tokens; raise {token_field}")
    return choice.message.content or ""
# --8<-- [end:chat]


# --8<-- [start:respond]
def respond(client, prompt, *, model=DEFAULT_MODEL, instructions=None,
            max_output_tokens=DEFAULT_MAX_OUTPUT_TOKENS, **backoff):
    """The same request through the Responses API, OpenAI's recommended API for new work."""
    extra = {"instructions": instructions} if instructions else {}
    response = with_backoff(lambda: client.responses.create(
        model=model, input=prompt, max_output_tokens=max_output_tokens, **extra), **backoff)
    if response.status == "incomplete":
        warnings.warn(f"response incomplete: {response.incomplete_details}")
    return response.output_text
# --8<-- [end:respond]


PROMPT = "请写一篇关于人工智能的短文，300 字左右。"


def run(quick=False, figures_dir=None, prompt=PROMPT, model=DEFAULT_MODEL,
        max_output_tokens=DEFAULT_MAX_OUTPUT_TOKENS, token_field="max_completion_tokens", responses=False):
    """Send one request (needs OPENAI_API_KEY); returns {"reply": text}. Nothing is trained or
    drawn, so quick and figures_dir change nothing."""
    client = make_client()
    if responses:
        return {"reply": respond(client, prompt, model=model, max_output_tokens=max_output_tokens)}
    return {"reply": chat(client, prompt, model=model, max_output_tokens=max_output_tokens,
                          token_field=token_field)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompt", default=PROMPT)
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--max-output-tokens", type=int, default=DEFAULT_MAX_OUTPUT_TOKENS)
    parser.add_argument("--token-field", default="max_completion_tokens",
                        choices=["max_completion_tokens", "max_tokens"])
    parser.add_argument("--responses", action="store_true", help="use the Responses API")
    parser.add_argument("--quick", action="store_true", help="accepted for uniformity; same as default")
    parser.add_argument("--figures", default=None, help="accepted for uniformity; no figure is drawn")
    args = parser.parse_args(argv)

    if not os.environ.get("OPENAI_API_KEY"):
        print("OPENAI_API_KEY is not set, so no request was sent.\n"
              "  export OPENAI_API_KEY=...                      # your key, kept out of the code\n"
              "  export OPENAI_BASE_URL=https://api.deepseek.com  # only for a compatible provider")
        return
    print(run(args.quick, args.figures, args.prompt, args.model, args.max_output_tokens, args.token_field,
              args.responses)["reply"])


if __name__ == "__main__":
    main()
