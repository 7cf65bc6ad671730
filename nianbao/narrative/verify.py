"""Everything the LLM says is checked by code before it counts: each quote must occur in the
narrative that was sent (after NFKC, whitespace and punctuation are normalised away), and a
claim's quote must state its value. Items that fail are dropped and counted."""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field

from extractors.document import Paragraph
from extractors.normalize import fold

from ..claims import cn_int
from ..models import AspectStatus, Claim
from .aspects import BY_KEY
from .schema import NarrativeOut, ObservationOut

_LINE_PREFIX = re.compile(r"^\s*\d{1,5}\s*[:：]\s*")  # the model copied our 「行号: 」 too
_NUMBER = re.compile(r"\d+|[零〇一二两三四五六七八九十百]+")
_NONE = re.compile(r"未|无|没有|零|(?<!\d)0(?!\d)")


def normalise(text: str) -> str:
    return "".join(ch for ch in fold(text) if not unicodedata.category(ch).startswith("P"))


class QuoteIndex:
    """The narrative as sent, normalised per paragraph and as one run (for quotes across lines)."""

    def __init__(self, paragraphs: list[Paragraph]):
        self.lines = [(p.line, normalise(p.text)) for p in paragraphs]
        self.starts = []
        offset = 0
        for _, text in self.lines:
            self.starts.append(offset)
            offset += len(text)
        self.joined = "".join(text for _, text in self.lines)

    def locate(self, quote: str, hint: int | None = None) -> int | None:
        """The line where the quote occurs (the hinted one when it is there too), else None."""
        q = normalise(_LINE_PREFIX.sub("", quote))
        if len(q) < 2:
            return None
        hits = [line for line, text in self.lines if q in text]
        if hits:
            return hint if hint in hits else hits[0]
        pos = self.joined.find(q)
        return self.lines[bisect.bisect_right(self.starts, pos) - 1][0] if pos >= 0 else None


def states_value(quote: str, value: int) -> bool:
    if value == 0 and _NONE.search(quote):
        return True
    return any(cn_int(n) == value for n in _NUMBER.findall(fold(quote)))


@dataclass
class Verified:
    aspects: list[AspectStatus] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    observations: list[tuple[ObservationOut, int]] = field(default_factory=list)
    dropped: int = 0


def verify(out: NarrativeOut, index: QuoteIndex, wanted: set[str]) -> Verified:
    """Keep what the text supports. Aspects outside ``wanted`` (not asked for) are ignored, not
    counted; a ``missing`` aspect needs no quote, any other item does."""
    v = Verified()
    for a in out.aspects:
        if a.aspect not in wanted:
            continue
        line = index.locate(a.quote, a.line) if a.quote else None
        if line is None and (a.quote or a.status != "missing"):
            v.dropped += 1
            continue
        v.aspects.append(AspectStatus(part=BY_KEY[a.aspect].part, aspect=a.aspect, status=a.status,
                                      evidence=a.quote.strip(), summary=a.summary.strip(), line=line))
    seen: set[tuple[str, int, int]] = set()
    for c in out.claims:
        line = index.locate(c.quote, c.line)
        if line is None or not states_value(c.quote, c.value):
            v.dropped += 1
        elif (c.metric, c.value, line) not in seen:
            seen.add((c.metric, c.value, line))
            v.claims.append(Claim(metric=c.metric, value=c.value, quote=c.quote.strip(), line=line))
    for o in out.observations:
        line = index.locate(o.quote, o.line)
        if line is None:
            v.dropped += 1
        else:
            v.observations.append((o, line))
    return v
