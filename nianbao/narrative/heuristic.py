"""The narrative review without an LLM (``--no-llm``, nothing configured, or the LLM failed):
sub-headings and keywords for the aspects, a few precise patterns for the text rules.
Conservative by design — it reports only what a pattern shows beyond doubt, and never a rule the
deterministic checks already cover (fee, part 六 items, numbers against the tables)."""

from __future__ import annotations

import re
from dataclasses import replace

from extractors.document import Paragraph
from extractors.extract import Extraction
from extractors.normalize import ORDINAL_RE, fold
from extractors.part6 import part6_items

from ..claims import regex_claims
from ..config import Config
from ..models import AspectStatus, Coverage, Finding, FindingSource, Narrative
from ..rules.context import Context
from ..rules.section6_rules import fee_vague
from .aspects import BY_KEY, OVERVIEW, coverage_findings
from .findings import already_empty_lines, finding

SOURCE: FindingSource = "heuristic"
# keywords per overview aspect, matched on sub-headings first, then on the text of part 一
_OVERVIEW_WORDS = {
    "proactive": ("主动公开", "信息发布", "发布信息", "公开信息", "政策解读", "重点领域"),
    "on_request": ("依申请", "申请公开", "公开申请"),
    "info_management": ("信息管理", "保密审查", "公开目录", "源头认定", "公开属性", "发布审核", "审核发布"),
    "platforms": ("平台", "网站", "新媒体", "公众号", "政府公报", "公开专区", "公开栏"),
    "supervision": ("监督", "考核", "评议", "责任追究", "培训", "组织领导", "队伍建设"),
}
_KINDS = {
    "考核": re.compile(r"考核|考评"),
    "社会评议": re.compile(r"评议"),
    "责任追究": re.compile(r"追究|追责|问责"),
}
_RESULT = re.compile(
    r"结果|未(?:出现|发生|开展|收到)|没有(?:出现|发生)|无[^，。；]{0,12}(?:情况|问题)|得分|优秀|良好|合格"
    r"|等次|排名|第[一二三四五六七八九十\d]+名|被评为|通报|\d+\s*(?:人|起|名)"
)
_SENTENCE = re.compile(r"[^。；;！!？?]+[。；;！!？?]?")
_MEASURE_HEAD = re.compile(r"改进|措施|整改|下一步|今后")
_PROBLEM_HEAD = re.compile(r"问题|不足")
_ORDINAL = r"(?:[（(][一二三四五六七八九十\d]{1,2}[)）]|[一二三四五六七八九十\d]{1,2}[、.．])"
# 「（二）改进措施：一是…」: a sub-heading that shares its paragraph with the text it heads; an
# item's own label (「二是解决群众反映问题：」) is none
_INLINE_HEAD = re.compile(
    rf"^\s*{_ORDINAL}?\s*(?![一二三四五六七八九十]是)(?P<label>[^，,。；;：:]{{2,16}})[：:]"
)
_INLINE_PROBLEMS = re.compile(r"存在|不足")
_ACTION = r"加强|强化|完善|健全|推进|提升|提高|加大|做好|开展|落实|明确|规范|建立|深化|优化|丰富|拓宽|扩大"
# where measures start inside a paragraph; they count only if items or actions follow (_measure_start)
_MEASURE_MARK = re.compile(
    r"针对(?:上述|以上|这些|存在的?)问题|下一步|今后|(?:改进|整改)措施"
    r"|(?:以下|如下)(?:几[个项]?方面的?)?(?:措施|工作|举措)|将[^，,。；;]{0,12}?(?:改进|整改)"
)
# a paragraph that opens with a verb of action is a measure even without a 「改进措施」 heading
_MEASURE_LEAD = re.compile(rf"^(?:{_ORDINAL}|[一二三四五六七八九十]是)?\s*(?:{_ACTION})")
_ITEM = re.compile(
    r"[一二三四五六七八九十]是|(?:^|[。；;])\s*\d{1,2}[、.．](?!\d)|[（(][一二三四五六七八九十\d]{1,2}[)）]"
)
_CLAUSE_END = "。；;！!？?，,"
_RECTIFIED = re.compile(r"(?:上一?年度?|去年)[^。；]{0,40}(?:问题|整改)|整改(?:情况|落实|到位|完成)")
_TYPOS = {"管委员会": "管委会", "依法申请公开情况": "依申请公开情况"}
_SCOPE = re.compile(
    r"向[^，。；]{0,20}各(?:镇|乡|街道|部门|单位)[^，。；]{0,12}(?:提起|提出)的[^，。；]{0,12}申请"
)
_BOILERPLATE = (
    (
        re.compile(r"公民、法人或者?其他组织可(?:以)?申请[^。]{0,40}主动公开以外"),
        "照抄了依申请公开指南的文字，没有写本年度的实际情况",
    ),
    (
        re.compile(r"(?:0|零)件[，,]\s*(?:所有|全部)(?:案件|申请)[^。]{0,12}(?:办理|处理)"),
        "称「0件」又称「所有案件均已办理」，固定表述与事实矛盾",
    ),
)


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


