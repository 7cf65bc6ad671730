"""The narrative review by LLM: the narrative alone, one request per chunk, every answer
verified by code, findings derived by code. If the LLM fails, the heuristic takes over and one
info finding says why — the deterministic review is never held up or changed."""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import replace

from extractors.document import Paragraph
from extractors.extract import Extraction

from ..claims import METRICS
from ..config import Config, ConfigError
from ..models import AspectStatus, Claim, Finding, FindingSource, LLMCall, Narrative
from ..rules import REGISTRY
from ..rules.context import Context
from .aspects import JUDGED, coverage_findings, merge, required
from .findings import OBSERVATION_RULES, claim_findings, finding, unavailable_finding
from .heuristic import heuristic_review
from .inputs import FRONT, Chunk, estimate_tokens, narrative_paragraphs, split_by_part
from .llm import LLMFailure, StructuredLLM, over_budget
from .prices import Price, price_table
from .prompts import Prompt, load_prompt
from .schema import NarrativeOut
from .settings import LLMSettings
from .verify import QuoteIndex, normalise, verify

SOURCE: FindingSource = "llm"
PROMPT = "narrative_review"
_PART_NAMES = {FRONT: "前文", "一": "第一部分", "五": "第五部分", "六": "第六部分"}


def vocabulary() -> dict[str, str]:
    """The lists the prompt names, from their single sources in the code (tersely: every
    character of the system prompt is paid for on every report)."""
    return {
        "aspects": " ".join(f"{a.key}={a.short}" for a in JUDGED),
        "metrics": " ".join(f"{m}={name}" for m, (_, name) in METRICS.items()),
        "rules": " ".join(f"{r}={re.split('[，（。]', REGISTRY[r].summary)[0]}" for r in OBSERVATION_RULES),
    }


