"""Document → Extraction: parts, metadata, template and tables, written once for every format."""

from __future__ import annotations

from dataclasses import dataclass

from . import schema as S
from .document import Document, Paragraph, Table
from .errors import NotAReportError
from .metadata import Meta, read_meta
from .normalize import fold
from .parts import PartHeading, find_parts, legacy_headings, part_of_line
from .tables import TableSet, read_t2, read_t3, read_t4

_TABLE_SIGNS = {
    "t2": ("第二十条", "信息内容", "本年制发件数", "行政事业性收费", "本年处理决定数量"),
    "t3": ("本年新收", "申请人情况", "予以公开", "本年度办理结果", "第一项加第二项之和", "不予公开"),
    "t4": ("结果维持", "复议后起诉", "未经复议直接起诉", "尚未审结"),
}
_PART_TABLE = {part: table for table, part in S.TABLE_PART.items()}


@dataclass
class Extraction:
    """A document with its parts, front matter and tables read."""

    doc: Document
    parts: list[PartHeading]
    meta: Meta
    tables: TableSet
    template: str | None
    legacy: list[Paragraph]
    statistical: frozenset[int] = frozenset()  # first lines of the table blocks read as 二/三/四

    def part_paragraphs(self, part: str) -> list[Paragraph]:
        return [
            p
            for p in self.doc.paragraphs
            if part_of_line(self.parts, p.line) == part and not any(h.line == p.line for h in self.parts)
        ]

    def part_of(self, line: int | None) -> str | None:
        return part_of_line(self.parts, line) if line else None

    @property
    def narrative(self) -> list[Paragraph]:
        """Front matter and parts 一, 五, 六: the text a reader (or the LLM) reviews as prose."""
        return [
            p for p in self.doc.paragraphs if part_of_line(self.parts, p.line) in (None, "一", "五", "六")
        ]

    def narrative_table_rows(self) -> list[Paragraph]:
        """Other tables inside the narrative (a staff list in part 一, say) as one line per row:
        they belong to the prose a reader checks, unlike the statistical tables."""
        return [
            Paragraph(" | ".join(c.text for c in row if c.text.strip()), row[0].line, row[0].page)
            for t in self.doc.tables
            if t.line not in self.statistical and part_of_line(self.parts, t.line) in (None, "一", "五", "六")
            for row in t.rows
            if any(c.text.strip() for c in row)
        ]


def _classify(table: Table) -> str | None:
    text = "".join(fold(c.text) for c in table.cells()[:80])
    scores = {t: sum(sign in text for sign in signs) for t, signs in _TABLE_SIGNS.items()}
    best = max(scores, key=scores.__getitem__)
    return best if scores[best] else None


def _group_tables(doc: Document, parts: list[PartHeading]) -> dict[str, list[Table]]:
    """Tables by kind: by signature; else by the part they stand in; else continuing the table
    just before (a table split across pages, or a data block whose header was lost)."""
    grouped: dict[str, list[Table]] = {"t2": [], "t3": [], "t4": []}
    previous: str | None = None
    previous_part: str | None = None
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            if any(h.line == block.line for h in parts):
                previous = None
            continue
        part = part_of_line(parts, block.line)
        kind = (
            _classify(block) or _PART_TABLE.get(part or "") or (previous if part == previous_part else None)
        )
        if kind:
            grouped[kind].append(block)
        previous, previous_part = kind, part
    return grouped


def _template(tables: TableSet, legacy: list[Paragraph], found_any: bool) -> str | None:
    signals = tables.signals
    has_2019 = (
        any(fold(s) in signals for s in S.SIGNS_2019)
        or tables.t3_flat_other_handling
        or any("t2_2019" in k for k in tables.cells)
    )
    has_2021 = any(any(fold(s) in sig for sig in signals) for s in S.SIGNS_2021)
    if has_2019 and has_2021:
        return "hybrid"
    if has_2019:
        return "2019"
    if has_2021:
        return "2021"
    if len(legacy) >= 2:
        return "legacy"
    return "2021" if found_any else None


def extract(doc: Document) -> Extraction:
    parts = find_parts(doc.paragraphs)
    legacy = legacy_headings(doc.paragraphs)
    lines = sorted(h.line for h in parts)
    six = next((h.line for h in parts if h.part == "六"), None)
    meta: Meta = read_meta(doc.paragraphs, lines[0] if lines else None, six)
    tables = TableSet()
    grouped = _group_tables(doc, parts)
    for kind, reader in (("t2", read_t2), ("t3", read_t3), ("t4", read_t4)):
        if grouped[kind]:
            tables.found[kind] = grouped[kind][0].line
            reader([row for t in grouped[kind] for row in t.rows], tables)
    title = meta.title or ""
    is_report = (
        len(parts) >= 2 or tables.found or len(legacy) >= 2 or ("年度报告" in title and "公开" in title)
    )
    if not is_report:
        raise NotAReportError("不是政府信息公开工作年度报告（没有找到报告的各部分标题，也没有统计表）")
    template = _template(tables, legacy, bool(tables.found))
    statistical = frozenset(t.line for group in grouped.values() for t in group)
    return Extraction(doc, parts, meta, tables, template, legacy, statistical)
