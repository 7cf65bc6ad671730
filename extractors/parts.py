"""Find the six parts (spec §2.1): known heading texts only, tables skipped, order enforced."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .document import Paragraph
from .normalize import fold, strip_ordinal

PART_NUMERALS = ("一", "二", "三", "四", "五", "六")

# normalised heading text without ordinal: the standard wording first, then tolerated variants
PART_HEADINGS: dict[str, tuple[str, ...]] = {
    "一": ("总体情况", "概述", "总体情况概述", "基本情况"),
    "二": ("主动公开政府信息情况",),
    "三": ("收到和处理政府信息公开申请情况",),
    "四": ("政府信息公开行政复议、行政诉讼情况", "因政府信息公开工作被申请行政复议、提起行政诉讼情况",
           "政府信息公开行政复议和行政诉讼情况", "被申请行政复议、提起行政诉讼情况",
           "政府信息公开行政复议、行政诉讼的情况", "因政府信息公开被申请行政复议、提起行政诉讼情况"),
    "五": ("存在的主要问题及改进情况", "政府信息公开工作存在的主要问题及改进情况", "存在问题及改进情况",
           "存在的主要问题和改进情况", "存在的主要问题及改进措施", "政府信息公开工作存在的主要问题及改进措施"),
    "六": ("其他需要报告的事项",),
}
_LEGACY_HEADINGS = ("咨询处理情况", "收费及减免情况", "依申请公开政府信息情况", "因政府信息公开申请行政复议、提起行政诉讼的情况")
_TRAILING = re.compile(r"[:：。.]+$")
_ORDINAL_OF = re.compile(r"^(?:\(([一二三四五六七八九十]+)\)|([一二三四五六七八九十]+)[、.])")


@dataclass(slots=True)
class PartHeading:
    part: str  # 一 … 六
    line: int
    text: str  # as printed
    ordinal: str | None  # the numeral printed before the heading, if any
    standard: bool  # the standard 2021 wording


def _heading_match(para: Paragraph) -> PartHeading | None:
    folded = _TRAILING.sub("", fold(para.text))
    if not folded or len(folded) > 40:
        return None
    m = _ORDINAL_OF.match(folded)
    ordinal = (m.group(1) or m.group(2)) if m else None
    if m and m.group(1):  # "(一)…" is a sub-heading, never a part
        return None
    body = strip_ordinal(folded)
    for part, variants in PART_HEADINGS.items():
        if body in variants:
            standard = body == variants[0] and "其它" not in para.text
            return PartHeading(part, para.line, para.text, ordinal, standard)
    return None


def find_parts(paragraphs: list[Paragraph]) -> list[PartHeading]:
    """Headings in document order, the first of each part. Only paragraphs are candidates:
    table rows such as 「三、本年度办理结果」 are cells and never reach here."""
    found: list[PartHeading] = []
    seen: set[str] = set()
    for para in paragraphs:
        head = _heading_match(para)
        if head is not None and head.part not in seen:
            seen.add(head.part)
            found.append(head)
    return found


def legacy_headings(paragraphs: list[Paragraph]) -> list[Paragraph]:
    return [p for p in paragraphs if strip_ordinal(_TRAILING.sub("", fold(p.text))) in _LEGACY_HEADINGS]


def part_of_line(parts: list[PartHeading], line: int) -> str | None:
    """The part a line belongs to (None for the front matter)."""
    current = None
    for head in sorted(parts, key=lambda h: h.line):
        if head.line <= line:
            current = head.part
    return current
