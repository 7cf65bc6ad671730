"""Label and number normalisation (spec §7.1), shared by every loader and the extraction."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import lru_cache

BOOKMARK_RE = re.compile(r"\[bookmark:[^\]]*\]")
_SPACE_RE = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")
_QUOTES_RE = re.compile(r"[“”「」\"'‘’『』]")
# (一) 一、 1. 1、 (1) — the ordinal is an ordering hint only, never part of the label
ORDINAL_RE = re.compile(
    r"^(?:\((?:[一二三四五六七八九十]+|\d{1,2})\)|[一二三四五六七八九十]+[、.]|\d{1,2}[.、](?!\d))"
)
_TRAD = str.maketrans(
    {
        "規": "规",
        "範": "范",
        "處": "处",
        "總": "总",
        "計": "计",
        "資": "资",
        "訊": "讯",
        "請": "请",
        "開": "开",
        "機": "机",
        "關": "关",
        "業": "业",
        "構": "构",
        "會": "会",
        "護": "护",
        "權": "权",
        "務": "务",
        "執": "执",
        "當": "当",
        "結": "结",
        "轉": "转",
        "數": "数",
        "經": "经",
        "復": "复",
        "議": "议",
        "訟": "讼",
        "維": "维",
        "糾": "纠",
        "審": "审",
        "許": "许",
        "強": "强",
        "費": "费",
        "準": "准",
        "號": "号",
        "項": "项",
    }
)

PLACEHOLDERS = frozenset({"", "-", "—", "——", "–", "/", "无", "／", "--", "&nbsp;", "空"})


@lru_cache(maxsize=4096)  # labels and lines are folded again by each step that compares them
def fold(text: str) -> str:
    """NFKC, simplified characters, no bookmarks, no whitespace, no quotes, 其它→其他, no edge pipes."""
    text = BOOKMARK_RE.sub("", text)
    text = unicodedata.normalize("NFKC", text).translate(_TRAD)
    text = _SPACE_RE.sub("", text)
    text = _QUOTES_RE.sub("", text)
    return text.replace("其它", "其他").strip("|")


def starts_with_ordinal(text: str) -> bool:
    """「一、」「（二）」「3.」…: a heading or a numbered item, not a continued sentence."""
    return bool(ORDINAL_RE.match(fold(text)))


def strip_ordinal(text: str) -> str:
    return ORDINAL_RE.sub("", text, count=1)


def label(text: str) -> str:
    """Folded text with its leading ordinal removed: what labels are compared by."""
    return strip_ordinal(fold(text))


def name_key(name: str) -> str:
    """One spelling per body (issuers, expected units): folded, without 人民政府 / 管理委员会 / 管委会 at the end."""
    return re.sub(r"(人民政府|管理委员会|管委会)$", "", fold(name))


def same_body(name: str | None, other: str | None) -> bool:
    """Two names of one body: equal keys, or one has its region in front of the other
    (「临淄区财政局」/「财政局」, 「金岭回族镇人民政府」/「临淄区金岭回族镇」), never more."""
    a, b = name_key(name or ""), name_key(other or "")
    return bool(a and b) and (a.endswith(b) or b.endswith(a))


CN_DIGIT = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


def cn_int(text: str) -> int | None:
    """「26」「二十六」「一百零五」 as a number (up to 999); None when it is not one."""
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch in CN_DIGIT:
            current = CN_DIGIT[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current


def clean_line(text: str) -> str:
    """Display form of a line: bookmarks gone, outer whitespace (incl. NBSP) trimmed."""
    return BOOKMARK_RE.sub("", text).strip(" \t\r\n\u00a0\u3000\ufeff|").strip()


_NUMBER_RE = re.compile(r"^[+-]?\d+(?:\.\d+)?$")


class CellValue:
    """Result of reading one numeric cell: a number, a placeholder (None) or invalid text."""

    __slots__ = ("invalid", "value")

    def __init__(self, value: int | float | None, invalid: str | None = None):
        self.value = value
        self.invalid = invalid


def parse_number(raw: str, decimal: bool = False, signed: bool = False) -> CellValue:
    """``signed``: a difference (2019's 本年增/减), negative by definition when things decreased."""
    text = unicodedata.normalize("NFKC", raw)
    text = _SPACE_RE.sub("", text).replace(",", "").strip("|")
    if text in PLACEHOLDERS:
        return CellValue(None)
    if decimal:
        text = re.sub(r"(万元|元)$", "", text)
    else:
        text = re.sub(r"(件|个|项|条)$", "", text)
    if not _NUMBER_RE.match(text):
        return CellValue(None, invalid=raw.strip())
    try:
        number = Decimal(text)
    except InvalidOperation:  # pragma: no cover - guarded by the regex
        return CellValue(None, invalid=raw.strip())
    negative = "负数" if number < 0 and not signed else None
    if decimal:
        return CellValue(float(number), invalid=negative)
    if number != number.to_integral_value():
        return CellValue(float(number), invalid="非整数")
    return CellValue(int(number), invalid=negative)


def looks_numeric(raw: str) -> bool:
    text = _SPACE_RE.sub("", unicodedata.normalize("NFKC", raw)).replace(",", "").strip("|")
    return bool(_NUMBER_RE.match(text))
