"""XLSX for Excel and WPS, written with openpyxl in write-only mode: every row goes to the sheet's
temporary file as it comes, so the main process holds none of them, whatever the batch's size.

- 汇总: one row per report (written last, from the summary, in its order), the verdict coloured;
- 问题清单: one row per finding with its unit, part, rule, severity, message, location, source;
- 表格数据: every canonical cell of every report's tables.

Every sheet has a frozen header row and a filter. A sheet reaching Excel's row limit goes on in a
sheet of the same name numbered 2, 3, … ."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from ..models import Review
from ..render import VERDICT_ZH
from ..summary import Summary
from .rows import (
    CELL_HEADER,
    FINDING_HEADER,
    REPORT_HEADER,
    SUMMARY_HEADER,
    UNREADABLE_ZH,
    finding_cells,
    report_cells,
    summary_cells,
    table_cells,
)

MAX_ROWS = 1_048_576  # Excel's, header included
_FILLS = {
    VERDICT_ZH["fail"]: "FFC7CE",
    VERDICT_ZH["warn"]: "FFEB9C",
    VERDICT_ZH["pass"]: "C6EFCE",
    UNREADABLE_ZH: "D9D9D9",
}
_WIDTHS = {
    "序号": 6,
    "文件": 40,
    "单位": 28,
    "问题": 60,
    "原文": 40,
    "位置": 24,
    "单元格": 36,
    "主要错误": 60,
    "无法读取原因": 40,
    "规则": 28,
    "单元格键": 36,
}


class _Sheet:
    """A write-only sheet with a frozen, bold header and a filter, continued in a new sheet at the row limit."""

    def __init__(self, book: Workbook, title: str, header: list[str], clean: Callable[[object], object]):
        self.book, self.title, self.header, self.clean = book, title, header, clean
        self.parts = 0
        self._new()

    def _new(self) -> None:
        self.parts += 1
        self.ws = self.book.create_sheet(self.title if self.parts == 1 else f"{self.title}{self.parts}")
        self.ws.freeze_panes = "A2"
        for i, name in enumerate(self.header, 1):
            self.ws.column_dimensions[get_column_letter(i)].width = _WIDTHS.get(name, 10)
        bold = Font(bold=True)
        self.ws.append([self._cell(name, font=bold) for name in self.header])
        self.rows = 1

    def _cell(self, value: object, font: Font | None = None, fill: str | None = None) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.ws, self.clean(value))
        if font:
            cell.font = font
        if fill:
            cell.fill = PatternFill("solid", start_color=fill, end_color=fill)
        return cell

    def append(self, values: list, fill_column: int | None = None) -> None:
        if self.rows >= MAX_ROWS:
            self._close_filter()
            self._new()
        fill = _FILLS.get(values[fill_column]) if fill_column is not None else None
        self.ws.append([self._cell(v, fill=fill if i == fill_column else None) for i, v in enumerate(values)])
        self.rows += 1

    def _close_filter(self) -> None:
        self.ws.auto_filter.ref = f"A1:{get_column_letter(len(self.header))}{self.rows}"

    def close(self) -> None:
        self._close_filter()


class XlsxWriter:
    def __init__(self, path: Path, single: bool, shown: Callable[[str], str]):
        def clean(value: object) -> object:  # a control character is refused by the XML: spelled out
            return shown(value) if isinstance(value, str) and ILLEGAL_CHARACTERS_RE.search(value) else value

        self.path = path
        self.book = Workbook(write_only=True)
        self.summary = _Sheet(self.book, "汇总", SUMMARY_HEADER, clean)
        self.findings = _Sheet(self.book, "问题清单", REPORT_HEADER + FINDING_HEADER, clean)
        self.cells = _Sheet(self.book, "表格数据", CELL_HEADER, clean)

    def review(self, index: int, review: Review) -> None:
        report = report_cells(index, review)
        for f in review.findings:
            self.findings.append(report + finding_cells(f), fill_column=REPORT_HEADER.index("结论"))
        for row in table_cells(index, review):
            self.cells.append(row)

    def unreadable(self, index: int, path: str, reason: str) -> None:
        """In 汇总, with its reason (written from the summary)."""

    def finish(self, summary: Summary) -> None:
        for row in summary.rows():
            self.summary.append(summary_cells(row), fill_column=SUMMARY_HEADER.index("结论"))
        for sheet in (self.summary, self.findings, self.cells):
            sheet.close()
        self.book.save(self.path)
