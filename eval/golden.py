"""The golden review of a case and the difference between two of them.

Golden: what code decides, exact — ``{"tables": canonical cells (spec §3, without cells_raw),
"findings": [{"rule", "part", "cell", "line", "source"}] of the rules and the heuristic}``, and
``"dropped_quotes"`` for a scripted case (its hand-written answer is the point of the case). What
a model decides — aspect statuses, LLM findings, dropped quotes — varies from model to model and
run to run: it is scored against the case's labels (scores.py), never compared exactly. Messages
and evidence are left out on purpose: wording may change, what is found and where may not.
Findings match on (rule, part, cell, line); a matched finding from another source is still a
difference.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from nianbao.models import PARTS, Review

MATCH = ("rule", "part", "cell", "line")
GOLDEN_KEYS = ("tables", "findings")


def match_key(finding: dict) -> tuple:
    return tuple(finding.get(k) for k in MATCH)


def _order(finding: dict) -> tuple:
    part = PARTS.index(finding["part"]) if finding["part"] in PARTS else -1
    return part, finding["line"] or 0, finding["rule"], finding["cell"] or "", finding["source"]


def _finding(f) -> dict:
    return {
        "rule": f.rule,
        "part": f.part,
        "cell": f.location.cell,
        "line": f.location.line,
        "source": f.source,
    }


def golden_of(review: Review, scripted: bool = False) -> dict:
    findings = [_finding(f) for f in review.findings if f.source != "llm"]
    golden = {
        "tables": {k: v for k, v in review.tables.items() if k != "cells_raw"},
        "findings": sorted(findings, key=_order),
    }
    return {**golden, "dropped_quotes": review.narrative.dropped_quotes} if scripted else golden


def judged_of(review: Review) -> dict:
    """What the model decided, for scoring: aspect statuses and the LLM's findings."""
    return {
        "aspects": {a.aspect: a.status for a in review.narrative.aspects},
        "findings": sorted((_finding(f) for f in review.findings if f.source == "llm"), key=_order),
    }


@dataclass
class Diff:
    missing: list[dict] = field(default_factory=list)  # golden findings not found
    unexpected: list[dict] = field(default_factory=list)  # findings the golden does not have
    sources: list[tuple[dict, str]] = field(default_factory=list)  # (golden finding, source found)
    cells: list[tuple[str, Any, Any]] = field(default_factory=list)  # (cell, golden, found)
    dropped: tuple[int | None, int | None] | None = None  # (golden, found); None: not given

    def __bool__(self) -> bool:
        return bool(self.missing or self.unexpected or self.sources or self.cells or self.dropped)

    @property
    def deterministic(self) -> bool:
        """The tables or a deterministic finding changed: a bug to fix, not a golden to update."""
        return bool(self.cells) or any(f["source"] == "rule" for f in self.missing + self.unexpected)


def _flatten(node: Any, prefix: str = "") -> dict[str, Any]:
    if not isinstance(node, dict):
        return {prefix: node}
    out: dict[str, Any] = {}
    for key, value in node.items():
        out.update(_flatten(value, f"{prefix}.{key}" if prefix else key))
    return out


def _group(findings: list[dict]) -> dict[tuple, list[dict]]:
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for f in findings:
        groups[match_key(f)].append(f)
    return groups


def diff(golden: dict, found: dict) -> Diff:
    d = Diff()
    want, got = _group(golden["findings"]), _group(found["findings"])
    for key in sorted(want.keys() | got.keys(), key=lambda k: _order(dict(zip(MATCH, k), source=""))):
        w = sorted(want.get(key, []), key=lambda f: f["source"])
        g = sorted(got.get(key, []), key=lambda f: f["source"])
        n = min(len(w), len(g))
        d.missing += w[n:]
        d.unexpected += g[n:]
        d.sources += [(a, b["source"]) for a, b in zip(w[:n], g[:n]) if a["source"] != b["source"]]
    cells_w, cells_g = _flatten(golden["tables"]), _flatten(found["tables"])
    d.cells = [
        (c, cells_w.get(c), cells_g.get(c))
        for c in sorted(cells_w.keys() | cells_g.keys())
        if cells_w.get(c) != cells_g.get(c)
    ]
    if golden.get("dropped_quotes") != found.get("dropped_quotes"):
        d.dropped = (golden.get("dropped_quotes"), found.get("dropped_quotes"))
    return d
