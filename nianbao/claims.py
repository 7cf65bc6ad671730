"""Numbers the narrative states (spec §4.4), found by regex or by the LLM, and compared with the
tables by code — never by the LLM."""

from __future__ import annotations

import re
from collections.abc import Iterable

from extractors import schema as S
from extractors.document import Paragraph
from extractors.normalize import cn_int
from extractors.tables import TableSet

from .models import Claim

# metric -> (cells whose sum must equal the claim, what the narrative calls it)
METRICS: dict[str, tuple[tuple[str, ...], str]] = {
    "new_received": (("t3.new_received.total",), "收到/受理申请"),
    "received_incl_carry_over": (
        ("t3.new_received.total", "t3.carried_over.total"),
        "收到申请（含上年结转）",
    ),
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
# What a quote must mention for its number to count as the metric (each group: one of its words):
# 「配备了信息公开工作人员3名」 states a 3 but not 3 applications. Glossed in the prompt by the
# Chinese name above.
KEYWORDS: dict[str, tuple[tuple[str, ...], ...]] = {
    "new_received": (("申请",),),
    "received_incl_carry_over": (("申请",), ("结转",)),
    "done": (("办结", "答复", "办理完毕", "办理结果", "已办理"),),
    "carried_forward": (("结转", "转入下"),),
    "review": (("复议",),),
    "litigation": (("诉讼",),),
    "regulations_issued": (("规章",),),
    "normative_documents_issued": (("规范性文件",),),
    "admin_licensing": (("许可",),),
    "admin_penalty": (("处罚",),),
    "admin_coercion": (("强制",),),
}


def names_metric(quote: str, metric: str) -> bool:
    return all(any(word in quote for word in group) for group in KEYWORDS.get(metric, ()))


# Metrics only the patterns look for: the LLM prompt lists METRICS, so adding them there would
# change every prompt (and invalidate the eval recordings keyed on it).
PATTERN_METRICS: dict[str, tuple[tuple[str, ...], str]] = {
    "normative_documents_in_force": (("t2.art20_1.normative_documents.in_force",), "现行有效行政规范性文件"),
    "granted": (("t3.granted.total",), "予以公开"),
    "granted_incl_partial": (("t3.granted.total", "t3.partially_granted.total"), "予以公开及部分公开"),
}
_ALL_METRICS = {**METRICS, **PATTERN_METRICS}

# The patterns match one clause (_CLAUSE: no 。；;！!？?) with its full-width comma, colon and
# brackets folded to ASCII (_ASCII), so each class names a mark once: a class of scattered Chinese
# marks costs `re` a 65,536-entry map to compile, which was a tenth of a text review's start (issue 12).
_ASCII = str.maketrans("，：（）", ",:()")

# A number is a claim only when it counts the metric's own object, named by its unit: applications
# 件/件次, cases 件/起/宗, decisions and documents 件. 条/篇/个 count published items or belong to
# fixed phrases (「三个第一时间」), and an ordinal (第一) is no count at all.
_N = r"(?<![第\d])(?P<n>\d+|[零〇一二两三四五六七八九十百]+)"
_APPS = r"\s*件次?"
_CASES = r"\s*(?:件|起|宗)"
_DOCS = r"\s*件(?!\s*(?:信息|公示))"
_TOTAL = r"(?:共计?|总计|合计|累计|共有)?(?:为|是|达)?"
_NO = r"(?:未(?:发生|出现|产生|收到|受理|接到)|无|没有)"


def _gap(limit: int, banned: str) -> str:
    """Up to ``limit`` characters of one phrase: no digit and none of the ``banned`` words."""
    return rf"(?:(?!{banned})[^,\d]){{0,{limit}}}?"


def _phrase_start(banned: str) -> str:
    """From the start of the phrase, through words none of which is ``banned``."""
    return rf"(?:^|(?<=[,:]))(?:(?!{banned})[^,:])*?"


# what is published about a metric (信息, 公示, 类, 结果, 决定书…) is not the metric
_PUBLISHED = "信息|公示|公开|发布|推送|目录|事项|结果|类|书|解读|条"
# sub-outcomes of cases (被纠错0件) are not the number of cases
_OUTCOMES = "纠错|纠正|维持|撤销|败诉|胜诉|审结|信息|公示|书|条"
_DOC_GAP = "现行|有效|废止|清理|解读|信息|目录"
# applications that are not for government information (复议申请, 审批办件…)
_OTHER_APPLICATIONS = "复议|诉讼|办件|审批|许可|服务|补贴|救助"
# 「收到…申请 N 件」: only the words that can stand between an application and its count
_APPLICATION = (
    rf"(?:收到|受理|新收|接收|接到)(?:(?!{_OTHER_APPLICATIONS})[^,]){{0,30}}?申请(?:公开)?(?:政府信息)?"
    r"(?:\([^)]{0,12}\))?(?:的?(?:数量|总数|件数))?:?" + _TOTAL + _N + _APPS
)
_REQUESTS = re.compile("申请")


def _decisions(keyword: str) -> str:
    """「作出行政许可决定 N 件」, never a count of what was published about the decisions."""
    return _phrase_start("公开|公示|发布|推送") + keyword + "(?:决定)?" + _gap(12, _PUBLISHED) + _N + _DOCS


# (metric, pattern, what the clause must also mention for the number to be about that metric)
_PATTERNS: tuple[tuple[str, re.Pattern, re.Pattern | None], ...] = tuple(
    (m, re.compile(p), c)
    for m, p, c in (
        ("received_incl_carry_over", _APPLICATION + r"[^,]{0,10}(?:含|包括)[^,]{0,6}结转", None),
        ("new_received", _APPLICATION, None),
        (
            "new_received",
            r"(?:收到|受理|新收|接收|接到)[^,\d]{0,6}?"
            + _N
            + _APPS
            + rf"(?:(?!{_OTHER_APPLICATIONS})[^,\d]){{0,10}}?申请",
            None,
        ),
        (
            "new_received",
            rf"未(?:收到|受理|接到)(?:(?!{_OTHER_APPLICATIONS})[^,]){{0,20}}?申请(?P<zero>)",
            None,
        ),
        (
            "done",
            r"(?:办结|已答复|答复完毕|办理完毕)的?(?:(?:依申请公开|政府信息公开申请|信息公开申请|申请)(?:事项)?)?"
            + _TOTAL
            + _N
            + _APPS,
            _REQUESTS,
        ),
        (
            "granted_incl_partial",
            r"(?:予以|全部)公开(?:及|和|与|、|或|以及)部分公开的?(?:申请)?" + _TOTAL + _N + _APPS,
            None,
        ),
        (
            "granted",
            r"(?<![不未])予以公开(?!(?:及|和|与|、|或|以及)部分)的?(?:申请)?" + _TOTAL + _N + _APPS,
            _REQUESTS,
        ),
        ("carried_forward", r"结转下一?年度?" + _gap(8, "上年") + _N + _APPS, None),
        ("carried_forward", _N + _APPS + r"(?:申请)?(?:结转|转入)(?:至|到)?下一?年", None),
        ("carried_forward", r"(?<!上年)(?<!上年度)(?<!上一年)无(?:结转|转入下一?年)(?P<zero>)", None),
        ("review", r"行政复议" + _gap(12, _OUTCOMES) + _N + _CASES, None),
        ("litigation", r"行政诉讼" + _gap(12, _OUTCOMES) + _N + _CASES, None),
        (
            "review",
            _NO + r"[^,]{0,16}?行政复议(?![^,]{0,8}(?:纠错|纠正|败诉|撤销))(?P<zero>)",
            None,
        ),
        (
            "litigation",
            _NO + r"[^,]{0,20}?行政诉讼(?![^,]{0,8}(?:纠错|纠正|败诉|撤销))(?P<zero>)",
            None,
        ),
        (
            "normative_documents_issued",
            r"(?:制发|出台|印发|制定)"
            + _gap(8, _DOC_GAP)
            + r"(?:行政)?规范性文件"
            + _gap(4, _DOC_GAP)
            + _N
            + _DOCS,
            None,
        ),
        (
            "normative_documents_in_force",
            r"现行有效的?(?:行政)?规范性文件" + _gap(6, _DOC_GAP) + _N + _DOCS,
            None,
        ),
        ("normative_documents_in_force", r"(?:行政)?规范性文件中?现行有效的?" + _TOTAL + _N + _DOCS, None),
        (
            "regulations_issued",
            r"(?:制发|出台|印发|制定)" + _gap(8, _DOC_GAP) + r"规章" + _gap(4, _DOC_GAP) + _N + _DOCS,
            None,
        ),
        ("admin_licensing", _decisions("行政许可"), None),
        ("admin_penalty", _decisions("行政处罚"), None),
        ("admin_coercion", _decisions("行政强制"), None),
    )
)
_CLAUSE = re.compile(r"[^。；;！!？?]+")


def regex_claims(paragraphs: Iterable[Paragraph]) -> list[Claim]:
    """Every §4.4 number a sentence states, one claim per metric and sentence."""
    claims: list[Claim] = []
    for para in paragraphs:
        for clause in _CLAUSE.finditer(para.text):
            sentence = clause.group(0)
            folded = sentence.translate(_ASCII)  # one for one: its spans are the sentence's
            taken: set[str] = set()
            for metric, pattern, context in _PATTERNS:
                m = pattern.search(folded)
                if (
                    not m
                    or metric in taken
                    or (context and not context.search(sentence))
                    or (metric == "new_received" and "received_incl_carry_over" in taken)
                ):
                    continue
                value = 0 if m.groupdict().get("zero") is not None else cn_int(m.group("n"))
                if value is not None:
                    taken.add(metric)
                    quote = sentence[m.start() : m.end()]
                    claims.append(Claim(metric=metric, value=value, quote=quote, line=para.line))
    return claims


def table_value(metric: str, tables: TableSet) -> int | float | None:
    cells = _ALL_METRICS[metric][0]
    values = [tables.value(c) for c in cells]
    known = [v for v in values if v is not None]
    return None if len(known) < len(values) else sum(known)


def _table_side(cells: tuple[str, ...], total: int | float, tables: TableSet) -> str:
    """Each cell the claim is compared with, named with its value, and their sum."""
    if len(cells) == 1:
        return f"{S.cell_label_zh(cells[0])}为 {total:g}"
    named = "、".join(f"{S.cell_label_zh(c)} {tables.value(c):g}" for c in cells)
    return f"{named}，合计 {total:g}"


def mismatch_message(claim: Claim, tables: TableSet) -> str | None:
    """The Chinese message when a claim contradicts the tables; None when it agrees or is uncertain."""
    if claim.metric not in _ALL_METRICS:
        return None
    reported = table_value(claim.metric, tables)
    if reported is None or reported == claim.value:
        return None
    cells, name = _ALL_METRICS[claim.metric]
    line = f"第 {claim.line} 行" if claim.line else "正文"
    return f"{line}称{name} {claim.value} 件，但{_table_side(cells, reported, tables)}"
