"""One registry of rules. A rule is one declarative unit: its id, severity, part, detection, the
spec paragraph it implements and its documentation, whose fixed Chinese sections
(做什么 / 为什么 / 示例 / 如何改正) ``nianbao rules ID`` prints and the generated docs quote."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from ..models import Severity

if TYPE_CHECKING:
    from .context import Context

Detection = Literal["D", "L", "D+L"]
Part = Literal["一", "二", "三", "四", "五", "六"]
DETECTIONS: dict[Detection, str] = {
    "D": "确定性判定（规则或算术）",
    "L": "由大模型判断（未配置大模型时用启发式检查）",
    "D+L": "规则初筛，大模型补充确认",
}
SECTIONS = ("做什么", "为什么", "示例", "如何改正")
_SECTION = re.compile(rf"^({'|'.join(SECTIONS)})：", re.M)


@dataclass(slots=True)
class Hit:
    """What a check reports; the engine turns it into a Finding."""

    message: str
    evidence: str = ""
    line: int | None = None
    cell: str | None = None
    page: int | None = None
    severity: Severity | None = None  # only where the spec grades one rule two ways
    part: str | None = None
    doubtful: bool = False  # read from an OCR cell too uncertain to call an error on


Check = Callable[["Context"], Iterable[Hit]]


def doc_sections(doc: str) -> dict[str, str]:
    """The documentation's sections, by heading, in the order written; the summary line excluded."""
    pieces = _SECTION.split(doc)
    return {pieces[i]: pieces[i + 1].strip() for i in range(1, len(pieces) - 1, 2)}


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule of the registry: what ``nianbao rules`` lists and a finding names."""

    id: str
    severity: Severity
    part: Part | None
    detection: Detection
    spec: str  # the paragraph of docs/annual-report-format.md, e.g. 「§4.1 R-T3-BAL」
    doc: str
    check: Check | None  # None: produced by the narrative review (LLM or heuristic)

    @property
    def summary(self) -> str:
        return self.doc.splitlines()[0] if self.doc else ""

    @property
    def sections(self) -> dict[str, str]:
        return doc_sections(self.doc)


REGISTRY: dict[str, Rule] = {}


def rule(
    rule_id: str, severity: Severity, part: Part | None = None, *, spec: str, detection: Detection = "D"
):
    """Register a deterministic check; its docstring is the rule's documentation."""

    def register(fn: Check) -> Check:
        add(Rule(rule_id, severity, part, detection, spec, inspect.cleandoc(fn.__doc__ or ""), fn))
        return fn

    return register


def narrative_rule(
    rule_id: str, severity: Severity, part: Part | None, doc: str, *, spec: str, detection: Detection = "L"
) -> None:
    """Register a rule whose findings come from the narrative review, not from a check here."""
    add(Rule(rule_id, severity, part, detection, spec, inspect.cleandoc(doc), None))


def add(r: Rule) -> None:
    if r.id in REGISTRY:
        raise ValueError(f"duplicate rule id {r.id}")
    REGISTRY[r.id] = r