def _status(ok: bool, some: bool) -> Coverage:
    return "covered" if ok else "partial" if some else "missing"


def _overview(ex: Extraction) -> list[AspectStatus]:
    paras = ex.part_paragraphs("一")
    headings = [(p, _sentences(p.text)[0]) for p in paras if ORDINAL_RE.match(fold(p.text))]
    out = []
    for key in OVERVIEW:
        words = _OVERVIEW_WORDS[key]
        head = next(((p, h.rstrip("。；;")) for p, h in headings if any(w in fold(h) for w in words)), None)
        if head:
            out.append(
                AspectStatus(
                    part="一",
                    aspect=key,
                    status="covered",
                    evidence=head[1],
                    line=head[0].line,
                    summary=f"小标题「{head[1][:30]}」",
                )
            )
            continue
        hits = [(p, s, w) for p in paras for s in _sentences(p.text) for w in words if w in fold(s)]
        status = _status(len({w for _, _, w in hits}) >= 2, bool(hits))
        p, s = (hits[0][0], hits[0][1]) if hits else (None, "")
        summary = f"正文提到「{'、'.join(dict.fromkeys(w for *_, w in hits))}」" if hits else "未见相关内容"
        out.append(
            AspectStatus(
                part="一",
                aspect=key,
                status=status,
                evidence=s[:60],
                line=p.line if p else None,
                summary=summary,
            )
        )
    return out


def _assessment(ex: Extraction) -> AspectStatus:
    """Results of 考核/评议/追究: a sentence naming one of them together with an outcome
    (「结果」「未出现」「优秀」…). Listing the systems is not a result (spec §2.2)."""
    kinds: set[str] = set()
    first: tuple[Paragraph, str] | None = None
    for p in ex.narrative:
        for s in _sentences(p.text):
            named = {k for k, rx in _KINDS.items() if rx.search(s)}
            if named and _RESULT.search(s):
                kinds |= named
                first = first or (p, s)
    summary = (
        f"写明了{'、'.join(k for k in _KINDS if k in kinds)}的结果"
        if kinds
        else "只写了制度或工作措施，没有结果"
    )
    return AspectStatus(
        part="一",
        aspect="assessment_results",
        status=_status(len(kinds) >= 2, bool(kinds)),
        evidence=first[1][:60] if first else "",
        line=first[0].line if first else None,
        summary=summary,
    )


def _is_short_title(text: str) -> bool:
    folded = fold(text)
    return len(folded) <= 20 and "。" not in folded.rstrip("。")


def _inline_head(text: str) -> tuple[bool, str] | None:
    """A 「改进措施：」/「存在问题：」 label opening the paragraph: whether it heads measures, and the
    text after it."""
    m = _INLINE_HEAD.match(text)
    if not m:
        return None
    if _MEASURE_HEAD.search(m.group("label")):
        return True, text[m.end() :]
    return (False, text[m.end() :]) if _INLINE_PROBLEMS.search(m.group("label")) else None


def _measure_start(text: str) -> int | None:
    """Where measures start inside a paragraph: the clause holding a marker (「下一步」「以下措施」
    「将…改进」) that enumerated items or action verbs follow, or that introduces a list (「：」)."""
    for m in _MEASURE_MARK.finditer(text):
        rest = text[m.end() :]
        if _ITEM.search(rest) or re.search(_ACTION, rest) or rest.rstrip().endswith(("：", ":")):
            return max(text.rfind(c, 0, m.start()) for c in _CLAUSE_END) + 1
    return None


def _part5(ex: Extraction) -> list[AspectStatus]:
    """Problems and measures, by the sub-headings 「存在问题」「改进措施」 (alone or opening a
    paragraph), or a marker inside a paragraph (「针对上述问题」「下一步」「以下措施：一是…」)."""
    problems: list[tuple[Paragraph, str]] = []
    measures: list[tuple[Paragraph, str]] = []
    section = problems
    for p in ex.part_paragraphs("五"):
        if _is_short_title(p.text) and (_MEASURE_HEAD.search(p.text) or _PROBLEM_HEAD.search(p.text)):
            section = measures if _MEASURE_HEAD.search(p.text) else problems
            continue
        text = p.text
        if inline := _inline_head(text):
            heads_measures, text = inline
            section = measures if heads_measures else problems
        if section is problems and _MEASURE_LEAD.match(fold(text)):
            section = measures
        start = _measure_start(text) if section is problems else None
        if start is not None:
            if text[:start].strip():
                problems.append((p, text[:start]))
            measures.append((p, text[start:]))
            section = measures
        else:
            section.append((p, text))
    problem_text = [t for _, t in problems]
    count = sum(len(_ITEM.findall(t)) for t in problem_text) or sum(
        1 for t in problem_text for s in _sentences(t) if len(fold(s)) >= 8 and not s.endswith(("：", ":"))
    )
    bare = re.sub(r"[\W_]", "", "".join(t for _, t in measures))
    whole = "".join(p.text for p in ex.part_paragraphs("五"))
    rectified = _RECTIFIED.search(whole)

    def first(items: list[tuple[Paragraph, str]]) -> tuple[str, int | None]:
        """The first item itself, not an introduction such as 「主要存在以下问题：」."""
        p, t = (
            next(((p, t) for p, t in items if not t.rstrip().endswith(("：", ":"))), items[0])
            if items
            else (None, "")
        )
        return t.strip()[:60], p.line if p else None

    (p_ev, p_line), (m_ev, m_line) = first(problems), first(measures)
    return [
        AspectStatus(
            part="五",
            aspect="problems",
            status=_status(count >= 2, count == 1),
            evidence=p_ev,
            line=p_line,
            summary=f"列出 {count} 个问题",
        ),
        AspectStatus(
            part="五",
            aspect="measures",
            status=_status(len(bare) >= 10, False),
            evidence=m_ev,
            line=m_line,
            summary="有改进措施" if len(bare) >= 10 else "没有改进措施",
        ),
        AspectStatus(
            part="五",
            aspect="rectification",
            status=_status(bool(rectified), False),
            evidence=rectified.group(0) if rectified else "",
            summary="说明了上年度问题整改情况" if rectified else "未说明上年度问题整改情况",
        ),
    ]


