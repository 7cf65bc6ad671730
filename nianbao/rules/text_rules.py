"""Rules over the narrative text: numbers against the tables, truncation, conversion artefacts,
misspellings."""

from __future__ import annotations

import re
from itertools import pairwise

from extractors.normalize import cn_int, fold, starts_with_ordinal
from extractors.schema import TABLE_PART

from ..claims import mismatch_message, regex_claims
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


@rule("narrative-table-mismatch", "warning", spec="§4.4", detection="D+L")
def narrative_table(ctx: Context):
    """正文中的数字与表格不一致（§4.4：收到申请、办结、结转、复议、诉讼、制发文件、现行有效文件、予以公开、许可处罚强制）。

    做什么：找出正文中写到的数字（此处按句式查找，配置了大模型时也由大模型提取），由代码与对应的表格单元格比较。只有数字周围的词说明了统计项、量词也对应该统计项时才比较：「主动公开文件3条」不是「制发行政规范性文件3件」，「公开行政许可信息40条」不是 40 件许可决定，「三个第一时间」不是申请件数。
    为什么：正文和表格说的应是同一回事，不一致说明其中一处写错。
    示例：第 11 行称收到/受理申请 26 件，但表三「一、本年新收…」「总计」列为 25。
    如何改正：以台账为准，改正正文或表格中写错的数字，使两处一致。
    """
    seen: set[tuple[str, int]] = set()
    for claim in regex_claims(ctx.narrative):
        message = mismatch_message(claim, ctx.ex.tables)
        if message and (claim.metric, claim.value) not in seen:
            seen.add((claim.metric, claim.value))
            yield Hit(message, evidence=claim.quote, line=claim.line)


@rule("truncated-sentence", "info", spec="§6.1", detection="D+L")
def truncated_sentence(ctx: Context):
    """一段正文没有句末标点就结束，下一行是标题（句子被截断）。

    做什么：正文中一段不少于 20 个字、本身不是标题的文字，没有句末标点就结束，下一段是标题（或报告就此结束）。
    为什么：通常是复制粘贴或格式转换时丢了文字。
    示例：种子 003 第 402 行「…主要局限于文字和图片」之后直接是「（二）改进措施」。
    如何改正：对照原稿补全句子并加上句末标点。
    """
    meta = ctx.ex.meta
    paragraphs = [
        p
        for p in ctx.narrative
        if (meta.signature_line is None or p.line < meta.signature_line)
        and not (meta.title and ctx.ex.part_of(p.line) is None and fold(p.text) in meta.title)
    ]
    for para, following in pairwise(paragraphs):
        text = para.text.rstrip()
        if (
            len(text) >= 20
            and not starts_with_ordinal(text)
            and not text.endswith(_TERMINAL)
            and starts_with_ordinal(following.text)
        ):
            yield Hit(
                f"{ctx.place(para.line)}的句子没有结束就转入下一标题，疑似被截断：「…{text[-20:]}」",
                evidence=text[-40:],
                line=para.line,
            )


@rule("conversion-artifact", "info", spec="§6.1、§7.3")
def conversion_artifact(ctx: Context):
    """文本中残留转换痕迹：Word 书签标记、被截断的表头、被拆成两行的行标签。

    做什么：查找「[bookmark: …]」标记、被截短的表头（「结果纠正」只剩「结果」）、被截断的表三左上角说明、被拆成两行的行标签。这些痕迹在其他检查之前已清除或拼合，不会造成误报。
    为什么：只有在发布页面上也看得到时才算发布缺陷，需要对照原页面。
    示例：种子 000 第 399 行「[bookmark: OLE_LINK16]…」。
    如何改正：检查发布页面；页面上可见的，删除书签标记，补全表头，把被拆开的行标签合并为一行。
    """
    by_kind: dict[str, list] = {}
    for artifact in [*ctx.ex.doc.artifacts, *ctx.ex.tables.artifacts]:
        by_kind.setdefault(artifact.kind, []).append(artifact)
    for kind, found in by_kind.items():
        places = "、".join(ctx.place(a.line) for a in found[:6]) + ("等" if len(found) > 6 else "")
        yield Hit(
            f"{_ARTIFACTS[kind]}（{places}），已在分析前清除；请核对发布页面是否可见",
            evidence=found[0].text[:80],
            line=found[0].line,
        )


# the docstring's first line is quoted in the LLM prompt (llm_review.py): changing it changes the prompt
@rule("typo", "info", None, spec="§6.1", detection="D+L")
def typo(ctx: Context):
    """错别字或机关名称写错。

    做什么：表格的行标签与格式措辞不同、但按固定行序可以确定是哪一行的（按该行读取）；正文中「一是…二是…」的序号跳号或重复；正文中的错字和名称（如「管委员会」应为「管委会」）由叙述审阅查找。
    为什么：这些都是正式发布文件中的错误；行标签写错的表格难以比对。
    示例：表三「2.其他法律行政止公开」（应为「2.其他法律行政法规禁止公开」）；「一是…三是…三是」；种子 004 第 6 行「经开区管委员会」。
    如何改正：按格式改正行标签，按顺序改正序号，改正错字和机关名称。
    """
    for table, printed, expected, line in ctx.ex.tables.label_typos:
        part = TABLE_PART[table]
        yield Hit(
            f"表{part}行标签「{printed}」与格式不符，应为「{expected}」（已按位置读作该行）",
            evidence=printed,
            line=line,
            part=part,
        )
    for para in ctx.narrative:
        ordinals = [m.group(1) for m in _ENUMERATION.finditer(para.text)]
        values = [cn_int(o) for o in ordinals]
        if len(values) >= 2 and values[0] == 1 and values != list(range(1, len(values) + 1)):
            printed = "、".join(f"{o}是" for o in ordinals)
            right = "、".join(f"{'一二三四五六七八九十'[i]}是" for i in range(min(len(values), 10)))
            yield Hit(
                f"分项序号依次为「{printed}」，不连续或重复，应为「{right}」",
                evidence=printed,
                line=para.line,
            )
