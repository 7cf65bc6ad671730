"""Re-review: which findings of the previous review of the same issuer and year were fixed, which are
new and which are still open."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from nianbao.models import Finding


@dataclass(frozen=True)
class Comparison:
    previous_at: datetime
    same_content: bool
    fixed: list[Finding]
    new: list[Finding]
    still_open: list[Finding]


def key(f: Finding) -> tuple:
    """The same problem across versions: a finding about a cell is keyed by the cell (its message
    carries the numbers, which change when the report is edited); others by evidence, else message."""
    return (f.rule, f.part, f.location.cell or f.evidence or f.message)


def compare(
    previous: list[Finding], current: list[Finding], previous_at: datetime, same_content: bool = False
) -> Comparison:
    left = Counter(key(f) for f in previous)
    still_open, new = [], []
    for f in current:
        k = key(f)
        if left[k] > 0:
            left[k] -= 1
            still_open.append(f)
        else:
            new.append(f)
    fixed = []
    for f in previous:  # the unmatched remainder, in the previous review's order
        k = key(f)
        if left[k] > 0:
            left[k] -= 1
            fixed.append(f)
    return Comparison(previous_at, same_content, fixed, new, still_open)
