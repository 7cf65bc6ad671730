"""The flat rows the spreadsheet formats share (CSV, XLSX): Chinese headers, one row per finding,
every canonical cell of the tables."""

from __future__ import annotations

from collections.abc import Iterator

from extractors.schema import cell_label_zh

from ..models import Finding, Review
from ..render import PART_TITLES, SEVERITY_ZH, SOURCE_ZH, VERDICT_ZH, template_zh, where
from ..summary import ReportRow

UNREADABLE_ZH = "无法读取"
REPORT_HEADER = ["序号", "文件", "单位", "年度", "格式模板", "结论"]
FINDING_HEADER = ["部分", "级别", "规则", "问题", "位置", "单元格", "原文", "判断来源"]
CELL_HEADER = ["序号", "单位", "年度", "表", "单元格", "单元格键", "数值", "原文"]
SUMMARY_HEADER = [
    "序号",
    "单位",
    "年度",
    "格式模板",
    "结论",
    "错误",
    "警告",
    "提示",
    "主要错误",
    "文件",
    "无法读取原因",
]
_TABLES = {
    "t2": "表二",
    "t3": "表三",
    "t4": "表四",
    "t2_2019": "表二（2019 版）",
    "t3_groups": "表三（分组）",
}


def report_cells(index: int, review: Review) -> list:
    r = review.report
    return [
        index,
        review.source.path,
        r.issuer or "",
        r.year or "",
        template_zh(r.template),
        VERDICT_ZH[review.verdict],
    ]


def unreadable_cells(index: int, path: str) -> list:
    return [index, path, "", "", "", UNREADABLE_ZH]


def finding_cells(f: Finding) -> list:
    return [
        PART_TITLES[f.part],
        SEVERITY_ZH[f.severity],
        f.rule,
        f.message,
        where(f),
        f.location.cell or "",
        f.evidence,
        SOURCE_ZH.get(f.source, "规则计算"),
    ]


def table_cells(index: int, review: Review) -> Iterator[list]:
    """Every canonical cell of the report's tables (a blank cell is empty, never 0)."""
    raw = review.tables.get("cells_raw") or {}
    for table, name in _TABLES.items():
        if review.tables.get(table) is None:  # the table is absent: it has no cells
            continue
        for address, value in _flat(review.tables[table], table):
            yield [
                index,
                review.report.issuer or "",
                review.report.year or "",
                name,
                cell_label_zh(address),
                address,
                "" if value is None else value,
                (raw.get(address) or {}).get("raw", ""),
            ]


def _flat(node, prefix: str) -> Iterator[tuple[str, object]]:
    if isinstance(node, dict):
        for key, child in node.items():
            yield from _flat(child, f"{prefix}.{key}")
    else:
        yield prefix, node


def summary_cells(row: ReportRow) -> list:
    unreadable = row.verdict == "unreadable"
    errors = "；".join(f"{e.message}（{e.rule}）" for e in row.first_errors)
    return [
        row.index,
        row.unit or "",
        row.year or "",
        "" if unreadable else template_zh(row.template),
        UNREADABLE_ZH if unreadable else VERDICT_ZH[row.verdict],
        *([""] * 3 if unreadable else [row.counts["error"], row.counts["warning"], row.counts["info"]]),
        errors,
        row.path,
        row.reason or "",
    ]
