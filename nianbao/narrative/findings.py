"""Findings of the narrative review, built through the rule registry (ids, severities, config
overrides). Every function here only adds findings; none sees or touches the deterministic ones."""

from __future__ import annotations

from extractors.part6 import part6_items

from ..claims import mismatch_message, regex_claims
from ..models import Claim, Finding, FindingSource
from ..rules import REGISTRY, to_finding
from ..rules.context import Context
from ..rules.registry import Hit
from ..rules.section6_rules import item_empty

# Text rules the LLM reports as observations; coverage rules come from the aspects (aspects.py).
OBSERVATION_RULES = (
    "boilerplate-text",
    "foreign-text-pasted",
    "typo",
    "narrative-internal-inconsistency",
    "scope-unclear",
)


def finding(
    ctx: Context,
    rule_id: str,
    message: str,
    source: FindingSource,
    evidence: str = "",
    line: int | None = None,
) -> Finding:
    return to_finding(REGISTRY[rule_id], Hit(message, evidence=evidence, line=line), ctx, source)


def claim_findings(claims: list[Claim], ctx: Context, source: FindingSource) -> list[Finding]:
    """narrative-table-mismatch for claims that contradict the tables, compared by code; a
    mismatch the deterministic rule already reports (the same metric and value) is not repeated."""
    tables = ctx.ex.tables
    seen = {(c.metric, c.value) for c in regex_claims(ctx.narrative) if mismatch_message(c, tables)}
    out = []
    for claim in claims:
        message = mismatch_message(claim, tables)
        if message and (claim.metric, claim.value) not in seen:
            seen.add((claim.metric, claim.value))
            out.append(finding(ctx, "narrative-table-mismatch", message, source, claim.quote, claim.line))
    return out


def already_empty_lines(ctx: Context) -> set[int]:
    """Every line of the part 六 items the deterministic section6-item-empty rule reports, so
    the narrative review does not report them again."""
    flagged = {hit.line for hit in item_empty(ctx)}
    return {
        line
        for item in part6_items(ctx.ex)
        if item.heading.line in flagged
        for line in (item.heading.line, *(p.line for p in item.body))
    }


def unavailable_finding(ctx: Context, reason: str, attempts: int) -> Finding:
    return finding(
        ctx,
        "narrative-review-unavailable",
        f"大模型审阅不可用：{reason}，共尝试 {attempts} 次；叙述部分改用启发式检查，确定性检查结果不受影响",
        "rule",
    )
