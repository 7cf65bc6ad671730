"""Rules over the three tables: arithmetic (§4.1), cell validity and the soft relations (§4.2)."""

from __future__ import annotations

import re

from extractors import schema as S

from .context import Context
from .registry import Hit, rule
from .relations import evaluate


def expected_cells(template: str | None, ctx: Context) -> list[str]:
    """The canonical cells the report's template has (R-CELLS)."""
    t2 = S.T2_2019 if template == "2019" else S.T2_2021
    cells = []
    for block, rows in t2.items():
        for row, cols in rows.items():
            for col in cols:
                prefix = "t2" if col in S.T2_2021.get(block, {}).get(row, ()) else "t2_2019"
                cells.append(f"{prefix}.{block}.{row}.{col}")
    rows = [k for k in S.T3_ROW_KEYS if not (template == "2019" and k.startswith("oh_"))]
    cells += [f"t3.{r}.{c}" for r in rows for c in S.T3_COLUMNS]
    if template == "2019":
        cells += [f"t3_groups.other_handling.{c}" for c in S.T3_COLUMNS]
    cells += [f"t4.{g}.{c}" for g in S.T4_GROUPS for c in S.T4_COLUMNS]
    return [c for c in cells if c.split(".")[0].split("_")[0] in ctx.ex.tables.found]


@rule("t3-balance-mismatch", "error", "三")
def t3_balance(ctx: Context):
    """表三每一列：本年新收 + 上年结转 ≠ 办理结果总计 + 结转下年度（R-T3-BAL）。

    What it checks: for each of the seven columns, 「一、本年新收」+「二、上年结转」 must equal
    「（七）总计」+「四、结转下年度继续办理」 — the relation printed in the table's own corner note.
    Why: every application received or carried over is either answered this year or carried
    forward; a gap means applications were lost or double-counted.
    Example: 本年新收 27 + 上年结转 0 = 27，但办理结果总计 26 + 结转下年度 0 = 26.
    """
    return evaluate("t3-balance-mismatch", ctx.ex.tables, ctx.ex.template)


@rule("t3-row-total-mismatch", "error", "三")
def t3_row_total(ctx: Context):
    """表三某一行的「总计」列 ≠ 六类申请人（自然人至其他）之和（R-T3-ROW）。

    What it checks: in each of the 25 rows, the 总计 column equals 自然人 + 商业企业 + 科研机构 +
    社会公益组织 + 法律服务机构 + 其他.
    Why: the total column is a sum by definition; a mismatch is a typing or copy error.
    Example: 「（一）予以公开」行：总计 5，但六类申请人之和（自然人 3 + 商业企业 1）= 4.
    """
    return evaluate("t3-row-total-mismatch", ctx.ex.tables, ctx.ex.template)


@rule("t3-results-total-mismatch", "error", "三")
def t3_results_total(ctx: Context):
    """表三「（七）总计」≠ 各项办理结果之和，或地方小计行 ≠ 所含各项之和（R-T3-RES / R-T3-SUB）。

    What it checks: per column, （七）总计 equals 予以公开 + 部分公开 + 不予公开(8 项) + 无法提供(3 项)
    + 不予处理(5 项) + 其他处理(3 项; 2019 版为 1 行). Regional variants with subtotal rows for
    （三）–（六） must also add up.
    Why: 总计 is the number of applications answered; every answer falls in exactly one leaf.
    Example: 「总计」列：（七）总计 26，但各项办理结果之和（予以公开 12 + 部分公开 10 + …）= 24.
    """
    return evaluate("t3-results-total-mismatch", ctx.ex.tables, ctx.ex.template)


@rule("t4-group-total-mismatch", "error", "四")
def t4_group_total(ctx: Context):
    """表四某组的「总计」≠ 结果维持 + 结果纠正 + 其他结果 + 尚未审结（R-T4-GRP）。

    What it checks: for 行政复议, 未经复议直接起诉 and 复议后起诉 separately.
    Why: the four outcomes partition the cases of the group.
    Example: 表四「行政复议」：总计 3，但四项之和（结果维持 1 + 结果纠正 1 + 其他结果 0 + 尚未审结 0）= 2.
    """
    return evaluate("t4-group-total-mismatch", ctx.ex.tables, ctx.ex.template)


