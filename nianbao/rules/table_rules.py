"""Rules over the three tables: cell validity (§4.1 R-INT, R-CELLS) and the soft relations (§4.2).
The arithmetic relations of §4.1 are data in ``relations.py``."""

from __future__ import annotations

import re

from extractors import schema as S

from .context import Context
from .doubt import needs_checking
from .registry import Hit, rule


def expected_cells(template: str | None, ctx: Context) -> list[str]:
    """The canonical cells the report's template has (R-CELLS)."""
    t2 = S.T2_2019 if template == "2019" else S.T2_2021
    cells = []
    for block, t2_rows in t2.items():
        for row, cols in t2_rows.items():
            for col in cols:
                prefix = "t2" if col in S.T2_2021.get(block, {}).get(row, ()) else "t2_2019"
                cells.append(f"{prefix}.{block}.{row}.{col}")
    t3_rows = [k for k in S.T3_ROW_KEYS if not (template == "2019" and k.startswith("oh_"))]
    cells += [f"t3.{r}.{c}" for r in t3_rows for c in S.T3_COLUMNS]
    if template == "2019":
        cells += [f"t3_groups.other_handling.{c}" for c in S.T3_COLUMNS]
    cells += [f"t4.{g}.{c}" for g in S.T4_GROUPS for c in S.T4_COLUMNS]
    return [c for c in cells if c.split(".")[0].split("_")[0] in ctx.ex.tables.found]


@rule("blank-or-placeholder-cells", "warning", spec="§4.1 R-CELLS")
def blank_cells(ctx: Context):
    """表格中应填数字的单元格为空或为「-」「/」「—」「无」等占位符。

    做什么：检查报告所用格式的每一个单元格（2021 年版：表二 10 格、表三 175 格、表四 15 格）。空格和占位符读作「未填」而不是 0，用到它们的勾稽关系无法核对，跳过而不报不平。
    为什么：格式要求每格都填数字，没有发生的事项也要写 0。
    示例：表三有 2 个单元格为空或占位符：「（一）予以公开」行「总计」列「/」…
    如何改正：在每个空格或占位符处填入实际数字，没有发生的填 0。
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
        yield Hit(
            f"表{S.TABLE_PART[table]}有 {len(addresses)} 个单元格为空或占位符：{shown}{more}；涉及这些单元格的勾稽关系无法核对",
            evidence=first.raw,
            line=first.line,
            page=first.page,
            cell=addresses[0],
            part=_part(table),
        )


def _part(address: str) -> str:
    return S.TABLE_PART[address[:2]]


@rule("invalid-number", "error", spec="§4.1 R-INT")
def invalid_number(ctx: Context):
    """数字单元格中出现负数、非整数件数或文字。

    做什么：件数必须是不小于 0 的整数；收费金额（万元）可以是不小于 0 的小数（R-INT）。扫描件中识别置信度低的单元格只提示人工核对，不判为错误。
    为什么：负数、带小数的件数或数字格里的文字都不可能是统计数。
    示例：表三「（一）予以公开」行「自然人」列为「3.5」（非整数）；表二「行政处罚」为「二百零二」（不是数字）。
    如何改正：改为阿拉伯数字写的非负整数（金额可保留小数），不要写汉字数字、单位或说明文字。
    """
    for address, ref in ctx.cells.items():
        if ref.invalid:
            why = ref.invalid if ref.invalid in ("负数", "非整数") else "不是数字"
            message = f"{S.cell_label_zh(address)}为「{ref.raw}」（{why}）"
            yield Hit(
                needs_checking(message, [(address, ref)]) if ref.doubtful else message,
                evidence=ref.raw,
                line=ref.line,
                page=ref.page,
                cell=address,
                part=_part(address),
                doubtful=ref.doubtful,
            )


def _counts(ctx: Context) -> list[int | float]:
    return [
        ref.value
        for a, ref in ctx.cells.items()
        if ref.value is not None and a.startswith(("t2", "t3", "t4"))
    ]


@rule("tables-all-zero", "info", "二", spec="§4.2 S-T2-ACTIVITY")
def tables_all_zero(ctx: Context):
    """人民政府的报告中表二、表三、表四全部为 0（S-T2-ACTIVITY），请人工确认。

    做什么：发布机关是人民政府（或省、市、县、区、镇、乡）且三张表都读出时，检查是否全部为 0。
    为什么：规模很小的乡镇可能确实如此，其他情况多半是表格没有填写。
    示例：齐都镇人民政府的报告中，表二、表三、表四全部为 0。
    如何改正：核对本年度是否确实没有制发文件、行政许可处罚、依申请公开和复议诉讼；有的如实填写，确实没有的在正文中说明。
    """
    if not ctx.ex.meta.is_people_government or set(ctx.ex.tables.found) != {"t2", "t3", "t4"}:
        return
    values = _counts(ctx)
    if values and not any(values):
        line = ctx.ex.tables.found["t2"]
        yield Hit(
            "表二、表三、表四全部为 0：对人民政府而言较少见，请人工确认是否漏填或确无相关事项", line=line
        )


@rule("t2-in-force-zero", "info", "二", spec="§4.2 S-T2-INFORCE")
def t2_in_force_zero(ctx: Context):
    """表二同一行「本年制发件数」大于 0，但「现行有效件数」为 0（S-T2-INFORCE）。

    做什么：检查表二第二十条第（一）项「规章」和「行政规范性文件」两行。
    为什么：本年制发的文件在年底通常仍然有效，现行有效为 0 多半是漏填。
    示例：行政规范性文件：本年制发 3 件，现行有效 0 件。
    如何改正：填写截至 12 月 31 日仍然有效的文件件数（含以前年度制发的）；确已全部失效的，在正文中说明原因。
    """
    for row in ("regulations", "normative_documents"):
        issued = ctx.value(f"t2.art20_1.{row}.issued")
        in_force = ctx.cells.get(f"t2.art20_1.{row}.in_force")
        if issued and in_force is not None and in_force.value == 0:
            yield Hit(
                f"表二「{S.T2_LABELS_ZH[row]}」：本年制发 {issued} 件，但现行有效件数为 0",
                evidence=in_force.raw,
                line=in_force.line,
                page=in_force.page,
                cell=f"t2.art20_1.{row}.in_force",
            )


@rule("t2-fee-unit-suspect", "info", "二", spec="§4.2 S-T2-UNIT")
def t2_fee_unit(ctx: Context):
    """表二「本年收费金额（单位：万元）」看起来按「元」填写（S-T2-UNIT）。

    做什么：收费金额超过 1,000,000 万元，或正文以「元」为单位写出同一个数字时提示。
    为什么：该列单位是万元，把 251000 元填成 251000 会把金额放大一万倍。
    示例：行政事业性收费 251000（万元），正文写「收费251000元」。
    如何改正：把金额换算为万元（元数除以 10000，如 25.1），并与正文的单位保持一致。
    """
    address = "t2.art20_8.admin_fees.amount_10k_yuan"
    ref = ctx.cells.get(address)
    if ref is None or not ref.value:
        return
    figure = f"{ref.value:g}"
    quoted = next(
        (p for p in ctx.narrative if re.search(rf"(?<![\d.]){re.escape(figure)}\s*元", p.text)), None
    )
    if ref.value > 1_000_000 or quoted:
        why = f"正文{ctx.place(quoted.line)}以「元」为单位写出同一数字" if quoted else "数额超过 100 亿元"
        yield Hit(
            f"表二「行政事业性收费」金额 {figure} 万元可能把单位「元」误作「万元」（{why}）",
            evidence=ref.raw,
            line=ref.line,
            page=ref.page,
            cell=address,
        )
