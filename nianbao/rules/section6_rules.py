"""Part 六: the information-processing fee statement and the other items (spec §1.3, §2.5)."""

from __future__ import annotations

import re

from extractors.part6 import ITEM_NAMES, Part6Item, part6_items, split_heading

from .context import Context
from .registry import Hit, rule

_EMPTY = {"无", "暂无", "无此类情况", "没有", "无相关情况", "不涉及"}
_ZERO = r"(?<![\d.])(?:0|零)(?:\.0+)?(?![\d.])"  # 0, 0.00, 零 — not the 0 of 200
_NO_FEE = re.compile(
    rf"未(收取|产生|发生|发出|开具)|没有(收取|产生)|不收取|无(收取|收费)|(收取|收费)[^。\d]{{0,12}}{_ZERO}|{_ZERO}\s*元"
)
_FEE_COUNT = re.compile(r"(\d+)\s*(件|份|次)")
_FEE_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s*(元|万元)")


def _bare(text: str) -> str:
    return re.sub(r"[。．.，,；;！!\s]", "", text)


def _fee_item(ctx: Context) -> Part6Item | None:
    return next((i for i in part6_items(ctx.ex) if i.key == "fee"), None)


def _fee_applies(ctx: Context) -> bool:
    """The fee regime (国办函〔2020〕109号) starts 2021-01-01; 2019–2020 reports have no fee item."""
    return ctx.year is not None and ctx.year >= 2021 and ctx.ex.template != "legacy"


@rule("fee-statement-missing", "error", "六", spec="§1.3、§2.5", detection="D+L")
def fee_missing(ctx: Context):
    """第六部分没有说明政府信息公开信息处理费的收取情况。

    做什么：2021 年度及以后的报告，第六部分（没有第六部分时为全文）要有关于信息处理费的说明。
    为什么：国办函〔2020〕109号要求在年度报告中说明信息处理费的收取情况；未收取也必须明确写出。
    示例：第六部分只写了年度工作要点落实情况，没有收费情况。
    如何改正：在第六部分增加一项，如「（一）收取信息处理费的情况：本年度未收取信息处理费。」；收取了的写明件数和金额。
    """
    if not _fee_applies(ctx) or _fee_item(ctx):
        return
    if not any(h.part == "六" for h in ctx.ex.parts) and any("处理费" in p.text for p in ctx.narrative):
        return
    yield Hit("第六部分没有说明信息处理费的收取情况（未收取也应明确写明）")


@rule("fee-statement-vague", "info", "六", spec="§1.3、§2.5", detection="D+L")
def fee_vague(ctx: Context):
    """信息处理费说明只写「无」、措辞不准确，或收费了却没写件数和金额（后者为警告）。

    做什么：检查收费一项是否明确写出「未收取信息处理费」；收取了的，是否写明收费通知件数、通知金额和实际收取金额。
    为什么：只写「无」或「未收取关于依申请公开费用」说不清是哪种费用；收了费却没有件数和金额，就无法与表三「逾期未按收费通知要求缴纳费用」核对。
    示例：种子 004 第 413 行「收取信息处理费的情况：无。」；种子 001 第 460 行「未收取关于依申请公开费用。」
    如何改正：写成「本年度未收取信息处理费」，或「本年度发出收费通知 N 件，通知金额 X 元，实际收取 Y 元」。
    """
    item = _fee_item(ctx) if _fee_applies(ctx) else None
    if item is None:
        return
    content = item.content
    if _bare(content) in _EMPTY or not _bare(content):
        yield Hit(
            "信息处理费情况只写了「无」，应明确写出「本年度未收取信息处理费」或收费件数和金额",
            evidence=item.evidence,
            line=item.heading.line,
        )
    elif _NO_FEE.search(content):
        if "处理费" not in content:
            yield Hit(
                f"收费说明「{content[:40]}」未点明「信息处理费」，表述不准确",
                evidence=content[:120],
                line=(item.body or [item.heading])[0].line,
            )
    elif not (_FEE_COUNT.search(content) and _FEE_AMOUNT.search(content)):
        yield Hit(
            "写明收取了信息处理费，但缺少收费通知件数或金额（应写明件数、通知金额和实际收取金额）",
            evidence=content[:120],
            line=item.heading.line,
            severity="warning",
        )


