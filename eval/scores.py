"""Per-rule scores over all cases: how many findings the goldens expect, how many the run found,
how many of those match (rule, part, cell, line), and so precision and recall. A reviewer sees
which rule got better or worse, not only that something changed."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from nianbao.rules import REGISTRY

from .compare import match_key
from .runner import Outcome


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
class Scores:
    rules: dict[str, Score]  # in registry order
    total: Score
    deterministic: Score  # the rules with a deterministic check: must always be perfect


def score(outcomes: list[Outcome]) -> Scores:
    """Over the cases that have a golden file and were reviewed."""
    per_rule: dict[str, Score] = {}
    for o in outcomes:
        if o.found is None or o.case.expected is None:
            continue
        want = Counter(match_key(f) for f in o.case.expected["findings"])
        got = Counter(match_key(f) for f in o.found["findings"])
        for key in want.keys() | got.keys():
            s = per_rule.setdefault(key[0], Score())  # key[0]: the rule id
            s += Score(want[key], got[key], min(want[key], got[key]))
    order = {rule: i for i, rule in enumerate(REGISTRY)}
    rules = dict(sorted(per_rule.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])))
    total, deterministic = Score(), Score()
    for rule, s in rules.items():
        total += s
        if rule in REGISTRY and REGISTRY[rule].check is not None:
            deterministic += s
    return Scores(rules, total, deterministic)