def _part6(ctx: Context) -> list[AspectStatus]:
    """Part 六 items as the deterministic rules see them: absent, flagged as empty/vague, or present."""
    items = part6_items(ctx.ex)
    thin = already_empty_lines(ctx) | {hit.line for hit in fee_vague(ctx)}
    out = []
    for key in ("fee", "key_tasks", "proposals", "innovation"):
        item = next((i for i in items if i.key == key), None)
        if item is None:
            out.append(AspectStatus(part="六", aspect=key, status="missing", summary="没有这一事项"))
            continue
        lines = {item.heading.line, *(p.line for p in item.body)}
        status: Coverage = "partial" if lines & thin else "covered"
        out.append(
            AspectStatus(
                part="六",
                aspect=key,
                status=status,
                evidence=item.evidence[:60],
                line=item.heading.line,
                summary="内容空泛或只写「无」" if status == "partial" else "有说明",
            )
        )
    return out


def _observations(ex: Extraction, ctx: Context) -> list[Finding]:
    out = []
    for p in ex.narrative:
        for wrong, right in _TYPOS.items():
            if wrong in p.text:
                out.append(finding(ctx, "typo", f"「{wrong}」应为「{right}」", SOURCE, wrong, p.line))
        if m := _SCOPE.search(p.text):
            out.append(
                finding(
                    ctx,
                    "scope-unclear",
                    "申请数包括下属各镇、各部门收到的申请，统计范围超出本机关",
                    SOURCE,
                    m.group(0),
                    p.line,
                )
            )
        for rx, message in _BOILERPLATE:
            if m := rx.search(p.text):
                out.append(finding(ctx, "boilerplate-text", message, SOURCE, m.group(0), p.line))
    return out


def _summary(aspects: list[AspectStatus], people_government: bool) -> str:
    by_key = {a.aspect: a for a in aspects}
    gaps = [BY_KEY[k].name for k in OVERVIEW if by_key[k].status == "missing"]
    sentences = [
        "第一部分缺少" + "、".join(f"「{g}」" for g in gaps) + "方面" if gaps else "第一部分五个方面均有涉及"
    ]
    if people_government:
        sentences.append(
            {
                "covered": "写明了考核、评议和追究的结果",
                "partial": "只写明了部分考核、评议或追究的结果",
                "missing": "没有写明工作考核、社会评议和责任追究的结果",
            }[by_key["assessment_results"].status]
        )
    weak = by_key["problems"].status != "covered" or by_key["measures"].status == "missing"
    sentences.append("第五部分问题或改进措施不够具体" if weak else "第五部分列出了问题和改进措施")
    return "启发式检查：" + "。".join(sentences) + "。"


def heuristic_review(ex: Extraction, config: Config) -> tuple[Narrative, list[Finding]]:
    """The NarrativeReviewer used without an LLM. Stateless, so batches may share it."""
    ctx = Context(ex, config)
    aspects = _overview(ex)
    if ex.meta.is_people_government:
        aspects.append(_assessment(ex))
    aspects += _part5(ex) + _part6(ctx)
    findings = coverage_findings(aspects, ctx, SOURCE) + _observations(ex, ctx)
    narrative = Narrative(
        method="heuristic",
        aspects=aspects,
        claims=regex_claims(ctx.narrative),
        summary=_summary(aspects, ex.meta.is_people_government),
    )
    return narrative, findings


def fallback_review(ex: Extraction, config: Config, error: Exception) -> tuple[Narrative, list[Finding]]:
    """After the narrative reviewer broke unexpectedly: the heuristic if it can, else nothing —
    and one info finding saying so."""
    try:
        narrative, findings = heuristic_review(ex, config)
        done = "叙述部分改用启发式检查"
    except Exception:
        narrative, findings, done = Narrative(), [], "叙述部分未审阅"
    message = f"叙述审阅出错（{error.__class__.__name__}），{done}；确定性检查结果不受影响"
    unavailable = finding(Context(ex, config), "narrative-review-unavailable", message, "rule")
    return replace(narrative, note=message), [*findings, unavailable]
