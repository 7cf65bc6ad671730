"""Front and back matter (spec §2.6): title, issuer, report year, statistics period, signature
date and the contact block."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

from .document import Paragraph
from .normalize import fold

STANDARD_NAME = "政府信息公开工作年度报告"
_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_DATE = r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"
_CN_DATE_RE = re.compile(r"([〇○零O一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日")
_PERIOD_RE = re.compile(
    r"(?:统计|数据)[^。；]{0,16}?" + _DATE
    + r"\s*起?\s*[，,]?\s*(?:至|到|—|－|-|~|～)\s*(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*日"
)
_TITLE_RE = re.compile(r"^(?P<issuer>.*?)(?P<year>(?:19|20)\d{2})\s*年度?(?P<name>.*)$")
_ISSUER_SUFFIX = re.compile(r"(人民政府|管理委员会|管委会|办公室|办公厅|委员会|办事处|局|厅|部|院|中心|政府|署|会)$")
# the issuer names a people's government (条例第五十条: 考核、评议、追究的结果), e.g. 「临淄区齐都镇人民政府」
# or just 「临淄区金岭回族镇」 — not one of its departments (「某区人民政府办公室」)
_PEOPLE_GOV = re.compile(r"(?:人民政府|[省市县区旗镇乡])$")
_TOWNSHIP = re.compile(r"[镇乡](?:人民政府)?$")


@dataclass(slots=True)
class DateAt:
    value: date | None  # None when the text names an impossible date
    text: str
    line: int


@dataclass(slots=True)
class Period:
    start: DateAt
    end: DateAt


@dataclass
class Meta:
    title: str | None = None
    title_line: int | None = None
    issuer: str | None = None
    issuer_in_title: bool = False
    year: int | None = None
    year_in_title: bool = False
    period: Period | None = None
    signed_on: DateAt | None = None
    signer: str | None = None
    signature_line: int | None = None  # first line of the signature block (signer or date)
    contact: Paragraph | None = None

    @property
    def is_people_government(self) -> bool:
        return government_level(self.issuer) is not None


def government_level(issuer: str | None) -> str | None:
    """'township' (镇、乡), 'county-or-above' (县级以上), or None for any other body."""
    if not issuer or not _PEOPLE_GOV.search(issuer):
        return None
    return "township" if _TOWNSHIP.search(issuer) else "county-or-above"


def _mk_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _cn_number(text: str) -> int:
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)
    return _CN_DIGITS.get(text, 0)


def parse_date_text(text: str) -> tuple[date | None, str] | None:
    """A standalone date in Arabic or Chinese numerals (二〇二五年一月二十日)."""
    folded = fold(text)
    m = re.search(_DATE, folded)
    if m:
        return _mk_date(int(m[1]), int(m[2]), int(m[3])), m[0]
    m = _CN_DATE_RE.search(folded)
    if m:
        year = int("".join(str(_CN_DIGITS[ch]) for ch in m[1]))
        return _mk_date(year, _cn_number(m[2]), _cn_number(m[3])), m[0]
    return None


def _title(front: list[Paragraph]) -> tuple[str | None, int | None]:
    lines: list[Paragraph] = []
    for para in front[:3]:
        if len(fold(para.text)) > 60:
            break
        lines.append(para)
        if "年度报告" in para.text or "年报" in para.text:
            return "".join(fold(p.text) for p in lines), lines[0].line
    if front and len(fold(front[0].text)) <= 60:
        return fold(front[0].text), front[0].line
    return None, None


def _signature(tail: list[Paragraph]) -> tuple[DateAt | None, str | None, int | None]:
    for idx in range(len(tail) - 1, -1, -1):
        para = tail[idx]
        folded = fold(para.text)
        if len(folded) > 40:
            break
        parsed = parse_date_text(folded)
        if parsed and (folded.endswith(parsed[1])):
            prefix = folded[: -len(parsed[1])]
            signer = prefix or (fold(tail[idx - 1].text) if idx > 0 else "")
            start = para.line
            if not _ISSUER_SUFFIX.search(signer) or len(signer) > 40:
                signer = None
            elif not prefix:
                start = tail[idx - 1].line
            return DateAt(parsed[0], parsed[1], para.line), signer, start
    return None, None, None


def _period(paragraphs: list[Paragraph]) -> Period | None:
    for para in paragraphs:
        m = _PERIOD_RE.search(fold(para.text).replace(",", "，"))
        if m:
            y1, m1, d1, y2, m2, d2 = m.groups()
            y2 = y2 or y1
            return Period(DateAt(_mk_date(int(y1), int(m1), int(d1)), f"{y1}年{m1}月{d1}日", para.line),
                          DateAt(_mk_date(int(y2), int(m2), int(d2)), f"{y2}年{m2}月{d2}日", para.line))
    return None


def _contact(paragraphs: list[Paragraph]) -> Paragraph | None:
    for para in paragraphs:
        text = para.text
        hits = sum(bool(re.search(p, text)) for p in (r"地址", r"邮编|邮政编码", r"电话", r"邮箱|信箱|电子箱|E-?mail"))
        if hits >= 2:
            return para
    return None


def _issuer_from_contact(contact: Paragraph | None) -> str | None:
    if contact is None:
        return None
    m = re.search(r"请与(.{2,30}?人民政府|.{2,30}?管理委员会)", fold(contact.text))
    return m.group(1) if m else None


def read_meta(paragraphs: list[Paragraph], first_part_line: int | None, last_part_line: int | None) -> Meta:
    meta = Meta()
    front = [p for p in paragraphs if first_part_line is None or p.line < first_part_line]
    meta.title, meta.title_line = _title(front or paragraphs)
    if meta.title:
        m = _TITLE_RE.match(meta.title)
        if m:
            meta.year, meta.year_in_title = int(m["year"]), True
            issuer = m["issuer"].strip()
            if issuer:
                meta.issuer, meta.issuer_in_title = issuer, True
    tail = [p for p in paragraphs if last_part_line is None or p.line > last_part_line][-6:]
    meta.signed_on, meta.signer, meta.signature_line = _signature(tail)
    meta.period = _period(paragraphs[:40])
    meta.contact = _contact(paragraphs[:40]) or _contact(paragraphs[-10:])
    if meta.issuer is None:
        meta.issuer = meta.signer or _issuer_from_contact(meta.contact)
    if meta.year is None:
        if meta.period and meta.period.start.value:
            meta.year = meta.period.start.value.year
        else:
            years = Counter(int(y) for p in paragraphs[:20] for y in re.findall(r"((?:19|20)\d{2})\s*年", p.text))
            meta.year = years.most_common(1)[0][0] if years else None
    return meta
