"""What each provider needs on the wire, from its own documentation (checked 2026-12; see
docs/llm-providers.md for the sources and what to re-check when a provider changes):

- the default model and base URL;
- the output-length field it honours: langchain-openai renames ``max_tokens`` to
  ``max_completion_tokens``, which only OpenAI (and vLLM) read — DeepSeek, DashScope and Ollama
  ignore it, so for them the field is sent in the body as ``max_tokens``;
- the switch that turns thinking off where the model thinks by default (DeepSeek V4
  ``thinking``, DashScope Qwen3 ``enable_thinking`` — HTTP 400 without it on non-streaming calls
  to the open-source models —, OpenAI and Ollama ``reasoning_effort``, vLLM's chat template);
- the structured-output method it supports (DeepSeek and DashScope: JSON mode only);
- tokens per character (a Chinese character is 0.6 token for DeepSeek's tokenizer, up to ~1.3
  for others: the estimate only sizes requests, so a high one costs an extra request, a low one a
  truncated prompt) and the context window (Ollama's is 4096 tokens unless its server is started
  with a larger ``OLLAMA_CONTEXT_LENGTH``, and ``/v1`` cannot change it: longer prompts are cut
  silently)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

# how the answer is structured: the schema in the prompt, a strict JSON schema, or a tool call
Method = Literal["json_mode", "json_schema", "function_calling"]
OPENAI_BASE_URL = "https://api.openai.com/v1"  # also the endpoint when none is configured


@dataclass(frozen=True)
class Preset:
    """What one provider needs: its defaults and the fields it reads."""

    name: str
    base_url: str | None  # None: must be configured (OPENAI_BASE_URL)
    model: str | None  # None: must be configured (NIANBAO_MODEL)
    length_field: str  # "max_tokens" (in the body) or "max_completion_tokens" (langchain's own)
    method: Method
    tokens_per_cjk: float  # estimated tokens per Chinese character
    context: int  # tokens the model reads and writes per request
    max_output: int = 4096
    body: dict[str, Any] = field(default_factory=dict)  # fields merged into every request (thinking off)


# services on the internet that refuse a request without a key (a local vLLM or Ollama needs none)
HOSTED = frozenset({"deepseek", "qwen", "openai"})

PRESETS = {
    p.name: p
    for p in (
        Preset(
            "deepseek",
            "https://api.deepseek.com",
            "deepseek-flash",
            "max_tokens",
            "json_mode",
            0.6,
            1_000_000,
            body={"thinking": {"type": "disabled"}},
        ),
        Preset(
            "qwen",
            "https://dashscope.aliyuncs.com/compatible-mode/v1",
            "qwen-plus",
            "max_tokens",
            "json_mode",
            1.0,
            131_072,
            body={"enable_thinking": False},
        ),
        Preset(
            "openai",
            OPENAI_BASE_URL,
            "gpt-5.4-mini",
            "max_completion_tokens",
            "json_schema",
            1.0,
            400_000,
            body={"reasoning_effort": "none"},
        ),
        Preset(
            "vllm",
            "http://127.0.0.1:8000/v1",
            None,
            "max_tokens",
            "json_schema",
            1.3,
            32_768,
            body={"chat_template_kwargs": {"enable_thinking": False}},
        ),
        Preset(
            "ollama",
            "http://127.0.0.1:11434/v1",
            None,
            "max_tokens",
            "json_schema",
            1.3,
            4096,
            max_output=1536,
            body={"reasoning_effort": "none"},
        ),
        Preset("custom", None, None, "max_tokens", "json_mode", 1.3, 32_768),
    )
}
# the base URL's host when NIANBAO_LLM_PROVIDER is not set: old configurations keep working
_HOSTS = {"deepseek.com": "deepseek", "dashscope": "qwen", "api.openai.com": "openai", ":11434": "ollama"}


def infer(base_url: str | None) -> str:
    """The preset an unset NIANBAO_LLM_PROVIDER means: by the endpoint's host; OpenAI when only a
    key is given (the openai client's own default); else custom."""
    if not base_url:
        return "openai"
    return next((name for host, name in _HOSTS.items() if host in base_url), "custom")
