"""Numbers the narrative states (spec §4.4), found by regex or by the LLM, and compared with the
tables by code — never by the LLM."""

from __future__ import annotations

import re
from collections.abc import Iterable

from extractors import schema as S
from extractors.document import Paragraph
from extractors.tables import TableSet

from .models import Claim

# metric -> (cells whose sum must equal the claim, what the narrative calls it)
METRICS: dict[str, tuple[tuple[str, ...], str]] = {
    "new_received": (("t3.new_received.total",), "收到/受理申请"),
    "received_incl_carry_over": (("t3.new_received.total", "t3.carried_over.total"), "收到申请（含上年结转）"),
    "done": (("t3.results_total.total",), "办结申请"),
    "carried_forward": (("t3.carried_forward.total",), "结转下年度"),
    "review": (("t4.review.total",), "行政复议"),
    "litigation": (("t4.litigation_direct.total", "t4.litigation_after_review.total"), "行政诉讼"),
    "regulations_issued": (("t2.art20_1.regulations.issued",), "制发规章"),
    "normative_documents_issued": (("t2.art20_1.normative_documents.issued",), "制发行政规范性文件"),
    "admin_licensing": (("t2.art20_5.admin_licensing.decisions",), "行政许可决定"),
    "admin_penalty": (("t2.art20_6.admin_penalty.decisions",), "行政处罚决定"),
    "admin_coercion": (("t2.art20_6.admin_coercion.decisions",), "行政强制决定"),
}

_N = r"(?P<n>\d+|[零〇一二两三四五六七八九十百]+)"
_U = r"\s*(?:件次|件|条|宗|起|个)"
_GAP = r"[^，,。；;\d]{0,12}?"
_NO = r"(?:未(?:发生|出现|产生|收到|受理|接到)|无|没有)"
_PATTERNS: tuple[tuple[str, re.Pattern], ...] = tuple((m, re.compile(p)) for m, p in (
    ("received_incl_carry_over", r"(?:收到|受理|接收)[^，,。；]{0,30}?申请" + _GAP + _N + _U + r"[^，,。；]{0,10}(?:含|包括)[^，,。；]{0,6}结转"),
    ("new_received", r"(?:收到|受理|新收|接收)[^，,。；]{0,30}?申请" + _GAP + _N + _U),
    ("new_received", r"(?:收到|受理|新收|接收)[^，,。；\d]{0,6}?" + _N + _U + r"[^，,。；]{0,20}?申请"),
    ("new_received", r"未(?:收到|受理|接到)[^，,。；]{0,20}?申请(?P<zero>)"),
    ("done", r"(?:办结|已答复|答复完毕)" + _GAP + _N + _U),
    ("carried_forward", r"结转下一?年度?" + _GAP + _N + _U),
    ("carried_forward", r"无(?:结转|转入下一?年)(?P<zero>)"),
    ("review", r"行政复议" + _GAP + _N + _U),
    ("litigation", r"行政诉讼" + _GAP + _N + _U),
    ("review", _NO + r"[^，,。；]{0,16}?行政复议(?P<zero>)"),
    ("litigation", _NO + r"[^，,。；]{0,20}?行政诉讼(?P<zero>)"),
    ("normative_documents_issued", r"(?:制发|出台|印发|制定)[^，,。；\d]{0,8}?(?:行政)?规范性文件[^，,。；\d]{0,4}?" + _N + _U),
    ("regulations_issued", r"(?:制发|出台|印发|制定)[^，,。；\d]{0,8}?规章[^，,。；\d]{0,4}?" + _N + _U),
    ("admin_licensing", r"行政许可(?:决定)?" + _GAP + _N + _U),
    ("admin_penalty", r"行政处罚(?:决定)?" + _GAP + _N + _U),
    ("admin_coercion", r"行政强制(?:决定)?" + _GAP + _N + _U),
))
_CN = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CLAUSE = re.compile(r"[^。；;！!？?]+")


def cn_int(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch in _CN:
            current = _CN[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current


def regex_claims(paragraphs: Iterable[Paragraph]) -> list[Claim]:
    """Every §4.4 number a sentence states, one claim per metric and sentence."""
    claims: list[Claim] = []
    for para in paragraphs:
        for clause in _CLAUSE.finditer(para.text):
            sentence = clause.group(0)
            taken: set[str] = set()
            for metric, pattern in _PATTERNS:
                m = pattern.search(sentence)
                if not m or metric in taken or (metric == "new_received" and "received_incl_carry_over" in taken):
                    continue
                value = 0 if m.groupdict().get("zero") is not None else cn_int(m.group("n"))
                if value is not None:
                    taken.add(metric)
                    claims.append(Claim(metric=metric, value=value, quote=m.group(0), line=para.line))
    return claims


def table_value(metric: str, tables: TableSet) -> int | float | None:
    cells = METRICS[metric][0]
    values = [tables.value(c) for c in cells]
    return None if any(v is None for v in values) else sum(values)


def mismatch_message(claim: Claim, tables: TableSet) -> str | None:
    """The Chinese message when a claim contradicts the tables; None when it agrees or is uncertain."""
    if claim.metric not in METRICS:
        return None
    reported = table_value(claim.metric, tables)
    if reported is None or reported == claim.value:
        return None
    cells, name = METRICS[claim.metric]
    where = " + ".join(S.cell_label_zh(c) for c in cells)
    line = f"第 {claim.line} 行" if claim.line else "正文"
    return f"{line}称{name} {claim.value} 件，但{where}为 {reported:g}"
