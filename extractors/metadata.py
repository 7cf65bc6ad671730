"""Front and back matter (spec §2.6): title, issuer, report year, statistics period, signature
date and the contact block."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from .document import Paragraph
from .normalize import CN_DIGIT, cn_int, fold

STANDARD_NAME = "政府信息公开工作年度报告"
# a year spelt in numerals writes its zeros as 〇, ○ or even the letter O
_CN_DIGITS = {**CN_DIGIT, "○": 0, "O": 0}
_DATE = r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"
_CN_DATE_RE = re.compile(
    r"([〇○零O一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日"
)
_PERIOD_RE = re.compile(
    r"(?:统计|数据)[^。；]{0,16}?"
    + _DATE
    + r"\s*起?\s*[，,]?\s*(?:至|到|—|－|-|~|～)\s*(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*日"
)
_TITLE_RE = re.compile(r"^(?P<issuer>.*?)(?P<year>(?:19|20)\d{2})\s*年度?(?P<name>.*)$")
_ISSUER_SUFFIX = re.compile(
    r"(人民政府|管理委员会|管委会|办公室|办公厅|委员会|办事处|局|厅|部|院|中心|政府|署|会)$"
)
# the issuer names a people's government (条例第五十条: 考核、评议、追究的结果), e.g. 「临淄区齐都镇人民政府」
# or just 「临淄区金岭回族镇」 — not one of its departments (「某区人民政府办公室」)
_PEOPLE_GOV = re.compile(r"(?:人民政府|[省市县区旗镇乡])$")
_TOWNSHIP = re.compile(r"[镇乡](?:人民政府)?$")
_TITLE_MAX = 60
_PIECE_MAX = 30  # a title line above the one naming the report: the issuer, or issuer and year
_REPORT_WORD = re.compile(r"年度报告|年报")
_YEAR = re.compile(r"(?:19|20)\d{2}\s*年")
# saved web pages print breadcrumbs, menus and publication info above the title; sentences are not titles
_NOT_TITLE = re.compile(r"当前位置|您的位置|所在位置|首页|来源|字号|浏览|[>»›|:。,;]")
# A flattened page (a web page printed to PDF) may glue the title between the breadcrumb and the
# publication info: 「…政府信息公开年报某区2023年度政府信息公开工作年度报告来源：…」
_GLUED_TITLE = re.compile(r"(?:19|20)\d{2}\s*年度?[^。,;:>《》]{0,20}?" + STANDARD_NAME)
_GLUE = re.compile(r"年度报告|年报|[>»›|:,;《》•·]")


@dataclass(slots=True)
class DateAt:
    """A date as the text writes it, and its line."""

    value: date | None  # None when the text names an impossible date
    text: str
    line: int


@dataclass(slots=True)
class Period:
    """The period a report covers, from its first day to its last."""

    start: DateAt
    end: DateAt


@dataclass
class Meta:
    """The front matter and the signature: title, unit, year, period, date signed, contact."""

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


def parse_date_text(text: str) -> tuple[date | None, str] | None:
    """A standalone date in Arabic or Chinese numerals (二〇二五年一月二十日)."""
    folded = fold(text)
    m = re.search(_DATE, folded)
    if m:
        return _mk_date(int(m[1]), int(m[2]), int(m[3])), m[0]
    m = _CN_DATE_RE.search(folded)
    if m:
        year = int("".join(str(_CN_DIGITS[ch]) for ch in m[1]))
        return _mk_date(year, cn_int(m[2]) or 0, cn_int(m[3]) or 0), m[0]
    return None


def title_rank(text: str) -> tuple[bool, bool] | None:
    """How much a line looks like the report's title (higher is better), None if it cannot be one:
    short, naming the report, no navigation or sentence; a year and 政府信息公开 rank it higher."""
    folded = fold(text)
    if not folded or len(folded) > _TITLE_MAX or not _REPORT_WORD.search(folded) or _NOT_TITLE.search(folded):
        return None
    return bool(_YEAR.search(folded)), "政府信息公开" in folded


def title_issuer(title: str) -> str | None:
    """The issuer a title names: before the year (「某区人民政府2023年…」), else between the year and
    the report name (「2019年某市人民政府办公厅政府信息公开工作年度报告」)."""
    m = _TITLE_RE.match(title)
    if not m:
        return None
    return m["issuer"].strip() or _issuer_after_year(m["name"])


def _issuer_after_year(name: str) -> str | None:
    # 「某市人民政府信息公开…」 shares 政府 with the name, so cut before 信息公开 too; 政府 alone is no issuer
    for marker in ("政府信息公开", "信息公开"):
        issuer = name.partition(marker)[0]
        if marker in name and len(issuer) >= 3 and _ISSUER_SUFFIX.search(issuer):
            return issuer
    return None


def _completes(piece: str, title: str) -> bool:
    """Whether the line above a title line is the title's first line: it supplies the year (and
    issuer) the title line lacks, or the issuer printed on a line of its own."""
    if len(piece) > _PIECE_MAX or _REPORT_WORD.search(piece) or _NOT_TITLE.search(piece):
        return False
    if not _TITLE_RE.match(title):
        return bool(_YEAR.search(piece))
    return title_issuer(title) is None and bool(_ISSUER_SUFFIX.search(piece) or _PEOPLE_GOV.search(piece))


def _title_lines(front: list[Paragraph], end: int) -> list[Paragraph]:
    """The title ending at ``front[end]``, with up to two lines above it that complete it."""
    start, text = end, fold(front[end].text)
    while start > 0 and end - start < 2 and _completes(fold(front[start - 1].text), text):
        start -= 1
        text = fold(front[start].text) + text
    return front[start : end + 1]


def _glued_title(folded: str) -> str | None:
    """A standard title inside a line of site chrome (never inside a sentence), with the issuer
    printed right before its year."""
    m = None if "。" in folded else _GLUED_TITLE.search(folded)
    if not m:
        return None
    issuer = _GLUE.split(folded[: m.start()])[-1][-_PIECE_MAX:]
    return (
        issuer + m[0] if not issuer or _ISSUER_SUFFIX.search(issuer) or _PEOPLE_GOV.search(issuer) else None
    )


def _title_candidates(front: list[Paragraph]) -> Iterator[tuple[tuple[bool, bool], str, int]]:
    """(rank, title, first line) of each title line, with the lines above that complete it, and of
    each title glued into a line of site chrome (it names the year and the report in full)."""
    for idx, para in enumerate(front):
        if rank := title_rank(para.text):
            lines = _title_lines(front, idx)
            title = "".join(fold(p.text) for p in lines)
            yield title_rank(title) or rank, title, lines[0].line
        elif glued := _glued_title(fold(para.text)):
            yield (True, True), glued, para.line


def _title(front: list[Paragraph]) -> tuple[str | None, int | None]:
    """The best-ranked title anywhere in the front matter (site navigation may come first), the
    first on ties; else the first short line."""
    best = max(_title_candidates(front), key=lambda candidate: candidate[0], default=None)
    if best:
        return best[1], best[2]
    if front and len(fold(front[0].text)) <= _TITLE_MAX:
        return fold(front[0].text), front[0].line
    return None, None


def _signature(tail: list[Paragraph]) -> tuple[DateAt | None, str | None, int | None]:
    """The first line after the last part that is a date alone (or the issuer and a date): the
    signature. Searched forwards, so a saved page's footer, share bar and related links after
    it change nothing."""
    for idx, para in enumerate(tail):
        folded = fold(para.text)
        if len(folded) > 40:
            continue
        parsed = parse_date_text(folded)
        if parsed and (folded.endswith(parsed[1])):
            prefix = folded[: -len(parsed[1])]
            if prefix and not _ISSUER_SUFFIX.search(prefix):
                continue  # a dated line of something else (发布时间, a footer)
            name = prefix or (fold(tail[idx - 1].text) if idx > 0 else "")
            signer = name if _ISSUER_SUFFIX.search(name) and len(name) <= 40 else None
            start = para.line
            if signer is not None and not prefix:
                start = tail[idx - 1].line
            return DateAt(parsed[0], parsed[1], para.line), signer, start
    return None, None, None


def _period(paragraphs: list[Paragraph]) -> Period | None:
    for para in paragraphs:
        m = _PERIOD_RE.search(fold(para.text).replace(",", "，"))
        if m:
            y1, m1, d1, y2, m2, d2 = m.groups()
            y2 = y2 or y1
            return Period(
                DateAt(_mk_date(int(y1), int(m1), int(d1)), f"{y1}年{m1}月{d1}日", para.line),
                DateAt(_mk_date(int(y2), int(m2), int(d2)), f"{y2}年{m2}月{d2}日", para.line),
            )
    return None


def _contact(paragraphs: list[Paragraph]) -> Paragraph | None:
    for para in paragraphs:
        text = para.text
        hits = sum(
            bool(re.search(p, text))
            for p in (r"地址", r"邮编|邮政编码", r"电话", r"邮箱|信箱|电子箱|E-?mail")
        )
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
            issuer = title_issuer(meta.title)
            if issuer:
                meta.issuer, meta.issuer_in_title = issuer, True
    tail = [p for p in paragraphs if last_part_line is None or p.line > last_part_line]
    meta.signed_on, meta.signer, meta.signature_line = _signature(tail)
    # site navigation may fill a saved page's first lines: the report's own front matter starts at its title
    start = next((i for i, p in enumerate(paragraphs) if p.line == meta.title_line), 0)
    meta.period = _period(paragraphs[start : start + 40])
    meta.contact = _contact(paragraphs[start : start + 40]) or _contact(paragraphs[-10:])
    if meta.issuer is None:
        meta.issuer = meta.signer or _issuer_from_contact(meta.contact)
    if meta.year is None:
        if meta.period and meta.period.start.value:
            meta.year = meta.period.start.value.year
        else:
            years = Counter(
                int(y) for p in paragraphs[:20] for y in re.findall(r"((?:19|20)\d{2})\s*年", p.text)
            )
            meta.year = years.most_common(1)[0][0] if years else None
    return meta
