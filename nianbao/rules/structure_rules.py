"""Structure: the six parts, the tables' presence and the template (spec §2.1, §5)."""

from __future__ import annotations

from extractors.metadata import STANDARD_NAME
from extractors.schema import TABLE_PART
from extractors.parts import PART_HEADINGS, PART_NUMERALS

from .context import Context
from .registry import Hit, rule



@rule("missing-part", "error")
def missing_part(ctx: Context):
    """报告缺少六个部分之一（一、总体情况 … 六、其他需要报告的事项）。

    What it checks: each of the six headings of the 2021 format (or a tolerated variant) is found
    as a paragraph of its own.
    Why: 条例第五十条 fixes the content; the format says nothing may be omitted.
    Example: 未找到「五、存在的主要问题及改进情况」.
    """
    if ctx.ex.template == "legacy":
        return
    found = {h.part for h in ctx.ex.parts}
    for numeral in PART_NUMERALS:
        if numeral not in found:
            yield Hit(f"未找到第{numeral}部分「{numeral}、{PART_HEADINGS[numeral][0]}」", part=numeral)


@rule("part-order", "warning")
def part_order(ctx: Context):
    """六个部分的顺序与格式规定不一致。

    What it checks: the headings appear in the order 一 二 三 四 五 六.
    Why: readers and assessors rely on the fixed order.
    Example: 「五、存在的主要问题及改进情况」出现在「四、…」之前.
    """
    order = [h.part for h in ctx.ex.parts]
    expected = sorted(order, key=PART_NUMERALS.index)
    for seen, want in zip(ctx.ex.parts, expected):
        if seen.part != want:
            yield Hit(f"第{seen.part}部分出现在第{want}部分的位置（第 {seen.line} 行），顺序应为一至六",
                      evidence=seen.text, line=seen.line, part=seen.part)
            return


@rule("part-heading-nonstandard", "warning")
def part_heading(ctx: Context):
    """部分标题缺少或写错序号、措辞有误（warning），或措辞与 2021 版格式不同（info）。

    What it checks: each heading is printed with its own ordinal (「六、」) and the standard
    wording; tolerated variants (e.g. 「四、因政府信息公开工作被申请行政复议…」) are info only,
    a misprinted wording (「四、政府信息公开行政法复议、行政诉讼情况」) is a warning.
    Why: a heading without its ordinal, or 其它 for 其他, is a visible departure from the format.
    Example: 第 456 行「其它需要报告的事项」：缺少序号「六、」，「其它」应为「其他」.
    """
    for head in ctx.ex.parts:
        problems = []
        if head.ordinal is None:
            problems.append(f"缺少序号「{head.part}、」")
        elif head.ordinal != head.part:
            problems.append(f"序号「{head.ordinal}、」应为「{head.part}、」")
        if "其它" in head.text:
            problems.append("「其它」应为「其他」")
        elif not head.known:
            problems.append(f"措辞有误，应为「{head.part}、{PART_HEADINGS[head.part][0]}」")
        elif not head.standard:
            problems.append(f"标准措辞为「{PART_HEADINGS[head.part][0]}」")
        if problems:
            severity = "warning" if head.ordinal != head.part or "其它" in head.text or not head.known else "info"
            yield Hit(f"第{head.part}部分标题「{head.text}」：" + "，".join(problems),
                      evidence=head.text, line=head.line, part=head.part, severity=severity)


@rule("table-missing", "error")
def table_missing(ctx: Context):
    """表二、表三或表四缺失，或无法完整读出（缺行、缺单元格）。

    What it checks: the three tables are found (by their labels) and every row of the format is
    read (R-CELLS). Incomplete tables are reported here instead of as arithmetic mismatches.
    Why: the tables are the mandatory statistical core of the report.
    Example: 表三缺少行：（四）无法提供·本机关不掌握相关政府信息.
    """
    if ctx.ex.template == "legacy":
        return
    found = ctx.ex.tables.found
    for table, numeral in TABLE_PART.items():
        if table not in found:
            yield Hit(f"未找到第{numeral}部分的表格「{PART_HEADINGS[numeral][0]}」或无法读取", part=numeral)
        for problem in ctx.ex.tables.incomplete.get(table, []):
            yield Hit(f"表{numeral}无法完整读出：{problem}", line=found.get(table), part=numeral)


