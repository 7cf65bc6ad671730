"""Read tables 二/三/四 into canonical cells (spec §3), keeping each cell's raw text and location.

Rows are found by their labels, never by position in the grid, so the same code reads the
tab form, the pipe form, Markdown rows, docx and HTML grids and PDF tables. A value belongs to
the row whose label precedes it in the same grid row. Nothing is repaired: a blank is None, a
wrong total stays wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cache

from . import schema as S
from .document import Artifact, Cell
from .normalize import ORDINAL_RE, PLACEHOLDERS, fold, label, looks_numeric, parse_number

LOW_CONFIDENCE = 0.9  # OCR cells below this are 「需人工核对」, never an error
_RESEMBLANCE = 0.6  # share of characters a printed label keeps of the format's (difflib ratio)
_BLOCK_RE = re.compile(r"第二十条第\(([一二三四五六七八九十]+)\)项")


@dataclass(slots=True)
class CellRef:
    """One canonical cell: its number, its text as printed and where."""

    value: int | float | None
    raw: str
    line: int | None
    page: int | None = None
    invalid: str | None = None  # why the raw text is not a valid number
    confidence: float | None = None  # OCR recognition confidence; None when read from a text layer
    box: tuple[float, float, float, float] | None = None  # OCR: where on the page, in points

    @property
    def doubtful(self) -> bool:
        """Read by OCR with too little confidence to call an arithmetic error on it."""
        return self.confidence is not None and self.confidence < LOW_CONFIDENCE


@dataclass
class TableSet:
    """Tables 二/三/四 as canonical cells, and what was missing, extra or misprinted in them."""

    cells: dict[str, CellRef] = field(default_factory=dict)
    found: dict[str, int] = field(default_factory=dict)  # table -> first line
    incomplete: dict[str, list[str]] = field(default_factory=dict)  # table -> what is missing
    extra_rows: list[tuple[str, str, int]] = field(default_factory=list)  # (table, label, line)
    hybrid_rows: list[tuple[str, str, int]] = field(
        default_factory=list
    )  # 2019 rows/columns: (table, label, line)
    label_typos: list[tuple[str, str, str, int]] = field(
        default_factory=list
    )  # (table, printed, the format's, line)
    artifacts: list[Artifact] = field(default_factory=list)
    signals: set[str] = field(default_factory=set)  # folded header/label texts, for the template
    t3_flat_other_handling: bool = False  # 2019: （六）其他处理 is a data row without sub-rows

    def value(self, address: str) -> int | float | None:
        ref = self.cells.get(address)
        return ref.value if ref else None


def _is_value(text: str) -> bool:
    return looks_numeric(text) or fold(text) in PLACEHOLDERS


class _Reader:
    """Shared walk: for each grid row, find a known label followed by values in that row."""

    def __init__(self, table: str, tables: TableSet):
        self.table = table
        self.t = tables

    def put(self, address: str, cell: Cell | None, decimal: bool = False, signed: bool = False) -> None:
        if cell is None:
            return
        parsed = parse_number(cell.text, decimal, signed)
        self.t.cells[address] = CellRef(
            parsed.value, cell.text, cell.line, cell.page, parsed.invalid, cell.confidence, cell.box
        )

    def values_after(self, row: list[Cell], i: int, n: int, is_label) -> list[Cell]:
        out: list[Cell] = []
        for cell in row[i + 1 :]:
            if len(out) == n or (is_label(cell.text) and not _is_value(cell.text)):
                break
            out.append(cell)
        return out


# ---- table 二 ----------------------------------------------------------------------------


def _t2_row(folded: str) -> tuple[str, str] | None:
    for block, rows in S.T2_ROWS.items():
        for row, labels in rows.items():
            if folded in labels:
                return block, row
    return None


def _t2_column(folded: str) -> tuple[str, str] | None:
    if folded.startswith("本年收费金额"):
        return "2021", "amount_10k_yuan"
    if folded in S.T2_COLUMNS_2021:
        return "2021", S.T2_COLUMNS_2021[folded]
    if folded in S.T2_COLUMNS_2019:
        return "2019", S.T2_COLUMNS_2019[folded]
    return None


def read_t2(rows: list[list[Cell]], tables: TableSet) -> None:
    r = _Reader("t2", tables)
    columns: list[str] = []  # header of the current 第二十条 block
    block: str | None = None
    seen_rows: set[tuple[str, str]] = set()

    def is_label(text: str) -> bool:
        f = label(text)
        return bool(_t2_row(f) or _t2_column(f) or _BLOCK_RE.search(fold(text)) or f == "信息内容")

    for row in rows:
        i = 0
        while i < len(row):
            cell = row[i]
            folded, f = fold(cell.text), label(cell.text)
            tables.signals.add(folded)
            m = _BLOCK_RE.search(folded)
            if m:
                columns, block = [], S.T2_BLOCK_BY_NUMERAL.get(m.group(1))
            elif (col := _t2_column(f)) is not None:
                columns.append(col[1])
                if col[0] == "2019":
                    tables.hybrid_rows.append(("t2", cell.text, cell.line))
            elif (hit := _t2_row(f) or _t2_misprinted(cell, block, seen_rows, tables)) is not None:
                row_block, row_key = hit
                in_2021 = S.T2_2021.get(row_block, {}).get(row_key, ())
                cols = columns or list(in_2021 or ("decisions",))
                values = r.values_after(row, i, len(cols), is_label)
                if values:
                    for column, vcell in zip(cols, values):
                        prefix = "t2" if column in in_2021 else "t2_2019"
                        r.put(
                            f"{prefix}.{row_block}.{row_key}.{column}",
                            vcell,
                            column in S.T2_DECIMAL_COLUMNS,
                            column in S.T2_SIGNED_COLUMNS,
                        )
                    seen_rows.add((row_block, row_key))
                    if row_key not in S.T2_2021.get(row_block, {}) and set(cols) <= set(
                        S.T2_COLUMNS_2021.values()
                    ):
                        tables.hybrid_rows.append(("t2", cell.text, cell.line))
                    i += len(values)
            elif f and not _is_value(cell.text) and i + 1 < len(row) and looks_numeric(row[i + 1].text):
                tables.extra_rows.append(("t2", cell.text, cell.line))
            i += 1
    missing = [
        f"{S.T2_LABELS_ZH[b]}·{S.T2_LABELS_ZH[k]}"
        for b, rs in S.T2_2021.items()
        for k in rs
        if (b, k) not in seen_rows
    ]
    if missing:
        tables.incomplete["t2"] = missing


def _t2_misprinted(
    cell: Cell, block: str | None, seen: set[tuple[str, str]], tables: TableSet
) -> tuple[str, str] | None:
    """A label inside a 第二十条 block that resembles one of the block's rows not yet read is that
    row (a typo never loses it); the label itself is reported."""
    f = label(cell.text)
    if block is None or not f or _is_value(cell.text):
        return None
    scored = [
        (SequenceMatcher(None, f, labels[0]).ratio(), key, labels[0])
        for key, labels in S.T2_ROWS.get(block, {}).items()
        if (block, key) not in seen
    ]
    ratio, key, wording = max(scored, default=(0.0, "", ""))
    if ratio < _RESEMBLANCE:
        return None
    tables.label_typos.append(("t2", cell.text, wording, cell.line))
    return block, key


# ---- table 三 ----------------------------------------------------------------------------

_GROUP_BY_LABEL = {v: k for k, v in S.T3_GROUPS.items()}
_NOTE_FULL = "本列数据的勾稽关系为"


@cache  # labels repeat in every row's scan for its values
def _t3_row(f: str, group: str | None) -> str | None:
    for key, (exact, _, _group) in S.T3_ROWS.items():
        if f == exact and (key != "oh_other" or group == "other_handling"):
            return key
    for key, (_, keywords, _) in S.T3_ROWS.items():
        if any(k in f for k in keywords):
            return key
    return None


@dataclass(slots=True)
class _Unplaced:
    """A table-三 row whose label names no row of the format: placed later by the fixed row order."""

    cell: Cell
    values: list[Cell]
    after: str | None  # the last row placed before it
    before: str | None = None  # the first row placed after it


def read_t3(rows: list[list[Cell]], tables: TableSet) -> None:
    r = _Reader("t3", tables)
    header_words = {fold(v) for v in S.T3_COLUMN_LABELS.values()} | {"申请人情况", "法人或其他组织"}
    columns = list(S.T3_COLUMNS)
    group: str | None = None
    seen: dict[str, int] = {}  # row key -> its place among the rows read
    unplaced: list[_Unplaced] = []
    last_key: str | None = None
    data_started = False

    def is_label(text: str) -> bool:
        f = label(text)
        return bool(_t3_row(f, group) or f in _GROUP_BY_LABEL or fold(text) in header_words)

    def place(key: str, cell: Cell, values: list[Cell]) -> None:
        for col, vcell in zip(columns, values):
            r.put(f"t3.{key}.{col}", vcell)
        seen[key] = len(seen)
        if len(values) < len(columns):
            tables.incomplete.setdefault("t3", []).append(
                f"「{S.T3_ROW_LABELS_ZH[key]}」只有 {len(values)} 个数据（应为 {len(columns)} 个）"
            )

    for row in rows:
        i = 0
        while i < len(row):
            cell = row[i]
            folded, f = fold(cell.text), label(cell.text)
            if folded:
                tables.signals.add(folded)
            if "第一项加第二项之和" in folded and _NOTE_FULL not in folded:
                tables.artifacts.append(Artifact("truncated-note", cell.line, cell.text))
            if not data_started and folded == "小计":
                columns = list(S.C6) + ["legal_person_subtotal", "total"]
                tables.extra_rows.append(("t3", "小计（列）", cell.line))
            key = None if f in _GROUP_BY_LABEL else _t3_row(f, group)
            if f in _GROUP_BY_LABEL:
                group = _GROUP_BY_LABEL[f]
            values = r.values_after(row, i, len(columns), is_label) if (key or f in _GROUP_BY_LABEL) else []
            if values:
                data_started = True
                if key:
                    place(key, cell, values)
                    last_key = key
                    for pending in unplaced:
                        pending.before = pending.before or key
                    # a leaf names its group even where the group label was lost (web copies)
                    group = S.T3_ROWS[key][2] or group
                    if cell.wrapped:
                        tables.artifacts.append(Artifact("wrapped-label", cell.line, cell.text))
                elif group == "results":
                    pass  # the 三、本年度办理结果 label never carries data
                else:
                    if group == "other_handling":  # the 2019 format's single row
                        tables.t3_flat_other_handling = True
                        tables.hybrid_rows.append(("t3", cell.text, cell.line))
                    else:
                        tables.extra_rows.append(("t3", cell.text, cell.line))
                    for col, vcell in zip(columns, values):
                        r.put(f"t3_groups.{group}.{col}", vcell)
                i += len(values)
            elif (
                f
                and key is None
                and f not in _GROUP_BY_LABEL
                and folded not in header_words
                and data_started
                and i + 1 < len(row)
                and looks_numeric(row[i + 1].text)
            ):
                values = r.values_after(row, i, len(columns), is_label)
                unplaced.append(_Unplaced(cell, values, last_key))
                i += len(values)
            i += 1
    for pending in _place_by_order(unplaced, seen, tables):
        place(*pending)
    expected = [k for k in S.T3_ROW_KEYS if not (tables.t3_flat_other_handling and k.startswith("oh_"))]
    missing = [S.T3_ROW_LABELS_ZH[k] for k in expected if k not in seen]
    if missing:
        tables.incomplete.setdefault("t3", []).insert(0, "缺少行：" + "、".join(missing))


def _place_by_order(unplaced: list[_Unplaced], seen: dict[str, int], tables: TableSet):
    """The format's rows come in a fixed order: an unknown label standing where exactly as many
    rows are missing as unknown labels stand there, and resembling them, is those rows (a typo or
    a cut label never loses a row; the label itself is reported). Anything else is an extra row."""
    order = list(S.T3_ROW_KEYS)
    gaps: dict[tuple[str | None, str | None], list[_Unplaced]] = {}
    for pending in unplaced:
        gaps.setdefault((pending.after, pending.before), []).append(pending)
    for (after, before), group in gaps.items():
        start = order.index(after) + 1 if after else 0
        end = order.index(before) if before else len(order)
        missing = [k for k in order[start:end] if k not in seen]
        pairs = list(zip(group, missing))
        if len(missing) == len(group) and all(_resembles(p.cell.text, k) for p, k in pairs):
            for pending, key in pairs:
                ordinal = ORDINAL_RE.match(fold(pending.cell.text))
                expected = (ordinal.group(0) if ordinal else "") + S.T3_ROWS[key][0]
                tables.label_typos.append(("t3", pending.cell.text, expected, pending.cell.line))
                yield key, pending.cell, pending.values
        else:
            tables.extra_rows.extend(("t3", p.cell.text, p.cell.line) for p in group)


def _resembles(text: str, key: str) -> bool:
    return SequenceMatcher(None, label(text), S.T3_ROWS[key][0]).ratio() >= _RESEMBLANCE


# ---- table 四 ----------------------------------------------------------------------------

_T4_FULL = sorted(S.T4_HEADER_WORDS, key=len, reverse=True)


def _t4_header(folded: str) -> str | None:
    """'full' for a complete header label, 'truncated' for a cut one (「结果」「尚未」), else None."""
    if folded in S.T4_HEADER_WORDS or "行政复议" in folded or "行政诉讼" in folded:
        return "full"
    if len(folded) >= 2 and any(w.startswith(folded) or w.endswith(folded) for w in _T4_FULL):
        return "truncated"
    return None


def read_t4(rows: list[list[Cell]], tables: TableSet) -> None:
    cells = [c for row in rows for c in row]
    last_header = -1
    truncated: list[Cell] = []
    for i, cell in enumerate(cells):
        kind = _t4_header(fold(cell.text))
        if kind:
            last_header = i
            if kind == "truncated":
                truncated.append(cell)
    if truncated:
        tables.artifacts.append(
            Artifact(
                "truncated-header", truncated[0].line, "、".join(dict.fromkeys(c.text for c in truncated))
            )
        )
    values = cells[last_header + 1 :]
    while values and not values[0].text.strip() and len(values) > 15:
        values.pop(0)
    r = _Reader("t4", tables)
    keys = [(g, c) for g in S.T4_GROUPS for c in S.T4_COLUMNS]
    for (grp, col), vcell in zip(keys, values):
        r.put(f"t4.{grp}.{col}", vcell)
    if len(values) < 15:
        tables.incomplete["t4"] = [f"只读到 {len(values)} 个数据单元格（应为 15 个）"]
    elif len(values) > 15:
        tables.extra_rows.append(("t4", f"多出 {len(values) - 15} 个单元格", values[15].line))
