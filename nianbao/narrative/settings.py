"""LLM settings from the environment. Kept free of langchain/openai imports: deciding whether an
LLM is configured must not cost the client's import time."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from ..config import ConfigError

METHODS = ("json_mode", "json_schema", "function_calling")
DEFAULT_MODEL = "deepseek-chat"


@dataclass(frozen=True)
class LLMSettings:
    """How to reach the model. ``method``: ``json_mode`` (default; the schema is written into the
    prompt, works on DeepSeek/Qwen/vLLM), ``json_schema`` (sends ``strict: true``, which some
    providers reject) or ``function_calling``."""

    model: str = DEFAULT_MODEL
    base_url: str | None = None
    api_key: str | None = None
    method: str = "json_mode"
    timeout: float = 60.0  # wall-clock seconds per request, whatever the peer sends; retries multiply it
    backoff: float = 1.0  # first retry wait in seconds, doubling, with as much jitter
    max_attempts: int = 4  # per request, transport errors only
    budget: float = 300.0  # wall-clock seconds for a whole report's narrative review, retries and re-asks included
    max_output_tokens: int = 4096
    max_input_tokens: int = 6000  # per request (estimated); longer narratives are split by part

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> LLMSettings | None:
        """None when no endpoint or key is configured (the heuristic reviewer is used then)."""
        base_url, api_key = env.get("OPENAI_BASE_URL") or None, env.get("OPENAI_API_KEY") or None
        if not (base_url or api_key):
            return None
        method = env.get("NIANBAO_LLM_METHOD", cls.method)
        if method not in METHODS:
            raise ConfigError(f"环境变量 NIANBAO_LLM_METHOD 无效（{method}），应为 {' / '.join(METHODS)} 之一")
        return cls(
            model=env.get("NIANBAO_MODEL") or DEFAULT_MODEL, base_url=base_url, api_key=api_key, method=method,
            timeout=_positive(env, "NIANBAO_LLM_TIMEOUT", cls.timeout),
            backoff=_positive(env, "NIANBAO_LLM_BACKOFF", cls.backoff),
            budget=_positive(env, "NIANBAO_LLM_BUDGET", cls.budget),
            max_input_tokens=int(_positive(env, "NIANBAO_LLM_MAX_INPUT_TOKENS", cls.max_input_tokens)),
        )


def _positive(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if value <= 0:
        raise ConfigError(f"环境变量 {name} 无效（{raw}），应为正数")
    return value
