"""Rules over the narrative text: numbers against the tables, truncation, conversion artefacts,
misspellings."""

from __future__ import annotations

import re

from extractors.normalize import fold, starts_with_ordinal
from extractors.schema import TABLE_PART

from ..claims import cn_int, mismatch_message, regex_claims
from .context import Context
from .registry import Hit, rule

_TERMINAL = tuple("。！？；;!?：:…”」）)》")
# 「一是…二是…三是」: an enumeration inside a paragraph, each item opening a clause
_ENUMERATION = re.compile(r"(?:^|(?<=[。；;：:，,、]))\s*([一二三四五六七八九十]{1,2})是")
_ARTIFACTS = {
    "bookmark": "Word 书签标记「[bookmark: …]」",
    "truncated-header": "表头文字被截断",
    "truncated-note": "表三左上角说明文字被截断",
    "wrapped-label": "行标签被拆成两行",
}


@rule("narrative-table-mismatch", "warning", detection="D+L")
def narrative_table(ctx: Context):
    """正文中的数字与表格不一致（§4.4：收到申请、办结、结转、复议、诉讼、制发文件、现行有效文件、予以公开、许可处罚强制）。

    What it checks: numbers stated in the narrative (found by pattern here, and by the LLM when
    one is configured) against the table cells they describe — compared by code. A number counts
    only when the words around it name the metric and its unit counts the metric's own object:
    「主动公开文件3条」 is not 「制发行政规范性文件3件」, 「公开行政许可信息40条」 is not 40 licensing
    decisions, 「三个第一时间」 is no count of applications.
    Why: the narrative and the tables must tell the same story; a mismatch means one is wrong.
    Example: 第 11 行称收到/受理申请 26 件，但表三「一、本年新收…」「总计」列为 25.
    """
    seen: set[tuple[str, int]] = set()
    for claim in regex_claims(ctx.narrative):
        message = mismatch_message(claim, ctx.ex.tables)
        if message and (claim.metric, claim.value) not in seen:
            seen.add((claim.metric, claim.value))
            yield Hit(message, evidence=claim.quote, line=claim.line)


@rule("truncated-sentence", "info", detection="D+L")
def truncated_sentence(ctx: Context):
    """一段正文没有句末标点就结束，下一行是标题（句子被截断）。

    What it checks: a narrative paragraph of at least 20 characters that is not itself a heading,
    ends without closing punctuation and is followed by a heading (or ends the report).
    Why: usually text lost when the report was pasted or converted.
    Example: 「…主要局限于文字和图片」之后直接是「（二）改进措施」.
    """
    meta = ctx.ex.meta
    paragraphs = [p for p in ctx.narrative if (meta.signature_line is None or p.line < meta.signature_line)
                  and not (meta.title and ctx.ex.part_of(p.line) is None and fold(p.text) in meta.title)]
    for para, following in zip(paragraphs, paragraphs[1:]):
        text = para.text.rstrip()
        if (len(text) >= 20 and not starts_with_ordinal(text) and not text.endswith(_TERMINAL)
                and starts_with_ordinal(following.text)):
            yield Hit(f"第 {para.line} 行的句子没有结束就转入下一标题，疑似被截断：「…{text[-20:]}」",
                      evidence=text[-40:], line=para.line)


@rule("conversion-artifact", "info")
def conversion_artifact(ctx: Context):
    """文本中残留转换痕迹：Word 书签标记、被截断的表头、被拆成两行的行标签。

    What it checks: ``[bookmark: …]`` tokens, table headers cut short (「结果」 for 「结果纠正」), the
    truncated corner note of table 三, row labels wrapped over two lines. They are removed or
    joined before any other check, so they never cause a false finding.
    Why: not a publication defect unless visible on the published page — check the original.
    Example: 第 399 行「[bookmark: OLE_LINK16]…」.
    """
    by_kind: dict[str, list] = {}
    for artifact in [*ctx.ex.doc.artifacts, *ctx.ex.tables.artifacts]:
        by_kind.setdefault(artifact.kind, []).append(artifact)
    for kind, found in by_kind.items():
        lines = "、".join(str(a.line) for a in found[:6]) + ("等" if len(found) > 6 else "")
        yield Hit(f"{_ARTIFACTS[kind]}（第 {lines} 行），已在分析前清除；请核对发布页面是否可见",
                  evidence=found[0].text[:80], line=found[0].line)



# the docstring's first line is quoted in the LLM prompt (llm_review.py): changing it changes the prompt
@rule("typo", "info", None, detection="D+L")
def typo(ctx: Context):
    """错别字或机关名称写错。

    What it checks: a table label that differs from the format's wording but stands where the
    fixed row order leaves no doubt which row it is (the row is read as that row); an enumeration
    「一是…二是…」 whose ordinals skip or repeat; in the narrative, wrong words and names
    (「管委员会」 for 「管委会」), found by the narrative review.
    Why: errors in an official publication; a mislabelled table row is hard to compare.
    Example: 表三「2.其他法律行政止公开」（应为「2.其他法律行政法规禁止公开」）; 「一是…三是…三是」.
    """
    for table, printed, expected, line in ctx.ex.tables.label_typos:
        part = TABLE_PART[table]
        yield Hit(f"表{part}行标签「{printed}」与格式不符，应为「{expected}」（已按位置读作该行）",
                  evidence=printed, line=line, part=part)
    for para in ctx.narrative:
        ordinals = [m.group(1) for m in _ENUMERATION.finditer(para.text)]
        values = [cn_int(o) for o in ordinals]
        if len(values) >= 2 and values[0] == 1 and values != list(range(1, len(values) + 1)):
            printed = "、".join(f"{o}是" for o in ordinals)
            right = "、".join(f"{'一二三四五六七八九十'[i]}是" for i in range(min(len(values), 10)))
            yield Hit(f"分项序号依次为「{printed}」，不连续或重复，应为「{right}」", evidence=printed, line=para.line)
