"""Dates: statistics period, signature date and deadline, vague time references (§1.1, §2.6)."""

from __future__ import annotations

import re
from datetime import date

from extractors.metadata import government_level

from ..config import Config
from .context import Context
from .registry import Hit, rule

_VAGUE = re.compile(r"截[至止]目前|截[至止]今|目前为止|至今为止")


def _fmt(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


@rule("statistics-period-missing", "warning", spec="§2.6")
def period_missing(ctx: Context):
    """报告没有说明统计期限（应为 Y年1月1日至12月31日）。

    做什么：查找「本报告中所列数据的统计期限自2024年1月1日起至2024年12月31日止」一类的句子。
    为什么：统计期限告诉读者数字覆盖的时间范围（四川 DB51/T 2660—2019 §2.1）。
    示例：种子 002 全文未找到统计期限的说明。
    如何改正：在报告开头写明「本报告中所列数据的统计期限自 Y年1月1日起至 Y年12月31日止」。
    """
    if ctx.ex.meta.period is None:
        yield Hit("未找到统计期限的说明（应写明统计期限自 Y年1月1日起至 Y年12月31日止）")


@rule("statistics-period-wrong", "error", spec="§2.6")
def period_wrong(ctx: Context):
    """统计期限不是报告年度的 1月1日至12月31日，或与标题年份不一致。

    做什么：核对写明的统计期限是否恰为报告年度 Y 的 1月1日至12月31日，日期是否真实存在。
    为什么：统计期限写错，通常是沿用了其他年度报告的日期。
    示例：标题为 2024 年度，统计期限写为 2023年1月1日至2023年12月31日。
    如何改正：改为报告年度的 1月1日至12月31日，并与标题年份一致。
    """
    period, year = ctx.ex.meta.period, ctx.year
    if period is None or year is None:
        return
    start, end = period.start.value, period.end.value
    if start is None or end is None:
        bad = period.start if start is None else period.end
        yield Hit(f"统计期限中的日期「{bad.text}」不存在", evidence=bad.text, line=bad.line)
    elif (start, end) != (date(year, 1, 1), date(year, 12, 31)):
        yield Hit(
            f"统计期限为 {_fmt(start)} 至 {_fmt(end)}，应为 {year}年1月1日至{year}年12月31日",
            evidence=f"{period.start.text}至{period.end.text}",
            line=period.start.line,
        )


def deadline_for(issuer: str, year: int, config: Config) -> date:
    """条例第四十九条: 1月31日 for departments (and, by local notice, townships); 3月31日 for a
    县级以上人民政府's own report. Both configurable."""
    own_government = government_level(issuer) == "county-or-above"
    month_day = config.government_deadline if own_government else config.deadline
    month, day = (int(x) for x in month_day.split("-"))
    return date(year + 1, month, day)


def deadline_of(ctx: Context) -> date | None:
    return None if ctx.year is None else deadline_for(ctx.ex.meta.issuer or "", ctx.year, ctx.config)


@rule("report-date-invalid", "error", spec="§1.1、§2.6")
def date_invalid(ctx: Context):
    """落款日期早于统计期末，或不在报告年度的次年。

    做什么：检查落款日期是否在报告年度的次年（2024 年度报告在 2025 年落款），日期是否真实存在。
    为什么：统计年度结束前不可能写出年度报告，出现这种日期多半是沿用了上一年的落款。
    示例：种子 002 第 346 行：2024 年度报告落款「2024年1月10日」。
    如何改正：改为报告实际印发的日期（次年、不晚于法定发布期限）。
    """
    signed, year = ctx.ex.meta.signed_on, ctx.year
    if signed is None or year is None:
        return
    if signed.value is None:
        yield Hit(f"落款日期「{signed.text}」不存在", evidence=signed.text, line=signed.line)
    elif signed.value.year != year + 1:
        when = "早于统计期末" if signed.value <= date(year, 12, 31) else "晚于次年"
        yield Hit(
            f"落款日期 {_fmt(signed.value)} {when}：{year} 年度报告应在 {year + 1} 年发布",
            evidence=signed.text,
            line=signed.line,
        )


@rule("report-published-late", "warning", spec="§1.1、§2.6")
def published_late(ctx: Context):
    """落款日期（或网页发布日期）晚于法定发布期限。

    做什么：按条例第四十九条的期限核对落款日期（无落款时核对网页发布日期）：部门以及（默认）乡镇、街道、管委会为次年 1月31日；县级以上人民政府本级报告为次年 3月31日。两个期限都可以配置（deadline、government-deadline）。
    为什么：按 2021 年格式的要求，逾期发布属于问责事项。
    示例：落款 2025年2月15日，晚于期限 2025年1月31日。
    如何改正：按期限发布；落款写错的改为实际印发日期。本地期限不同的，在配置中设置 deadline 或 government-deadline。
    """
    deadline = deadline_of(ctx)
    signed = ctx.ex.meta.signed_on
    published = ctx.ex.doc.published_on
    if deadline is None:
        return
    if signed and signed.value and signed.value.year == deadline.year and signed.value > deadline:
        yield Hit(
            f"落款日期 {_fmt(signed.value)} 晚于发布期限 {_fmt(deadline)}",
            evidence=signed.text,
            line=signed.line,
        )
    elif published and date.fromisoformat(published) > deadline:
        yield Hit(f"网页发布日期 {published} 晚于发布期限 {_fmt(deadline)}", evidence=published)


@rule("report-date-missing", "info", spec="§2.6")
def date_missing(ctx: Context):
    """报告没有落款日期，无法据文本判断是否按期发布。

    做什么：查找报告末尾的日期行（阿拉伯数字或汉字数字）。
    为什么：没有落款日期，就无法从文本核对是否符合条例第四十九条的发布期限。
    示例：种子 000、003、004 以第六部分正文结束，没有落款。
    如何改正：在报告末尾写明发布机关和印发日期。
    """
    if ctx.ex.meta.signed_on is None:
        yield Hit("报告末尾没有落款日期，无法据文本核对是否按期发布")


@rule("vague-time-reference", "info", spec="§2.6")
def vague_time(ctx: Context):
    """正文用「截至目前」「目前为止」代替统计期末。

    做什么：在正文中查找「截至目前」「截止目前」「目前为止」「至今为止」。
    为什么：数字应当截至统计期末（Y年12月31日），而不是截至撰写之日。
    示例：种子 004 第 15 行「截至目前，微信信息发布量1846条」。
    如何改正：改为「截至 Y年12月31日」，并核对数字是否为期末数。
    """
    for para in ctx.narrative:
        m = _VAGUE.search(para.text)
        if m:
            start = max(0, m.start() - 5)
            yield Hit(
                f"「{m.group(0)}」时间指向不明，应写明截至 {ctx.year or 'Y'}年12月31日",
                evidence=para.text[start : m.end() + 20],
                line=para.line,
            )
