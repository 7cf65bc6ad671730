"""Part 六: the information-processing fee statement and the other items (spec §1.3, §2.5)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractors.document import Paragraph
from extractors.normalize import ORDINAL_RE, fold

from .context import Context
from .registry import Hit, rule

ITEM_KEYWORDS = {
    "fee": ("信息处理费", "处理费", "收费", "收取", "费用"),
    "proposals": ("建议", "提案"),
    "innovation": ("创新",),
    "key_tasks": ("工作要点", "工作方案", "要点落实", "年度工作要点", "政务公开工作要点"),
}
ITEM_NAMES = {"fee": "信息处理费收取情况", "proposals": "人大代表建议和政协提案办理结果公开情况",
              "innovation": "政务公开工作创新情况", "key_tasks": "落实上级年度政务公开工作要点情况"}
_EMPTY = {"无", "暂无", "无此类情况", "没有", "无相关情况", "不涉及"}
_ZERO = r"(?<![\d.])(?:0|零)(?:\.0+)?(?![\d.])"  # 0, 0.00, 零 — not the 0 of 200
_NO_FEE = re.compile(rf"未(收取|产生|发生|发出|开具)|没有(收取|产生)|不收取|无(收取|收费)|(收取|收费)[^。\d]{{0,12}}{_ZERO}|{_ZERO}\s*元")
_FEE_COUNT = re.compile(r"(\d+)\s*(件|份|次)")
_FEE_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s*(元|万元)")


@dataclass
class Item:
    key: str | None
    heading: Paragraph
    inline: str  # text after the heading's colon, or the whole paragraph of an unnumbered item
    numbered: bool
    body: list[Paragraph] = field(default_factory=list)

    @property
    def content(self) -> str:
        return "".join([self.inline, *(p.text for p in self.body)]).strip()

    @property
    def evidence(self) -> str:
        return (self.heading.text if self.inline == self.heading.text else
                f"{self.heading.text} {' '.join(p.text for p in self.body)}").strip()[:120]


def _classify(text: str) -> str | None:
    folded = fold(text)
    return next((key for key, words in ITEM_KEYWORDS.items() if any(w in folded for w in words)), None)


def _split_heading(text: str) -> tuple[str, str]:
    for sep in ("：", ":"):
        if sep in text[:80]:
            head, _, rest = text.partition(sep)
            return head, rest.strip()
    return text, ""


def items_of_part6(paragraphs: list[Paragraph]) -> list[Item]:
    """Split part 六 by its numbered sub-headings; an unnumbered paragraph outside any numbered
    item is an item of its own (e.g. a part 六 that is one fee sentence)."""
    items: list[Item] = []
    for para in paragraphs:
        if ORDINAL_RE.match(fold(para.text)):
            head, rest = _split_heading(para.text)
            if not rest and para.text.rstrip().endswith("。"):
                rest = head  # 「（一）…。」 is an item stated in one sentence, not a bare heading
            items.append(Item(_classify(head), para, rest, True))
        elif items and items[-1].numbered:
            items[-1].body.append(para)
        else:
            items.append(Item(_classify(para.text), para, para.text, False))
    return items


def _bare(text: str) -> str:
    return re.sub(r"[。．.，,；;！!\s]", "", text)


def part6_items(ctx: Context) -> list[Item]:
    end = ctx.ex.meta.signature_line
    return items_of_part6([p for p in ctx.part("六") if end is None or p.line < end])


def _fee_item(ctx: Context) -> Item | None:
    return next((i for i in part6_items(ctx) if i.key == "fee"), None)


def _fee_applies(ctx: Context) -> bool:
    """The fee regime (国办函〔2020〕109号) starts 2021-01-01; 2019–2020 reports have no fee item."""
    return ctx.year is not None and ctx.year >= 2021 and ctx.ex.template != "legacy"


@rule("fee-statement-missing", "error", "六", detection="D+L")
def fee_missing(ctx: Context):
    """第六部分没有说明政府信息公开信息处理费的收取情况。

    What it checks: part 六 (or, when part 六 is absent, the whole text) has a statement about
    信息处理费 — reports for 2021 and later.
    Why: 国办函〔2020〕109号 requires the fee collection to be reported in the annual report;
    「no fee charged」 must be said explicitly.
    Example: 第六部分只写了年度工作要点落实情况，没有收费情况.
    """
    if not _fee_applies(ctx) or _fee_item(ctx):
        return
    if not any(h.part == "六" for h in ctx.ex.parts) and any("处理费" in p.text for p in ctx.narrative):
        return
    yield Hit("第六部分没有说明信息处理费的收取情况（未收取也应明确写明）")


@rule("fee-statement-vague", "info", "六", detection="D+L")
def fee_vague(ctx: Context):
    """信息处理费说明只写「无」、措辞不准确，或收费了却没写件数和金额（后者为 warning）。

    What it checks: the fee item states plainly 「未收取信息处理费」, or — when fees were charged —
    the number of fee notices, the amount notified and the amount collected.
    Why: 「无」 or 「未收取关于依申请公开费用」 does not say which fee; a collected fee without
    count and amount cannot be checked against 表三「逾期未按收费通知要求缴纳费用」.
    Example: 「收取信息处理费的情况：无。」
    """
    item = _fee_item(ctx) if _fee_applies(ctx) else None
    if item is None:
        return
    content = item.content
    if _bare(content) in _EMPTY or not _bare(content):
        yield Hit("信息处理费情况只写了「无」，应明确写出「本年度未收取信息处理费」或收费件数和金额",
                  evidence=item.evidence, line=item.heading.line)
    elif _NO_FEE.search(content):
        if "处理费" not in content:
            yield Hit(f"收费说明「{content[:40]}」未点明「信息处理费」，表述不准确",
                      evidence=content[:120], line=(item.body or [item.heading])[0].line)
    elif not (_FEE_COUNT.search(content) and _FEE_AMOUNT.search(content)):
        yield Hit("写明收取了信息处理费，但缺少收费通知件数或金额（应写明件数、通知金额和实际收取金额）",
                  evidence=content[:120], line=item.heading.line, severity="warning")


@rule("fee-row-conflict", "warning", "六")
def fee_row_conflict(ctx: Context):
    """表三「逾期未按收费通知要求缴纳费用」大于 0，但第六部分说未收费或收费通知更少（S-FEE-ROW）。

    What it checks: t3.oh_fee_unpaid.total > 0 requires fee notices in part 六 at least as many.
    Why: an application can only lapse for an unpaid fee after a fee notice was issued.
    Example: 表三该行为 2 件，第六部分写「未收取信息处理费」.
    """
    unpaid = ctx.value("t3.oh_fee_unpaid.total")
    item = _fee_item(ctx)
    if not unpaid or item is None:
        return
    content = item.content
    counts = [int(n) for n, _ in _FEE_COUNT.findall(content)]
    if _NO_FEE.search(content) or _bare(content) in _EMPTY or (counts and max(counts) < unpaid):
        ref = ctx.cells["t3.oh_fee_unpaid.total"]
        yield Hit(f"表三「申请人逾期未按收费通知要求缴纳费用」为 {unpaid} 件，但第六部分收费说明为「{content[:40]}」，两者矛盾",
                  evidence=content[:120], line=item.heading.line, cell="t3.oh_fee_unpaid.total")


@rule("section6-items-missing", "warning", "六", detection="D+L")
def items_missing(ctx: Context):
    """第六部分缺少建议提案办理、政务公开创新、年度工作要点落实等事项。

    What it checks: besides the fee, part 六 of a 2021+ report covers 人大代表建议和政协提案办理结果
    公开情况, 政务公开工作创新情况 and 落实上级年度政务公开工作要点情况 (in any order and numbering).
    Why: required by the 2021 format practice [R]; kept at warning until confirmed nationwide.
    Example: 第六部分只有一句「未产生信息处理费」.
    """
    if not _fee_applies(ctx) or not any(h.part == "六" for h in ctx.ex.parts):
        return
    present = {i.key for i in part6_items(ctx)}
    missing = [ITEM_NAMES[k] for k in ("proposals", "innovation", "key_tasks") if k not in present]
    if missing:
        head = next(h for h in ctx.ex.parts if h.part == "六")
        yield Hit("第六部分缺少：" + "、".join(missing), evidence=head.text, line=head.line)


@rule("section6-item-empty", "info", "六", detection="D+L")
def item_empty(ctx: Context):
    """第六部分某一事项有标题但内容只有「无」或为空。

    What it checks: the items other than the fee (建议提案、创新、工作要点、其他) have content
    beyond 「无」. A one-line slogan list is judged by the narrative review.
    Why: 「无」 under 建议提案 is allowed but should say so in a sentence (本年度未承办…).
    Example: 「本年度建议提案办理情况：无」.
    """
    for item in part6_items(ctx):
        if item.key != "fee" and item.numbered and _bare(item.content) in _EMPTY | {""}:
            name = ITEM_NAMES.get(item.key or "", "该事项")
            said = f"只有「{item.content}」" if item.content else "为空"
            yield Hit(f"「{_split_heading(item.heading.text)[0]}」的内容{said}，应写明{name}的实际情况",
                      evidence=item.evidence, line=item.heading.line)