@rule("fee-row-conflict", "warning", "六", spec="§4.2 S-FEE-ROW")
def fee_row_conflict(ctx: Context):
    """表三「逾期未按收费通知要求缴纳费用」大于 0，但第六部分说未收费或收费通知更少（S-FEE-ROW）。

    做什么：表三该行总计大于 0 时，第六部分写明的收费通知件数不得少于该数，也不能写未收费。
    为什么：申请人只有在收到收费通知后，才可能因逾期未缴费而不再处理。
    示例：表三该行为 2 件，第六部分写「未收取信息处理费」。
    如何改正：核对收费通知台账：确有收费通知的，在第六部分写明件数和金额；没有的，改正表三该行。
    """
    unpaid = ctx.value("t3.oh_fee_unpaid.total")
    item = _fee_item(ctx)
    if not unpaid or item is None:
        return
    content = item.content
    counts = [int(n) for n, _ in _FEE_COUNT.findall(content)]
    if _NO_FEE.search(content) or _bare(content) in _EMPTY or (counts and max(counts) < unpaid):
        yield Hit(
            f"表三「申请人逾期未按收费通知要求缴纳费用」为 {unpaid} 件，但第六部分收费说明为「{content[:40]}」，两者矛盾",
            evidence=content[:120],
            line=item.heading.line,
            cell="t3.oh_fee_unpaid.total",
        )


@rule("section6-items-missing", "warning", "六", spec="§2.5", detection="D+L")
def items_missing(ctx: Context):
    """第六部分缺少建议提案办理、政务公开创新、年度工作要点落实等事项。

    做什么：2021 年度及以后的报告，第六部分除收费情况外，还要写人大代表建议和政协提案办理结果公开情况、政务公开工作创新情况、落实上级年度政务公开工作要点情况（顺序和编号不限）。
    为什么：2021 年格式的通行做法要求这些事项 [R]；在全国口径确认之前按警告处理。
    示例：种子 002 第 343–344 行：第六部分只有一句「2024年,清风店镇未产生信息处理费。」
    如何改正：逐项补写缺少的事项；没有承办建议提案的，写明「本年度未承办人大代表建议和政协提案」。
    """
    if not _fee_applies(ctx) or not any(h.part == "六" for h in ctx.ex.parts):
        return
    present = {i.key for i in part6_items(ctx.ex)}
    missing = [ITEM_NAMES[k] for k in ("proposals", "innovation", "key_tasks") if k not in present]
    if missing:
        head = next(h for h in ctx.ex.parts if h.part == "六")
        yield Hit("第六部分缺少：" + "、".join(missing), evidence=head.text, line=head.line)


@rule("section6-item-empty", "info", "六", spec="§2.5", detection="D+L")
def item_empty(ctx: Context):
    """第六部分某一事项有标题但内容只有「无」或为空。

    做什么：检查收费以外的各事项（建议提案、创新、工作要点、其他）是否写了「无」以外的内容。只有一行口号式罗列的，由叙述审阅判断。
    为什么：建议提案一项写「无」可以，但应当用完整的一句话说明（本年度未承办……）。
    示例：种子 004 第 414 行「本年度建议提案办理情况：无」。
    如何改正：用一句完整的话写明实际情况，如「本年度未承办人大代表建议和政协提案」，或写明具体做法和成效。
    """
    for item in part6_items(ctx.ex):
        if item.key != "fee" and item.numbered and _bare(item.content) in _EMPTY | {""}:
            name = ITEM_NAMES.get(item.key or "", "该事项")
            said = f"只有「{item.content}」" if item.content else "为空"
            yield Hit(
                f"「{split_heading(item.heading.text)[0]}」的内容{said}，应写明{name}的实际情况",
                evidence=item.evidence,
                line=item.heading.line,
            )
