"""Cells read by OCR with low confidence: a check that fails on one of them may be a misreading,
so it asks a person to look at the page instead of calling an error."""

from __future__ import annotations

from collections.abc import Iterable

from extractors import schema as S
from extractors.tables import CellRef

PREFIX = "需人工核对："


def _where(address: str, ref: CellRef) -> str:
    page = f"第{ref.page}页 " if ref.page is not None else ""
    box = ""
    if ref.box is not None:
        x0, y0, x1, y1 = ref.box
        box = f"({x0:.0f},{y0:.0f})-({x1:.0f},{y1:.0f}) "
    return f"{S.cell_label_zh(address)}「{ref.raw}」{page}{box}识别置信度{ref.confidence:.2f}"


def doubtful(cells: Iterable[tuple[str, CellRef]]) -> list[tuple[str, CellRef]]:
    return [(address, ref) for address, ref in cells if ref.doubtful]


def needs_checking(message: str, cells: list[tuple[str, CellRef]]) -> str:
    """The message of a failed check whose operands include the doubtful ``cells``."""
    return f"{PREFIX}{message}；识别存疑：" + "；".join(_where(a, ref) for a, ref in cells)
