"""Find the six parts (spec §2.1): known heading texts only, tables skipped, order enforced;
then, for a part still missing, a misprinted heading in its place."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from .document import Paragraph
from .normalize import fold, strip_ordinal

PART_NUMERALS = ("一", "二", "三", "四", "五", "六")

# normalised heading text without ordinal: the standard wording first, then tolerated variants
PART_HEADINGS: dict[str, tuple[str, ...]] = {
    "一": ("总体情况", "概述", "总体情况概述", "基本情况"),
    "二": ("主动公开政府信息情况",),
    "三": ("收到和处理政府信息公开申请情况",),
    "四": (
        "政府信息公开行政复议、行政诉讼情况",
        "因政府信息公开工作被申请行政复议、提起行政诉讼情况",
        "政府信息公开行政复议和行政诉讼情况",
        "被申请行政复议、提起行政诉讼情况",
        "政府信息公开行政复议、行政诉讼的情况",
        "因政府信息公开被申请行政复议、提起行政诉讼情况",
    ),
    "五": (
        "存在的主要问题及改进情况",
        "政府信息公开工作存在的主要问题及改进情况",
        "存在问题及改进情况",
        "存在的主要问题和改进情况",
        "存在的主要问题及改进措施",
        "政府信息公开工作存在的主要问题及改进措施",
    ),
    "六": ("其他需要报告的事项",),
}
_LEGACY_HEADINGS = (
    "咨询处理情况",
    "收费及减免情况",
    "依申请公开政府信息情况",
    "因政府信息公开申请行政复议、提起行政诉讼的情况",
)
_TRAILING = re.compile(r"[:：。.]+$")
_ORDINAL_OF = re.compile(r"^(?:\(([一二三四五六七八九十]+)\)|([一二三四五六七八九十]+)[、.])")
_HEADING_MAX = 40
# A misprinted heading (「四、政府信息公开行政法复议、行政诉讼情况」) is still this close to a known
# wording, or still carries all of its part's key words; table rows printed as text (「三、本年度
# 办理结果」「四、结转下年度继续办理」) are far from both.
_NEAR_RATIO = 0.7
_KEY_WORDS: dict[str, tuple[str, ...]] = {
    "一": ("总体",),
    "二": ("主动公开",),
    "三": ("收到", "申请"),
    "四": ("复议", "诉讼"),
    "五": ("问题", "改进"),
    "六": ("其他", "事项"),
}


@dataclass(slots=True)
class PartHeading:
    """The heading of one of the six parts, where the report prints it."""

    part: str  # 一 … 六
    line: int
    text: str  # as printed
    ordinal: str | None  # the numeral printed before the heading, if any
    standard: bool  # the standard 2021 wording
    known: bool = True  # the standard wording or a tolerated variant, not a misprint


def _heading_match(para: Paragraph) -> PartHeading | None:
    folded = _TRAILING.sub("", fold(para.text))
    if not folded or len(folded) > _HEADING_MAX:
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
    for part in PART_NUMERALS:
        if part not in seen and (head := _misprinted(paragraphs, found, part)) is not None:
            found.append(head)
    return sorted(found, key=lambda h: h.line)


def _misprinted(paragraphs: list[Paragraph], found: list[PartHeading], part: str) -> PartHeading | None:
    """A short paragraph printed with the part's ordinal, close to one of its wordings, between the
    parts found before and after it."""
    rank = PART_NUMERALS.index(part)
    after = max((h.line for h in found if PART_NUMERALS.index(h.part) < rank), default=0)
    before = min((h.line for h in found if PART_NUMERALS.index(h.part) > rank), default=math.inf)
    for para in paragraphs:
        if after < para.line < before and _near_heading(para.text, part):
            return PartHeading(part, para.line, para.text, part, standard=False, known=False)
    return None


def _near_heading(text: str, part: str) -> bool:
    folded = _TRAILING.sub("", fold(text))
    m = _ORDINAL_OF.match(folded)
    if len(folded) > _HEADING_MAX or not m or m.group(2) != part:
        return False
    body = folded[m.end() :]
    return all(word in body for word in _KEY_WORDS[part]) or any(
        SequenceMatcher(None, body, variant).ratio() >= _NEAR_RATIO for variant in PART_HEADINGS[part]
    )


def legacy_headings(paragraphs: list[Paragraph]) -> list[Paragraph]:
    return [p for p in paragraphs if strip_ordinal(_TRAILING.sub("", fold(p.text))) in _LEGACY_HEADINGS]


def part_of_line(parts: list[PartHeading], line: int) -> str | None:
    """The part a line belongs to (None for the front matter)."""
    current = None
    for head in sorted(parts, key=lambda h: h.line):
        if head.line <= line:
            current = head.part
    return current
