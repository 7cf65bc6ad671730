"""``nianbao llm check``: one tiny structured request through the same client, preset and
method as a review, to tell whether a configuration works before a batch depends on it."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from pydantic import BaseModel

from ..models import LLMCall
from .settings import LLMSettings

WORD = "年报"
_SYSTEM = '只输出一个 JSON 对象，格式为 {{"ok": true, "echo": "用户给出的词"}}，不要输出其他文字。'


class Echo(BaseModel):
    ok: bool
    echo: str


@dataclass
class CheckResult:
    settings: LLMSettings
    reached: bool = False  # the endpoint answered and knows the model
    structured: bool = False  # the answer fitted the schema and echoed the word
    latency_ms: int = 0
    call: LLMCall | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def status(self) -> int:
        """0 works; 1 answers, but not in the structured form asked; 2 unreachable, refused or no such model."""
        return 0 if self.reached and self.structured else 1 if self.reached else 2

    def lines(self) -> list[str]:
        s = self.settings
        out = [f"大模型服务：{s.provider}（{s.endpoint}，模型 {s.model}，结构化方式 {s.method}）"]
        out.append(("✓" if self.reached else "✗") + (" 模型可用" if self.reached else " 无法使用该模型"))
        if self.reached:
            out.append(
                ("✓" if self.structured else "✗")
                + (
                    " 按要求返回了 JSON"
                    if self.structured
                    else " 没有按要求返回 JSON，请换 NIANBAO_LLM_METHOD 或模型"
                )
            )
        out += [f"  {p}" for p in self.problems]
        if self.call:
            out.append(
                f"用时 {self.latency_ms} 毫秒，输入 {self.call.tokens_in}（缓存 {self.call.tokens_cached}）"
                f"/ 输出 {self.call.tokens_out} tokens"
            )
        return out


def check(settings: LLMSettings) -> CheckResult:
    from .llm import LLMFailure, StructuredLLM  # imports langchain and openai: only here

    result = CheckResult(settings)
    call = LLMCall(model=settings.model, prompt="llm-check", attempts=0)
    llm = StructuredLLM(settings, Echo, report=result.problems.append)
    start = time.perf_counter()
    try:
        answer = llm.ask(
            [("system", _SYSTEM), ("human", f"词：{WORD}")],
            lambda error: f"格式不对（{error}），请只输出 JSON 对象。",
            call,
            time.monotonic() + settings.timeout * 2,
        )
    except LLMFailure as exc:  # its reason is in result.problems already
        result.reached = exc.answered
    else:
        result.reached = True
        result.structured = answer.ok and answer.echo.strip() == WORD
        if not result.structured:
            result.problems.append(f"回答的内容不对：{answer.model_dump_json()[:80]}")
    result.latency_ms = round((time.perf_counter() - start) * 1000)
    result.call = call
    return result
