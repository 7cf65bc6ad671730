"""What a review's tokens cost: a price table per model (per million tokens: input, cached input,
output), built in for the presets' default models and overridden or extended with
``NIANBAO_LLM_PRICES`` (JSON). Output is most of the cost of a narrative review, and a stable
system prompt is mostly read from the provider's cache, so all three are counted.

Built-in prices: DeepSeek's price page (peak hours, 元; off-peak is half) and OpenAI's announced
price of gpt-5.4-mini (US$, cached input at a tenth). Models without a price get no cost, never a
guessed one."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping

from pydantic import BaseModel, ValidationError

from ..config import ConfigError


class Price(BaseModel):
    input: float
    cached: float
    output: float
    currency: str = "元"

    def cost(self, tokens_in: int, tokens_cached: int, tokens_out: int) -> float:
        fresh = max(tokens_in - tokens_cached, 0)
        return (fresh * self.input + tokens_cached * self.cached + tokens_out * self.output) / 1_000_000


BUILT_IN = {
    "deepseek-flash": Price(input=2.0, cached=0.04, output=8.0),
    "deepseek-v4-flash": Price(input=2.0, cached=0.04, output=8.0),  # the old name, served by the same model
    "deepseek-v4-pro": Price(input=9.0, cached=0.3, output=27.0),
    "gpt-5.4-mini": Price(input=0.75, cached=0.075, output=4.5, currency="US$"),
}


def price_table(env: Mapping[str, str] = os.environ) -> dict[str, Price]:
    """The built-in table with ``NIANBAO_LLM_PRICES`` on top, e.g.
    ``{"qwen-plus": {"input": 0.8, "cached": 0.16, "output": 2, "currency": "元"}}``."""
    raw = env.get("NIANBAO_LLM_PRICES") or ""
    if not raw.strip():
        return dict(BUILT_IN)
    try:
        extra = {model: Price.model_validate(p) for model, p in json.loads(raw).items()}
    except (ValueError, AttributeError, ValidationError) as exc:
        raise ConfigError(
            f"环境变量 NIANBAO_LLM_PRICES 无效：应为 {{模型: {{input, cached, output, currency}}}}（{str(exc)[:80]}）"
        ) from None
    return {**BUILT_IN, **extra}