class LLMReviewer:
    """A NarrativeReviewer. Thread-safe: batches call one instance from many threads."""

    def __init__(self, settings: LLMSettings, prices: dict[str, Price] | None = None):
        self.settings = settings
        self.prompt: Prompt = load_prompt(PROMPT, vocabulary())
        self.price = (price_table() if prices is None else prices).get(settings.model)
        self.llm = StructuredLLM(settings, NarrativeOut)
        self.input_budget = self._input_budget()

    def _input_budget(self) -> int:
        """Report tokens per request: NIANBAO_LLM_MAX_INPUT_TOKENS, and within the model's window
        what the instructions and the answer leave (Ollama's 4096 tokens cut a prompt silently)."""
        budget = self.settings.max_input_tokens
        if self.settings.context:
            fixed = estimate_tokens(
                self.prompt.system + self.prompt.user.template, self.settings.tokens_per_cjk
            )
            fixed += 64  # the issuer, year, parts and aspect keys filled into the user message
            budget = min(budget, self.settings.context - self.settings.max_output_tokens - fixed)
        if budget < 200:
            raise ConfigError(
                f"模型上下文（{self.settings.context} tokens）放不下提示词和回答，"
                "请增大 NIANBAO_LLM_CONTEXT（并相应配置模型服务）"
            )
        return budget

    def __call__(self, ex: Extraction, config: Config) -> tuple[Narrative, list[Finding]]:
        ctx = Context(ex, config)
        paragraphs = narrative_paragraphs(ex)
        calls: list[LLMCall] = []
        answers: list[tuple[Chunk, NarrativeOut]] = []
        deadline = time.monotonic() + self.settings.budget
        try:
            for chunk in split_by_part(paragraphs, ex, self.input_budget, self.settings.tokens_per_cjk):
                if time.monotonic() >= deadline:
                    raise over_budget(self.settings)
                calls.append(
                    LLMCall(
                        model=self.settings.model,
                        prompt=self.prompt.id,
                        parts="".join(chunk.parts),
                        attempts=0,
                    )
                )
                answers.append(
                    (chunk, self.llm.ask(self._messages(ex, chunk), self._reask, calls[-1], deadline))
                )
        except LLMFailure as exc:
            return self._degraded(ctx, calls, exc.reason)
        except Exception as exc:  # a bug while asking costs the LLM's part; later ones: nianbao.review
            if calls:
                calls[-1].ok, calls[-1].error = False, repr(exc)[:200]
            return self._degraded(ctx, calls, f"内部错误（{exc.__class__.__name__}）")
        return self._review(ctx, paragraphs, answers, calls)

    def _messages(self, ex: Extraction, chunk: Chunk) -> list[tuple[str, str]]:
        parts = "、".join(_PART_NAMES[p] for p in chunk.parts)
        if chunk.partial:
            parts += "（该部分较长，这里只是其中一段，其余在另一次请求中）"
        keys = [a.key for a in required(ex, chunk.parts)]
        user = self.prompt.user.substitute(
            issuer=ex.meta.issuer or "未识别",
            kind="人民政府" if ex.meta.is_people_government else "非人民政府",
            year=ex.meta.year or "未识别",
            parts=parts,
            aspect_keys="、".join(keys) or "无",
            report=chunk.text,
        )
        return [("system", self.prompt.system), ("human", user)]

    def _reask(self, error: str) -> str:
        return self.prompt.reask.substitute(error=error)

    def _record(self, calls: list[LLMCall]) -> dict:
        """What the narrative block records of the LLM: model, prompt, and the cost of every call."""
        if self.price is not None:
            for c in calls:
                c.cost, c.currency = (
                    round(self.price.cost(c.tokens_in, c.tokens_cached, c.tokens_out), 6),
                    self.price.currency,
                )
        tokens = {k: sum(getattr(c, k) for c in calls) for k in ("tokens_in", "tokens_cached", "tokens_out")}
        # with a price every call's cost is set just above: `or 0.0` only tells the type checker so
        cost = None if self.price is None else round(sum(c.cost or 0.0 for c in calls), 6)
        return dict(
            model=self.settings.model,
            prompt=self.prompt.id,
            prompt_sha256=self.prompt.sha256,
            calls=calls,
            **tokens,
            cost=cost,
            currency=self.price and self.price.currency,
            latency_ms=sum(c.latency_ms for c in calls),
        )

    def _review(
        self,
        ctx: Context,
        paragraphs: list[Paragraph],
        answers: list[tuple[Chunk, NarrativeOut]],
        calls: list[LLMCall],
    ) -> tuple[Narrative, list[Finding]]:
        index = QuoteIndex(paragraphs, ctx.ex.part_of, {h.line for h in ctx.ex.parts})
        statuses: list[AspectStatus] = []
        claims: list[Claim] = []
        notes: list[Finding] = []
        dropped: Counter = Counter()
        for chunk, out in answers:
            checked = verify(out, index, {a.key for a in required(ctx.ex, chunk.parts)})
            statuses += checked.aspects
            claims += checked.claims
            dropped += checked.dropped
            notes += [
                finding(
                    ctx,
                    o.rule,
                    o.message.strip()[:150] or REGISTRY[o.rule].summary,
                    SOURCE,
                    o.quote.strip(),
                    line,
                )
                for o, line in checked.observations
            ]
        aspects = merge(statuses)
        findings = coverage_findings(aspects, ctx, SOURCE) + claim_findings(claims, ctx, SOURCE)
        seen = set()
        for f in notes:  # the same observation twice in one answer, or from two requests
            key = (f.rule, f.location.line, normalise(f.evidence))
            if key not in seen:
                seen.add(key)
                findings.append(f)
        note = f"叙述较长，按部分分 {len(answers)} 次请求审阅" if len(answers) > 1 else None
        if not answers:
            note = "没有叙述文字，未调用大模型"
        summary = " ".join(out.summary.strip() for _, out in answers if out.summary.strip())
        return Narrative(
            method="llm",
            aspects=aspects,
            claims=claims,
            summary=summary,
            dropped_quotes=sum(dropped.values()),
            dropped=dict(sorted(dropped.items())),
            note=note,
            **self._record(calls),
        ), findings

    def _degraded(self, ctx: Context, calls: list[LLMCall], reason: str) -> tuple[Narrative, list[Finding]]:
        narrative, findings = heuristic_review(ctx.ex, ctx.config)
        record = self._record(calls)
        attempts = sum(c.attempts for c in calls)
        note = f"大模型审阅不可用：{reason}，{attempts} 次尝试，用时 {record['latency_ms']} ms；叙述部分改用启发式检查"
        return replace(narrative, **record, note=note), findings + [
            unavailable_finding(ctx, reason, attempts)
        ]
