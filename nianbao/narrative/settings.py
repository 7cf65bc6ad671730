"""LLM settings from the environment. Kept free of langchain/openai imports: deciding whether an
LLM is configured must not cost the client's import time."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeGuard

from ..config import ConfigError
from .providers import HOSTED, OPENAI_BASE_URL, PRESETS, Method, infer

METHODS: tuple[Method, ...] = ("json_mode", "json_schema", "function_calling")


@dataclass(frozen=True)
class LLMSettings:
    """How to reach the model. Built by ``from_env`` from a provider preset (providers.py); the
    defaults here serve tests and tools that point the reviewer at a local server. ``method``:
    ``json_mode`` (the schema is written into the prompt), ``json_schema`` (sends
    ``strict: true``, which some providers reject) or ``function_calling``."""

    model: str
    base_url: str | None = None
    api_key: str | None = None
    provider: str = "custom"
    method: Method = "json_mode"
    timeout: float = 60.0  # wall-clock seconds per request, whatever the peer sends; retries multiply it
    backoff: float = 1.0  # first retry wait in seconds, doubling, with as much jitter
    max_attempts: int = 4  # per request, transport errors only
    budget: float = (
        300.0  # wall-clock seconds for a whole report's narrative review, retries and re-asks included
    )
    max_output_tokens: int = 4096
    max_input_tokens: int = 6000  # per request (estimated); longer narratives are split by part
    length_field: str = "max_tokens"
    tokens_per_cjk: float = 0.6
    context: int = 0  # the model's window in tokens; 0: not limiting
    # merged into every request body (the preset's thinking switch, then NIANBAO_LLM_EXTRA_BODY)
    extra_body: Mapping[str, Any] = field(default_factory=dict, hash=False)

    @property
    def endpoint(self) -> str:
        return self.base_url or OPENAI_BASE_URL

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> LLMSettings | None:
        """None when no provider, endpoint or key is configured (the heuristic reviewer is used
        then). Raises ConfigError, in Chinese, for a setting that cannot work."""
        base_url, api_key = env.get("OPENAI_BASE_URL") or None, env.get("OPENAI_API_KEY") or None
        provider = env.get("NIANBAO_LLM_PROVIDER") or None
        if not (provider or base_url or api_key):
            return None
        provider = provider or infer(base_url)
        if provider not in PRESETS:
            raise ConfigError(
                f"环境变量 NIANBAO_LLM_PROVIDER 无效（{provider}），应为 {' / '.join(PRESETS)} 之一"
            )
        preset = PRESETS[provider]
        model = env.get("NIANBAO_MODEL") or preset.model
        base_url = base_url or preset.base_url
        if not (model and base_url):
            need = "、".join(n for n, v in (("OPENAI_BASE_URL", base_url), ("NIANBAO_MODEL", model)) if not v)
            raise ConfigError(f"大模型服务 {provider} 需要设置 {need}")
        if provider in HOSTED and not api_key:  # else every request is refused, slowly, as a network error
            raise ConfigError(f"大模型服务 {provider} 需要设置 OPENAI_API_KEY（服务商发放的密钥）")
        method = env.get("NIANBAO_LLM_METHOD") or preset.method
        if not _is_method(method):
            raise ConfigError(
                f"环境变量 NIANBAO_LLM_METHOD 无效（{method}），应为 {' / '.join(METHODS)} 之一"
            )
        context = int(_positive(env, "NIANBAO_LLM_CONTEXT", preset.context))
        return cls(
            model=model,
            base_url=base_url,
            api_key=api_key,
            provider=provider,
            method=method,
            timeout=_positive(env, "NIANBAO_LLM_TIMEOUT", cls.timeout),
            backoff=_positive(env, "NIANBAO_LLM_BACKOFF", cls.backoff),
            budget=_positive(env, "NIANBAO_LLM_BUDGET", cls.budget),
            max_output_tokens=min(preset.max_output, context // 2),
            max_input_tokens=int(_positive(env, "NIANBAO_LLM_MAX_INPUT_TOKENS", cls.max_input_tokens)),
            length_field=preset.length_field,
            tokens_per_cjk=preset.tokens_per_cjk,
            context=context,
            extra_body={**preset.body, **_extra_body(env)},
        )


def _is_method(value: str) -> TypeGuard[Method]:
    return value in METHODS


def _extra_body(env: Mapping[str, str]) -> dict[str, Any]:
    raw = env.get("NIANBAO_LLM_EXTRA_BODY") or ""
    if not raw.strip():
        return {}
    import json  # here: only this setting is JSON, and json costs every review's start (issue 12)

    try:
        value = json.loads(raw)
    except ValueError as exc:
        raise ConfigError(f"环境变量 NIANBAO_LLM_EXTRA_BODY 不是有效的 JSON（{exc}）") from None
    if not isinstance(value, dict):
        raise ConfigError('环境变量 NIANBAO_LLM_EXTRA_BODY 应为 JSON 对象，例如 {"top_p": 0.8}')
    return value


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
