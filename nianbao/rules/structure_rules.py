"""Structure: the six parts, the tables' presence and the template (spec §2.1, §5)."""

from __future__ import annotations

from extractors.metadata import STANDARD_NAME
from extractors.parts import PART_HEADINGS, PART_NUMERALS
from extractors.schema import TABLE_PART

from ..models import Severity
from .context import Context
from .registry import Hit, rule


@rule("missing-part", "error", spec="§2.1")
def missing_part(ctx: Context):
    """报告缺少六个部分之一（一、总体情况 … 六、其他需要报告的事项）。

    做什么：查找 2021 年版格式的六个部分标题（或可容许的变体），每个标题单独成段。
    为什么：条例第五十条规定了年度报告的内容，格式要求六个部分一个也不能少。
    示例：未找到第五部分「五、存在的主要问题及改进情况」。
    如何改正：按格式补上缺少的部分，标题单独成行；确实没有内容的写明「无」及原因。
    """
    if ctx.ex.template == "legacy":
        return
    found = {h.part for h in ctx.ex.parts}
    for numeral in PART_NUMERALS:
        if numeral not in found:
            yield Hit(f"未找到第{numeral}部分「{numeral}、{PART_HEADINGS[numeral][0]}」", part=numeral)


@rule("part-order", "warning", spec="§2.1")
def part_order(ctx: Context):
    """六个部分的顺序与格式规定不一致。

    做什么：检查六个部分标题是否按一、二、三、四、五、六的顺序出现。
    为什么：读者和考核评估人员按固定顺序查阅和比对报告。
    示例：「五、存在的主要问题及改进情况」出现在「六、其他需要报告的事项」之后。
    如何改正：把各部分（标题连同内容）调整为一至六的顺序。
    """
    order = [h.part for h in ctx.ex.parts]
    expected = sorted(order, key=PART_NUMERALS.index)
    for seen, want in zip(ctx.ex.parts, expected, strict=True):
        if seen.part != want:
            yield Hit(
                f"第{seen.part}部分出现在第{want}部分的位置（{ctx.place(seen.line)}），顺序应为一至六",
                evidence=seen.text,
                line=seen.line,
                part=seen.part,
            )
            return


