"""Part 六 split into its items (fee, proposals, innovation, key tasks, others): what the part-六
rules check and the narrative review reports on."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .document import Paragraph
from .normalize import ORDINAL_RE, fold

if TYPE_CHECKING:
    from .extract import Extraction

ITEM_KEYWORDS = {
    "fee": ("信息处理费", "处理费", "收费", "收取", "费用"),
    "proposals": ("建议", "提案"),
    "innovation": ("创新",),
    "key_tasks": ("工作要点", "工作方案", "要点落实", "年度工作要点", "政务公开工作要点"),
}
ITEM_NAMES = {
    "fee": "信息处理费收取情况",
    "proposals": "人大代表建议和政协提案办理结果公开情况",
    "innovation": "政务公开工作创新情况",
    "key_tasks": "落实上级年度政务公开工作要点情况",
}


@dataclass
class Part6Item:
    """One item of part 六: its heading paragraph and what follows it."""

    key: str | None
    heading: Paragraph
    inline: str  # text after the heading's colon, or the whole paragraph of an unnumbered item
    numbered: bool
    body: list[Paragraph] = field(default_factory=list)

    @property
    def content(self) -> str:
        return "".join([self.inline, *(p.text for p in self.body)]).strip()

    @property
    def evidence(self) -> str:
        return (
            self.heading.text
            if self.inline == self.heading.text
            else f"{self.heading.text} {' '.join(p.text for p in self.body)}"
        ).strip()[:120]


def _classify(text: str) -> str | None:
    folded = fold(text)
    return next((key for key, words in ITEM_KEYWORDS.items() if any(w in folded for w in words)), None)


def split_heading(text: str) -> tuple[str, str]:
    for sep in ("：", ":"):
        if sep in text[:80]:
            head, _, rest = text.partition(sep)
            return head, rest.strip()
    return text, ""


def items_of_part6(paragraphs: list[Paragraph]) -> list[Part6Item]:
    """Split part 六 by its numbered sub-headings; an unnumbered paragraph outside any numbered
    item is an item of its own (e.g. a part 六 that is one fee sentence)."""
    items: list[Part6Item] = []
    for para in paragraphs:
        if ORDINAL_RE.match(fold(para.text)):
            head, rest = split_heading(para.text)
            if not rest and para.text.rstrip().endswith("。"):
                rest = head  # 「（一）…。」 is an item stated in one sentence, not a bare heading
            items.append(Part6Item(_classify(head), para, rest, True))
        elif items and items[-1].numbered:
            items[-1].body.append(para)
        else:
            items.append(Part6Item(_classify(para.text), para, para.text, False))
    return items


def part6_items(ex: Extraction) -> list[Part6Item]:
    """The items of part 六, the signature block after it left out."""
    end = ex.meta.signature_line
    return items_of_part6([p for p in ex.part_paragraphs("六") if end is None or p.line < end])
