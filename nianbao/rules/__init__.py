"""All rules, registered in one place (``REGISTRY``), and the engine that runs them."""

from __future__ import annotations

from extractors.extract import Extraction

from ..config import Config
from ..models import Finding, FindingSource, Location
from . import (  # noqa: F401  (importing registers the rules)
    contact_rules,
    cross_year_rules,
    date_rules,
    narrative_rules,
    ocr_rules,
    relations,
    section6_rules,
    structure_rules,
    table_rules,
    text_rules,
)
from .context import Context
from .cross_year_rules import is_predecessor
from .registry import REGISTRY, Hit, Rule

__all__ = ["REGISTRY", "Rule", "run_rules", "to_finding"]


def to_finding(rule: Rule, hit: Hit, ctx: Context, source: FindingSource = "rule") -> Finding:
    severity = ctx.config.severity.get(rule.id) or hit.severity or rule.severity
    if hit.doubtful and severity == "error":
        severity = "warning"  # a cell OCR may have misread is a question for a person, never an error
    page, page_line = ctx.pages.get(hit.line, (None, None)) if hit.line else (None, None)
    return Finding(
        rule=rule.id,
        severity=severity,
        part=hit.part or rule.part or ctx.ex.part_of(hit.line),
        message=hit.message,
        evidence=hit.evidence,
        location=Location(
            line=hit.line, page=hit.page if hit.page is not None else page, page_line=page_line, cell=hit.cell
        ),
        source=source,
    )


def run_rules(
    ex: Extraction, config: Config | None = None, previous: Extraction | None = None
) -> list[Finding]:
    if previous is not None and not is_predecessor(previous, ex):
        previous = None  # another body's or another year's report says nothing about this one
    ctx = Context(ex, config or Config(), previous)
    findings = []
    for rule in REGISTRY.values():
        if rule.check is None or rule.id in ctx.config.disable:
            continue
        findings += [to_finding(rule, hit, ctx) for hit in rule.check(ctx)]
    return findings