@rule("part-heading-nonstandard", "warning", spec="§2.1")
def part_heading(ctx: Context):
    """部分标题缺少或写错序号、措辞有误（警告），或措辞与 2021 版格式不同（提示）。

    做什么：检查每个部分标题是否带有自己的序号（如「六、」）并使用标准措辞。可容许的变体（如「四、因政府信息公开工作被申请行政复议…」）只作提示；措辞写错（如「四、政府信息公开行政法复议、行政诉讼情况」）为警告。
    为什么：标题缺少序号或把「其他」写成「其它」，是一眼可见的不合格式。
    示例：种子 001 第 456 行「其它需要报告的事项」：缺少序号「六、」，「其它」应为「其他」。
    如何改正：按格式写出完整标题，例如「六、其他需要报告的事项」。
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
            severity: Severity = (
                "warning" if head.ordinal != head.part or "其它" in head.text or not head.known else "info"
            )
            yield Hit(
                f"第{head.part}部分标题「{head.text}」：" + "，".join(problems),
                evidence=head.text,
                line=head.line,
                part=head.part,
                severity=severity,
            )


@rule("table-missing", "error", spec="§2.3、§4.1 R-CELLS")
def table_missing(ctx: Context):
    """表二、表三或表四缺失，或无法完整读出（缺行、缺单元格）。

    做什么：按表格的行标签查找三张表，并检查格式规定的每一行都已读出（R-CELLS）。表格不完整时在此报告，而不是报告为勾稽不平。
    为什么：三张统计表是年度报告的必备核心内容。
    示例：表三缺少行：（四）无法提供·本机关不掌握相关政府信息。
    如何改正：按 2021 年版格式补全表格的全部行和列；不要删除没有数字的行，没有发生的填 0。
    """
    if ctx.ex.template == "legacy":
        return
    found = ctx.ex.tables.found
    for table, numeral in TABLE_PART.items():
        if table not in found:
            yield Hit(f"未找到第{numeral}部分的表格「{PART_HEADINGS[numeral][0]}」或无法读取", part=numeral)
        for problem in ctx.ex.tables.incomplete.get(table, []):
            yield Hit(f"表{numeral}无法完整读出：{problem}", line=found.get(table), part=numeral)


@rule("outdated-template", "error", "二", spec="§5")
def outdated_template(ctx: Context):
    """2021 年及以后的报告仍使用 2019 年试行格式的表格。

    做什么：报告年度为 2021 年或以后，而表格只有 2019 年版的特征（本年新制作数量、上一年项目数量、第二十条第（九）项等）。
    为什么：国办公开办函〔2021〕30号自 2021 年度报告起取代了 2019 年试行格式；2019、2020 年度报告使用 2019 年版是正确的。
    示例：2024 年度报告的表二使用「本年新制作数量」「本年新公开数量」列。
    如何改正：改用 2021 年版格式的三张表（表二「本年制发件数 / 本年废止件数 / 现行有效件数」等），并按新口径重新填报。
    """
    if ctx.ex.template == "2019" and ctx.year and ctx.year >= 2021:
        yield Hit(
            f"{ctx.year} 年度报告使用了 2019 年试行格式的表格，应使用 2021 年格式（国办公开办函〔2021〕30号）",
            line=ctx.ex.tables.found.get("t2"),
        )


@rule("template-hybrid-row", "warning", "二", spec="§5")
def template_hybrid_row(ctx: Context):
    """2021 版表格中夹带 2019 版的行或列（如「其他对外管理服务事项」）。

    做什么：在 2021 年版表格中查找只属于 2019 年版的行或列：表二的 2019 年版行列，或表三把「（六）其他处理」写成一行数据（2021 年版为三行）。
    为什么：2021 年版已删去这些行，其中的数字不属于统计口径。
    示例：种子 001 第 81–82 行：第二十条第（五）项下出现「其他对外管理服务事项」。
    如何改正：删除 2019 年版的行或列；表三「（六）其他处理」拆分为「逾期不补正」「逾期未按收费通知缴费」「其他」三行。
    """
    if ctx.ex.template != "hybrid":
        return
    pieces = dict.fromkeys(ctx.ex.tables.hybrid_rows)
    for table, text, line in pieces:
        part = TABLE_PART[table]
        if table == "t3":
            message = (
                f"表三「{text}」只有一行数据（2019 版格式），2021 版应分为「逾期不补正」"
                "「逾期未按收费通知缴费」「其他」三行"
            )
        else:
            message = f"表二在 2021 版格式中保留了 2019 版的行或列「{text}」，应删除"
        yield Hit(message, evidence=text, line=line, part=part)
    if not pieces:
        yield Hit(
            "表格同时含有 2019 版和 2021 版的列或行，应统一使用 2021 版格式",
            line=ctx.ex.tables.found.get("t2"),
        )


@rule("legacy-structure", "error", spec="§5")
def legacy_structure(ctx: Context):
    """报告沿用 2008 年条例时期的结构（概述 / 咨询处理 / 收费及减免 …）。

    做什么：2019 年及以后的报告出现 2019 年以前的部分标题，且没有第二十条的表格。
    为什么：2019 年修订的条例及其格式规定了不同的部分和表格。
    示例：出现「四、咨询处理情况」「五、收费及减免情况」。
    如何改正：按 2021 年版格式重写为六个部分和三张统计表。
    """
    if ctx.ex.template == "legacy" and (ctx.year is None or ctx.year >= 2019):
        first = ctx.ex.legacy[0]
        yield Hit(
            "报告使用 2019 年以前的旧结构（如「"
            + "」「".join(p.text for p in ctx.ex.legacy[:3])
            + "」），应按 2021 年格式编写六个部分和三张表",
            evidence=first.text,
            line=first.line,
        )


@rule("nonstandard-table-rows", "info", spec="§5、§7.2")
def nonstandard_rows(ctx: Context):
    """表格中有格式之外的地方性行、列或小计。

    做什么：查找 2021 年版格式没有的行或列（如「小计」列、（三）至（六）的小计行、「其他主动公开文件」等附加行）。小计仍参与勾稽核对。
    为什么：地方格式可以容许，但会影响不同机关之间的可比性。
    示例：表三「（三）不予公开」行带有数字（地方小计行）。
    如何改正：如无地方明确要求，删除格式以外的行和列，只保留 2021 年版格式的内容。
    """
    for table, text, line in ctx.ex.tables.extra_rows:
        part = TABLE_PART[table]
        yield Hit(f"表{part}含格式以外的行或列「{text}」", evidence=text, line=line, part=part)


@rule("title-nonstandard", "warning", spec="§2.6")
def title_nonstandard(ctx: Context):
    """标题缺少发布机关、年份或「政府信息公开工作年度报告」字样。

    做什么：检查标题（可分两三行）是否为「<机关名称><YYYY>年政府信息公开工作年度报告」。
    为什么：标题标明机关和年度；只有「2024年政府信息公开工作年度报告」的报告一经转载或汇总就无法分辨是谁的。
    示例：种子 002 第 1 行：标题「2024年政府信息公开工作年度报告」缺少发布机关。
    如何改正：写出完整标题，如「淄博经济开发区管理委员会2024年政府信息公开工作年度报告」。
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
