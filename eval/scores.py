"""What the eval measures, over all cases of one run:

- per rule, how many findings are expected, found and matching (rule, part, cell, line), so
  precision and recall: the rules' and the heuristic's against the goldens (``source == "rule"``
  alone makes the deterministic score, which must be perfect), the LLM's against the labels;
- per aspect, a confusion matrix of the labelled status against the model's;
- the provenance of the answers (written by hand, or recorded from which model), and the tokens
  and estimated cost of the run.

Thresholds (``eval/thresholds.json``) replace exact snapshots for what a model decides: a real
model varies from run to run, a threshold says how much of that is acceptable."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel

from nianbao.rules import REGISTRY

from .cases import REFERENCE_MODEL
from .golden import match_key
from .runner import CaseOutcome

STATUSES = ("covered", "partial", "missing", None)  # None: the model gave no (verified) status
THRESHOLDS = Path(__file__).parent / "thresholds.json"


class Thresholds(BaseModel):
    llm_precision: float
    llm_recall: float
    aspect_accuracy: float


def thresholds(path: Path = THRESHOLDS) -> Thresholds:
    return Thresholds.model_validate(json.loads(path.read_text(encoding="utf-8")))


@dataclass
class Score:
    expected: int = 0
    found: int = 0
    hits: int = 0

    @property
    def precision(self) -> float | None:
        return self.hits / self.found if self.found else None

    @property
    def recall(self) -> float | None:
        return self.hits / self.expected if self.expected else None

    @property
    def perfect(self) -> bool:
        return self.hits == self.expected == self.found

    def __iadd__(self, other: Score) -> Score:
        self.expected += other.expected
        self.found += other.found
        self.hits += other.hits
        return self


@dataclass
class Confusion:
    """Labelled status -> the model's status -> cases."""

    cells: dict[str, Counter] = field(default_factory=dict)

    def add(self, labelled: str, found: str | None) -> None:
        self.cells.setdefault(labelled, Counter())[found] += 1

    @property
    def total(self) -> int:
        return sum(sum(row.values()) for row in self.cells.values())

    @property
    def agreed(self) -> int:
        return sum(row[label] for label, row in self.cells.items())


@dataclass
class Scores:
    rules: dict[str, Score]  # the goldens' findings (rules and heuristic), in registry order
    deterministic: Score  # source == "rule" only: must always be perfect
    llm: dict[str, Score]  # the LLM's findings against the labels
    llm_total: Score
    aspects: dict[str, Confusion]
    provenance: Counter  # source of each answer used -> answers
    tokens: Counter  # tokens_in, tokens_cached, tokens_out
    cost: dict[str, float]  # currency -> estimated cost
    unpriced: bool  # some answers came from a model without a price

    @property
    def aspect_accuracy(self) -> float | None:
        total = sum(c.total for c in self.aspects.values())
        return sum(c.agreed for c in self.aspects.values()) / total if total else None

    def below(self, limits: Thresholds) -> list[str]:
        """The thresholds this run misses, one Chinese line each."""
        checks = (
            ("大模型发现的精确率", self.llm_total.precision, limits.llm_precision),
            ("大模型发现的召回率", self.llm_total.recall, limits.llm_recall),
            ("方面判断的一致率", self.aspect_accuracy, limits.aspect_accuracy),
        )
        return [
            f"{name} {value * 100:.1f}% 低于阈值 {limit * 100:.0f}%"
            for name, value, limit in checks
            if value is not None and value < limit
        ]


def _order(scores: dict[str, Score]) -> dict[str, Score]:
    order = {rule: i for i, rule in enumerate(REGISTRY)}
    return dict(sorted(scores.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])))


def _count(per_rule: dict[str, Score], want: Counter, got: Counter) -> None:
    for key in want.keys() | got.keys():
        per_rule.setdefault(key[0], Score()).__iadd__(Score(want[key], got[key], min(want[key], got[key])))


def score(outcomes: list[CaseOutcome]) -> Scores:
    """Over the cases that were reviewed; goldens and labels where the case has them."""
    rules: dict[str, Score] = {}
    deterministic = Score()
    llm: dict[str, Score] = {}
    aspects: dict[str, Confusion] = {}
    provenance: Counter = Counter()
    tokens: Counter = Counter()
    cost: Counter = Counter()
    unpriced = False
    for o in outcomes:
        if o.found is None:
            continue
        judged, n = o.judged, o.narrative
        assert judged is not None and n is not None  # the runner sets them together with found
        if o.case.expected is not None:
            want = Counter(match_key(f) for f in o.case.expected["findings"])
            got = Counter(match_key(f) for f in o.found["findings"])
            _count(rules, want, got)
            want = Counter(match_key(f) for f in o.case.expected["findings"] if f["source"] == "rule")
            got = Counter(match_key(f) for f in o.found["findings"] if f["source"] == "rule")
            deterministic += Score(sum(want.values()), sum(got.values()), sum((want & got).values()))
        labels = o.case.labels
        # a scripted answer tests the code, not a model; a draft is no yardstick yet
        if labels is not None and labels.reviewed and not o.case.scripted:
            want = Counter((f.rule, f.part, None, f.line) for f in labels.findings)
            _count(llm, want, Counter(match_key(f) for f in judged["findings"]))
            for aspect, status in labels.aspects.items():
                aspects.setdefault(aspect, Confusion()).add(status, judged["aspects"].get(aspect))
        provenance.update(e.get("source") or REFERENCE_MODEL for e in o.used.values() if "status" not in e)
        # getattr: a --baseline revision's Narrative may predate the cache and cost fields
        tokens.update(
            tokens_in=n.tokens_in, tokens_cached=getattr(n, "tokens_cached", 0), tokens_out=n.tokens_out
        )
        if (spent := getattr(n, "cost", None)) is not None:
            cost[n.currency] += spent
        elif n.calls:
            unpriced = True
    llm_total = Score()
    for s in llm.values():
        llm_total += s
    return Scores(
        _order(rules),
        deterministic,
        _order(llm),
        llm_total,
        dict(sorted(aspects.items())),
        provenance,
        tokens,
        dict(cost),
        unpriced,
    )
