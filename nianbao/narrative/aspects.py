"""The aspects a narrative must cover (spec §2.2, §2.4, §2.5) and the findings their statuses
imply — one mapping for the LLM and the heuristic alike."""

from __future__ import annotations

from dataclasses import dataclass

from extractors.extract import Extraction
from extractors.part6 import ITEM_NAMES

from ..models import AspectStatus, Finding, FindingSource
from ..rules.context import Context
from .findings import already_empty_lines, finding


@dataclass(frozen=True)
class Aspect:
    """One thing the narrative must cover, and the part it belongs to."""

    key: str
    part: str
    name: str
    short: str  # the prompt's gloss: paid for on every request, so as short as still clear


ASPECTS = (
    Aspect("proactive", "一", "主动公开", "主动公开"),
    Aspect("on_request", "一", "依申请公开", "依申请公开"),
    Aspect("info_management", "一", "政府信息管理", "信息管理"),
    Aspect("platforms", "一", "政府信息公开平台建设", "平台建设"),
    Aspect("supervision", "一", "监督保障", "监督保障"),
    Aspect("assessment_results", "一", "工作考核、社会评议和责任追究的结果", "考核评议追究结果"),
    Aspect("problems", "五", "存在的主要问题", "存在问题"),
    Aspect("measures", "五", "改进措施", "改进措施"),
    Aspect("rectification", "五", "上年度问题的整改情况", "上年问题整改"),
    Aspect("fee", "六", ITEM_NAMES["fee"], "信息处理费"),
    Aspect("key_tasks", "六", ITEM_NAMES["key_tasks"], "工作要点落实"),
    Aspect("proposals", "六", ITEM_NAMES["proposals"], "建议提案办理"),
    Aspect("innovation", "六", ITEM_NAMES["innovation"], "创新情况"),
)
BY_KEY = {a.key: a for a in ASPECTS}
# the aspects the LLM judges; not the fee: fee-statement-missing/-vague judge it by rule, so the
# model's view of it would be paid for and never used
JUDGED = tuple(a for a in ASPECTS if a.key != "fee")
OVERVIEW = ("proactive", "on_request", "info_management", "platforms", "supervision")
_RANK = {"missing": 0, "partial": 1, "covered": 2}


def required(ex: Extraction, parts: tuple[str, ...] = ("一", "五", "六")) -> list[Aspect]:
    """The aspects the LLM judges in these parts; 考核/评议/追究 results only for a 人民政府
    (条例第五十条)."""
    return [
        a
        for a in JUDGED
        if a.part in parts and (a.key != "assessment_results" or ex.meta.is_people_government)
    ]


def merge(statuses: list[AspectStatus]) -> list[AspectStatus]:
    """One status per aspect, the best found: a part split over several requests is covered
    when any piece covers it."""
    best: dict[str, AspectStatus] = {}
    for s in statuses:
        if s.aspect not in best or _RANK[s.status] > _RANK[best[s.aspect].status]:
            best[s.aspect] = s
    return [best[a.key] for a in ASPECTS if a.key in best]


def _heading_line(ex: Extraction, part: str) -> int | None:
    return next((h.line for h in ex.parts if h.part == part), None)


def coverage_findings(statuses: list[AspectStatus], ctx: Context, source: FindingSource) -> list[Finding]:
    """overview-aspect-missing, assessment-results-missing, section5-weak and section6-item-empty
    from the statuses. Only clear cases: an overview aspect that is missing (not merely thin),
    results missing altogether, part 五 without concrete problems or without measures, a part 六
    item judged thin that the deterministic rule has not already reported."""
    ex = ctx.ex
    present = {h.part for h in ex.parts}  # a missing part is the deterministic missing-part's finding
    # short of covered: the model's judgement against the prompt's criteria; the heuristic's
    # 'partial' is a keyword count, too weak for a finding of its own
    falls_short = ("missing", "partial") if source == "llm" else ("missing",)
    by_key = {s.aspect: s for s in statuses if s.part in present}
    out = [
        finding(
            ctx,
            "overview-aspect-missing",
            f"第一部分没有写「{BY_KEY[k].name}」方面的情况",
            source,
            line=_heading_line(ex, "一"),
        )
        for k in OVERVIEW
        if k in by_key and by_key[k].status == "missing"
    ]
    results = by_key.get("assessment_results")
    if results and results.status in falls_short and ex.meta.is_people_government:
        anchor = results if results.evidence else by_key.get("supervision", results)
        message = (
            "没有写明工作考核、社会评议和责任追究的结果（未发生也应明确写明），只写制度或工作措施不够"
            if results.status == "missing"
            else f"工作考核、社会评议和责任追究只写明了部分结果：{results.summary or '其余几项未写结果'}（未发生也应明确写明）"
        )
        out.append(
            finding(
                ctx,
                "assessment-results-missing",
                message,
                source,
                anchor.evidence,
                anchor.line or _heading_line(ex, "一"),
            )
        )
    problems, measures, rectification = (by_key.get(k) for k in ("problems", "measures", "rectification"))
    lacking = []
    if problems and problems.status != "covered":
        lacking.append(
            "没有列出存在的问题" if problems.status == "missing" else "存在的问题只有一条或过于笼统"
        )
    if measures and measures.status in falls_short:
        lacking.append("没有改进措施" if measures.status == "missing" else "改进措施笼统或与所列问题不对应")
    if lacking:
        if rectification and rectification.status == "missing":
            lacking.append("也未说明上年度问题的整改情况")
        weak = problems if problems and problems.evidence else measures or problems
        assert weak is not None  # something is lacking only where problems or measures were judged
        out.append(
            finding(
                ctx,
                "section5-weak",
                "第五部分" + "，".join(lacking),
                source,
                weak.evidence,
                weak.line or _heading_line(ex, "五"),
            )
        )
    reported = already_empty_lines(ctx)
    out += [
        finding(
            ctx,
            "section6-item-empty",
            f"「{BY_KEY[s.aspect].name}」内容空泛：{s.summary or '只有套话或一句话'}",
            source,
            s.evidence,
            s.line,
        )
        for s in by_key.values()  # the fee has rules of its own (fee-statement-vague)
        if s.part == "六" and s.aspect != "fee" and s.status == "partial" and s.line not in reported
    ]
    return out