@rule("blank-or-placeholder-cells", "warning")
def blank_cells(ctx: Context):
    """表格中应填数字的单元格为空或为「-」「/」「—」「无」等占位符。

    What it checks: every cell of the report's template (2021: 10 + 175 + 15). Blank and
    placeholder cells are read as null, never as 0, and the relations that use them cannot be
    checked — they are skipped instead of reported as mismatches.
    Why: the format requires a number in every cell; 0 must be written as 0.
    Example: 表三有 2 个单元格为空或占位符：「（一）予以公开」行「总计」列「/」…
    """
    by_table: dict[str, list[str]] = {}
    for address in expected_cells(ctx.ex.template, ctx):
        ref = ctx.cells.get(address)
        if ref is not None and ref.value is None and ref.invalid is None:
            by_table.setdefault(address.split(".")[0][:2], []).append(address)
    for table, addresses in by_table.items():
        first = ctx.cells[addresses[0]]
        shown = "；".join(f"{S.cell_label_zh(a)}「{ctx.cells[a].raw or '空'}」" for a in addresses[:3])
        more = f"等 {len(addresses)} 处" if len(addresses) > 3 else ""
        yield Hit(f"表{S.TABLE_PART[table]}有 {len(addresses)} 个单元格为空或占位符：{shown}{more}；涉及这些单元格的勾稽关系无法核对",
                  evidence=first.raw, line=first.line, page=first.page, cell=addresses[0], part=_part(table))


def _part(address: str) -> str:
    return S.TABLE_PART[address[:2]]


@rule("invalid-number", "error")
def invalid_number(ctx: Context):
    """数字单元格中出现负数、非整数件数或文字。

    What it checks: counts are integers ≥ 0; the fee amount (万元) is a decimal ≥ 0 (R-INT).
    Why: a negative or fractional count, or text in a numeric cell, cannot be a statistic.
    Example: 表三「（一）予以公开」行「自然人」列为「3.5」（非整数）.
    """
    for address, ref in ctx.cells.items():
        if ref.invalid:
            why = ref.invalid if ref.invalid in ("负数", "非整数") else "不是数字"
            yield Hit(f"{S.cell_label_zh(address)}为「{ref.raw}」（{why}）",
                      evidence=ref.raw, line=ref.line, page=ref.page, cell=address, part=_part(address))


def _counts(ctx: Context) -> list[int | float]:
    return [ref.value for a, ref in ctx.cells.items()
            if ref.value is not None and a.startswith(("t2", "t3", "t4"))]


@rule("tables-all-zero", "info", "二")
def tables_all_zero(ctx: Context):
    """人民政府的报告中表二、表三、表四全部为 0（S-T2-ACTIVITY），请人工确认。

    What it checks: a report of a 人民政府 (issuer 人民政府, or a 省/市/县/区/镇/乡) whose three
    tables are all present and contain only zeros.
    Why: plausible for a very small township, suspicious otherwise (tables left unfilled).
    Example: 表二、表三、表四全部为 0.
    """
    if not ctx.ex.meta.is_people_government or set(ctx.ex.tables.found) != {"t2", "t3", "t4"}:
        return
    values = _counts(ctx)
    if values and not any(values):
        line = ctx.ex.tables.found["t2"]
        yield Hit("表二、表三、表四全部为 0：对人民政府而言较少见，请人工确认是否漏填或确无相关事项", line=line)


@rule("t2-in-force-zero", "info", "二")
def t2_in_force_zero(ctx: Context):
    """表二同一行「本年制发件数」大于 0，但「现行有效件数」为 0（S-T2-INFORCE）。

    What it checks: 规章 and 行政规范性文件 rows of 第二十条第（一）项.
    Why: documents issued this year are normally still in force at year end.
    Example: 行政规范性文件：本年制发 3 件，现行有效 0 件.
    """
    for row in ("regulations", "normative_documents"):
        issued = ctx.value(f"t2.art20_1.{row}.issued")
        in_force = ctx.cells.get(f"t2.art20_1.{row}.in_force")
        if issued and in_force is not None and in_force.value == 0:
            yield Hit(f"表二「{S.T2_LABELS_ZH[row]}」：本年制发 {issued} 件，但现行有效件数为 0",
                      evidence=in_force.raw, line=in_force.line, page=in_force.page,
                      cell=f"t2.art20_1.{row}.in_force")


@rule("t2-fee-unit-suspect", "info", "二")
def t2_fee_unit(ctx: Context):
    """表二「本年收费金额（单位：万元）」看起来按「元」填写（S-T2-UNIT）。

    What it checks: the amount exceeds 1,000,000 万元, or the narrative quotes the same figure
    with the unit 元.
    Why: the column is in 万元; 251000元 typed as 251000 inflates the figure ten-thousandfold.
    Example: 行政事业性收费 251000（万元），正文写「收费251000元」.
    """
    address = "t2.art20_8.admin_fees.amount_10k_yuan"
    ref = ctx.cells.get(address)
    if ref is None or not ref.value:
        return
    figure = f"{ref.value:g}"
    quoted = next((p for p in ctx.narrative if re.search(rf"(?<![\d.]){re.escape(figure)}\s*元", p.text)), None)
    if ref.value > 1_000_000 or quoted:
        why = f"正文第 {quoted.line} 行以「元」为单位写出同一数字" if quoted else "数额超过 100 亿元"
        yield Hit(f"表二「行政事业性收费」金额 {figure} 万元可能把单位「元」误作「万元」（{why}）",
                  evidence=ref.raw, line=ref.line, page=ref.page, cell=address)