@rule("outdated-template", "error", "二")
def outdated_template(ctx: Context):
    """2021 年及以后的报告仍使用 2019 年试行格式的表格。

    What it checks: the tables carry only 2019 signatures (本年新制作数量, 上一年项目数量,
    第二十条第（九）项 …) while the report year is 2021 or later.
    Why: 国办公开办函〔2021〕30号 replaced the 2019 trial format from the 2021 reports on; reports
    for 2019 and 2020 correctly use the 2019 format.
    Example: 2024 年度报告的表二使用「本年新制作数量」「本年新公开数量」列.
    """
    if ctx.ex.template == "2019" and ctx.year and ctx.year >= 2021:
        yield Hit(f"{ctx.year} 年度报告使用了 2019 年试行格式的表格，应使用 2021 年格式（国办公开办函〔2021〕30号）",
                  line=ctx.ex.tables.found.get("t2"))


@rule("template-hybrid-row", "warning", "二")
def template_hybrid_row(ctx: Context):
    """2021 版表格中夹带 2019 版的行或列（如「其他对外管理服务事项」）。

    What it checks: a 2019-only row or column inside otherwise 2021 tables: 表二's 2019 rows
    and columns, or 表三's （六）其他处理 as one data row instead of the 2021 format's three.
    Why: the 2021 format removed these rows; their numbers are not part of the statistics.
    Example: 第二十条第（五）项下出现「其他对外管理服务事项」.
    """
    if ctx.ex.template != "hybrid":
        return
    pieces = dict.fromkeys(ctx.ex.tables.hybrid_rows)
    for table, text, line in pieces:
        part = TABLE_PART[table]
        if table == "t3":
            message = (f"表三「{text}」只有一行数据（2019 版格式），2021 版应分为「逾期不补正」"
                       "「逾期未按收费通知缴费」「其他」三行")
        else:
            message = f"表二在 2021 版格式中保留了 2019 版的行或列「{text}」，应删除"
        yield Hit(message, evidence=text, line=line, part=part)
    if not pieces:
        yield Hit("表格同时含有 2019 版和 2021 版的列或行，应统一使用 2021 版格式", line=ctx.ex.tables.found.get("t2"))


@rule("legacy-structure", "error")
def legacy_structure(ctx: Context):
    """报告沿用 2008 年条例时期的结构（概述 / 咨询处理 / 收费及减免 …）。

    What it checks: pre-2019 part headings and no 第二十条 table blocks, in a report for 2019 or later.
    Why: the revised 条例 (2019) and its formats define different parts and tables.
    Example: 出现「四、咨询处理情况」「五、收费及减免情况」.
    """
    if ctx.ex.template == "legacy" and (ctx.year is None or ctx.year >= 2019):
        first = ctx.ex.legacy[0]
        yield Hit("报告使用 2019 年以前的旧结构（如「" + "」「".join(p.text for p in ctx.ex.legacy[:3])
                  + "」），应按 2021 年格式编写六个部分和三张表", evidence=first.text, line=first.line)


@rule("nonstandard-table-rows", "info")
def nonstandard_rows(ctx: Context):
    """表格中有格式之外的地方性行、列或小计。

    What it checks: rows or columns the 2021 format does not have (e.g. 「小计」 columns, subtotal
    rows for （三）–（六）, extra rows such as 「其他主动公开文件」). Their subtotals are still checked.
    Why: tolerated regional variants, but they break comparability across bodies.
    Example: 表三「（三）不予公开」行带有数字（地方小计行）.
    """
    for table, text, line in ctx.ex.tables.extra_rows:
        part = TABLE_PART[table]
        yield Hit(f"表{part}含格式以外的行或列「{text}」", evidence=text, line=line, part=part)


@rule("title-nonstandard", "warning")
def title_nonstandard(ctx: Context):
    """标题缺少发布机关、年份或「政府信息公开工作年度报告」字样。

    What it checks: the title (which may span two or three lines) reads
    「<机关名称><YYYY>年政府信息公开工作年度报告」.
    Why: the title identifies the body and the year; a bare 「2024年政府信息公开工作年度报告」 is
    ambiguous once the report is copied or aggregated.
    Example: 标题「2024年政府信息公开工作年度报告」缺少发布机关.
    """
    meta = ctx.ex.meta
    if meta.title is None:
        yield Hit("未找到报告标题")
        return
    missing = []
    if not meta.issuer_in_title:
        missing.append("发布机关")
    if not meta.year_in_title:
        missing.append("年份")
    if STANDARD_NAME not in meta.title:
        missing.append(f"「{STANDARD_NAME}」字样")
    if missing:
        yield Hit(f"标题「{meta.title}」缺少" + "、".join(missing), evidence=meta.title, line=meta.title_line)
