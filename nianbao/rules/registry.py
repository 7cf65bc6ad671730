"""One registry of rules. Each rule is a small function with its id, severity and a docstring
that ``nianbao rules ID`` prints, the way ruff documents its rules."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .context import Context

DETECTIONS = {"D": "确定性（规则/算术）", "L": "需大模型（无模型时为启发式）", "D+L": "确定性初筛，大模型确认"}


@dataclass(slots=True)
class Hit:
    """What a check reports; the engine turns it into a Finding."""

    message: str
    evidence: str = ""
    line: int | None = None
    cell: str | None = None
    page: int | None = None
    severity: str | None = None  # only where the spec grades one rule two ways
    part: str | None = None


Check = Callable[["Context"], Iterable[Hit]]


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    severity: str
    part: str | None
    detection: str
    doc: str
    check: Check | None  # None: produced by the narrative review (LLM or heuristic)

    @property
    def summary(self) -> str:
        return self.doc.splitlines()[0] if self.doc else ""


REGISTRY: dict[str, Rule] = {}


def rule(rule_id: str, severity: str, part: str | None = None, detection: str = "D"):
    """Register a deterministic check."""

    def register(fn: Check) -> Check:
        _add(Rule(rule_id, severity, part, detection, inspect.cleandoc(fn.__doc__ or ""), fn))
        return fn

    return register


def narrative_rule(rule_id: str, severity: str, part: str | None, doc: str, detection: str = "L") -> None:
    """Register a rule whose findings come from the narrative review, not from a check here."""
    _add(Rule(rule_id, severity, part, detection, inspect.cleandoc(doc), None))


def _add(r: Rule) -> None:
    if r.id in REGISTRY:
        raise ValueError(f"duplicate rule id {r.id}")
    REGISTRY[r.id] = r
