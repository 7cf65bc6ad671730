"""Everything the LLM says is checked by code before it counts, for what it claims:

- a quote must occur in the narrative that was sent (after NFKC, whitespace and punctuation are
  normalised away);
- an aspect's quote must lie inside the part the aspect belongs to, and be more than a heading
  (「一、总体情况」 or 「（一）主动公开」 proves nothing about what the part says);
- a claim's quote must name its metric (claims.KEYWORDS) and state its value.

Items that fail are dropped and counted by reason (``REASONS``)."""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import Counter
from collections.abc import Set
from dataclasses import dataclass, field

from extractors.document import Paragraph
from extractors.normalize import ORDINAL_RE, cn_int, fold

from ..claims import names_metric
from ..models import AspectStatus, Claim
from .aspects import BY_KEY
from .inputs import FRONT
from .schema import NarrativeOut, ObservationOut

_LINE_PREFIX = re.compile(r"^\s*\d{1,5}\s*[:：]\s*")  # the model copied our 「行号: 」 too
_NUMBER = re.compile(r"\d+|[零〇一二两三四五六七八九十百]+")
_NONE = re.compile(r"未|无|没有|零|(?<!\d)0(?!\d)")
_HEADING_MAX = 24  # characters: a longer ordinal line is a sentence with a number in front
# why an item was dropped, as the review reports it
REASONS = {
    "not_found": "原文中找不到引文",
    "wrong_part": "引文不在该方面所属部分",
    "heading_only": "引文只是标题",
    "metric_not_named": "引文没有提到该指标",
    "value_not_stated": "引文没有写出该数值",
}


def normalise(text: str) -> str:
    return "".join(ch for ch in fold(text) if not unicodedata.category(ch).startswith("P"))


def is_heading(text: str) -> bool:
    """「（一）主动公开情况」, not 「（三）建议提案办理情况：无」, whose answer follows the colon."""
    folded = fold(text).strip().rstrip("。：:")
    return (
        bool(ORDINAL_RE.match(folded))
        and len(folded) <= _HEADING_MAX
        and not any(mark in folded for mark in "。：:")
    )


@dataclass(frozen=True)
class Located:
    line: int | None
    problem: str | None = None  # a key of REASONS


class QuoteIndex:
    """The narrative as sent, normalised per paragraph and as one run (for quotes across lines),
    with the part each line belongs to and which lines are headings."""

    def __init__(
        self, paragraphs: list[Paragraph], part_of=lambda line: None, heading_lines: Set[int] = frozenset()
    ):
        self.lines = [(p.line, normalise(p.text)) for p in paragraphs]
        self.parts = {p.line: part_of(p.line) or FRONT for p in paragraphs}
        self.headings = {
            normalise(p.text) for p in paragraphs if p.line in heading_lines or is_heading(p.text)
        }
        self.starts = []
        offset = 0
        for _, text in self.lines:
            self.starts.append(offset)
            offset += len(text)
        self.joined = "".join(text for _, text in self.lines)

    def _occurrences(self, q: str) -> list[int]:
        hits = [line for line, text in self.lines if q in text]
        if hits:
            return hits
        found, start = [], self.joined.find(q)
        while start >= 0:
            found.append(self.lines[bisect.bisect_right(self.starts, start) - 1][0])
            start = self.joined.find(q, start + 1)
        return found

    def locate(self, quote: str, hint: int | None = None, part: str | None = None) -> Located:
        """Where the quote occurs (the hinted line when it is there too; inside ``part`` when
        given), or why it does not count."""
        q = normalise(_LINE_PREFIX.sub("", quote))
        if len(q) < 2:
            return Located(None, "not_found")
        hits = self._occurrences(q)
        if not hits:
            return Located(None, "not_found")
        if part is not None:
            hits = [line for line in hits if self.parts.get(line) == part]
            if not hits:
                return Located(None, "wrong_part")
            if any(q in h for h in self.headings):
                return Located(None, "heading_only")
        return Located(hint if hint in hits else hits[0])


def states_value(quote: str, value: int) -> bool:
    if value == 0 and _NONE.search(quote):
        return True
    return any(cn_int(n) == value for n in _NUMBER.findall(fold(quote)))


@dataclass
class Verified:
    aspects: list[AspectStatus] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    observations: list[tuple[ObservationOut, int]] = field(default_factory=list)
    dropped: Counter = field(default_factory=Counter)  # reason -> items


def verify(out: NarrativeOut, index: QuoteIndex, wanted: set[str]) -> Verified:
    """Keep what the text supports. Aspects outside ``wanted`` (not asked for) are ignored, not
    counted; a ``missing`` aspect needs no quote, any other item does."""
    v = Verified()
    for a in out.aspects:
        if a.aspect not in wanted:
            continue
        part = BY_KEY[a.aspect].part
        where = index.locate(a.quote, a.line, part) if a.quote.strip() else Located(None, "not_found")
        if (
            a.status == "missing" and where.problem
        ):  # needs no evidence: a bad quote is discarded, not the status
            v.aspects.append(
                AspectStatus(part=part, aspect=a.aspect, status="missing", summary=a.summary.strip())
            )
            continue
        if where.problem:
            v.dropped[where.problem] += 1
            continue
        v.aspects.append(
            AspectStatus(
                part=part,
                aspect=a.aspect,
                status=a.status,
                evidence=a.quote.strip(),
                summary=a.summary.strip(),
                line=where.line,
            )
        )
    seen: set[tuple[str, int, int | None]] = set()
    for c in out.claims:
        where = index.locate(c.quote, c.line)
        problem = (
            where.problem
            or (None if names_metric(c.quote, c.metric) else "metric_not_named")
            or (None if states_value(c.quote, c.value) else "value_not_stated")
        )
        if problem:
            v.dropped[problem] += 1
        elif (c.metric, c.value, where.line) not in seen:
            seen.add((c.metric, c.value, where.line))
            v.claims.append(Claim(metric=c.metric, value=c.value, quote=c.quote.strip(), line=where.line))
    for o in out.observations:
        where = index.locate(o.quote, o.line)
        if where.problem:
            v.dropped[where.problem] += 1
        else:
            assert where.line is not None  # a quote located without a problem has its line
            v.observations.append((o, where.line))
    return v
