"""The HTML report: one self-contained page per review (表二/表三/表四 laid out as the official format
prints them, every wrong or blank cell marked and linked to its finding, the findings by part) and
an index of the batch, sortable, written last from the batch summary. Pages are written as reviews
arrive and nothing of them is kept, so a batch of thousands streams through in constant memory.
Each page prints to A4 from a browser (print stylesheet in templates/report.css)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import Environment, PackageLoader, select_autoescape

from extractors import schema as S

from ..models import SEVERITY_ORDER, Finding, Review
from . import (
    PART_TITLES,
    SEVERITY_ZH,
    UNREADABLE_ZH,
    VERDICT_ZH,
    by_part,
    disabled_line,
    headline,
    narrative_line,
    nothing_listed,
    source_mark,
    template_zh,
    where,
)

if TYPE_CHECKING:
    from ..summary import Summary

INDEX = "index.html"
UNREADABLE = "unreadable"
VERDICT_RANK = {"fail": 0, "warn": 1, "pass": 2}  # the index sorts the worst first, unreadable before all
_ENV = Environment(
    loader=PackageLoader("nianbao.render", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


# -- the tables as the official format lays them out -----------------------------------------------


@dataclass
class Cell:
    text: str = ""
    header: bool = False
    colspan: int = 1
    rowspan: int = 1
    address: str | None = None  # a data cell's canonical key
    classes: list[str] = field(default_factory=list)
    href: str | None = None  # the finding about it
    title: str | None = None

    @property
    def anchor(self) -> str | None:
        return cell_anchor(self.address) if self.address else None


def cell_anchor(address: str) -> str:
    return "c-" + address.replace(".", "-")


def _th(text: str, colspan: int = 1, rowspan: int = 1, *classes: str) -> Cell:
    return Cell(text, header=True, colspan=colspan, rowspan=rowspan, classes=list(classes))


def _full_width(label: str) -> str:
    """The schema keeps labels normalised (half-width); the official table prints them full-width."""
    return label.translate(str.maketrans("(),:", "（），："))


def _t2(template: str | None, tables: dict) -> list[list[Cell]]:
    """Blocks 第二十条第（一）（五）（六）（八）项, four columns; a 2019 report in its own columns."""
    layout = S.T2_2019 if template == "2019" else S.T2_2021
    rows: list[list[Cell]] = []
    for block, block_rows in layout.items():
        columns = list(dict.fromkeys(c for cols in block_rows.values() for c in cols))
        span = 3 // len(columns) if 3 % len(columns) == 0 else 1
        rows.append([_th(S.T2_LABELS_ZH[block], 1 + span * len(columns), 1, "block")])
        rows.append([_th("信息内容"), *(_th(S.T2_LABELS_ZH[c], span) for c in columns)])
        extra = tables.get("t2_2019", {}).get(block, {}) if template == "hybrid" else {}
        for row in [*block_rows, *(r for r in extra if r not in block_rows)]:
            cells = [_t2_address(block, row, c) for c in columns]
            rows.append([_th(S.T2_LABELS_ZH.get(row, row)), *(Cell(address=a, colspan=span) for a in cells)])
    return rows


def _t2_address(block: str, row: str, column: str) -> str:
    """2019-only cells live under ``t2_2019`` (review-output.md)."""
    shared = column in S.T2_2021.get(block, {}).get(row, ())
    return f"{'t2' if shared else 't2_2019'}.{block}.{row}.{column}"


# rows of table 三 that the 2019 format does not have
_T3_2021_ONLY = {"oh_fee_unpaid"}
_T3_GROUP_ORDINALS = {
    "denied": "（三）",
    "unable": "（四）",
    "not_processed": "（五）",
    "other_handling": "（六）",
}


def _t3(template: str | None) -> list[list[Cell]]:
    """Three label columns and the seven applicant columns, headers spanning as printed."""
    columns = S.T3_COLUMNS
    keep = [k for k in S.T3_ROW_KEYS if not (template == "2019" and k in _T3_2021_ONLY)]
    results = [k for k in keep if k not in ("new_received", "carried_over", "carried_forward")]
    rows = [
        [
            _th("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3, "note"),
            _th("申请人情况", 7),
        ],
        [
            _th(S.T3_COLUMN_LABELS["natural_person"], 1, 2),
            _th("法人或其他组织", 5),
            _th(S.T3_COLUMN_LABELS["total"], 1, 2),
        ],
        [_th(S.T3_COLUMN_LABELS[c]) for c in columns[1:6]],
    ]
    seen_groups: set[str] = set()
    for key in keep:
        group = S.T3_ROWS[key][2]
        labels: list[Cell] = []
        if key == results[0]:
            labels.append(_th(_full_width("三、" + S.T3_GROUPS["results"]), 1, len(results)))
        if group is None:
            label = (
                S.T3_ROW_LABELS_ZH[key]
                if key != "partially_granted"
                else "（二）" + _full_width(S.T3_ROWS[key][0])
            )
            labels.append(_th(label, 3 if key not in results else 2))
        else:
            leaves = [k for k in S.GROUP_LEAVES[group] if k in keep]
            if group not in seen_groups:
                seen_groups.add(group)
                labels.append(_th(_T3_GROUP_ORDINALS[group] + S.T3_GROUPS[group], 1, len(leaves)))
            labels.append(_th(f"{leaves.index(key) + 1}.{S.T3_ROWS[key][0]}", 1, 1, "leaf"))
        rows.append([*labels, *(Cell(address=f"t3.{key}.{c}") for c in columns)])
    return rows


def _t4() -> list[list[Cell]]:
    groups, columns = S.T4_GROUPS, S.T4_COLUMNS
    n = len(columns)
    return [
        [_th(S.T4_GROUP_LABELS_ZH["review"], n, 2), _th("行政诉讼", 2 * n)],
        [_th(S.T4_GROUP_LABELS_ZH[g].split("·")[-1], n) for g in groups[1:]],
        [_th(S.T4_COLUMN_LABELS_ZH[c]) for _ in groups for c in columns],
        [Cell(address=f"t4.{g}.{c}") for g in groups for c in columns],
    ]


# -- the page of one review ------------------------------------------------------------------------


@dataclass
class Item:
    """A finding as the page shows it."""

    anchor: str
    finding: Finding
    mark: str | None
    where: str
    reported: str | None  # the cell's text as the report printed it
    cell_href: str | None = None

    @property
    def severity(self) -> str:
        return self.finding.severity


def _value(tables: dict, address: str):
    node = tables
    for key in address.split("."):
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def _fill(
    rows: list[list[Cell]], tables: dict, by_cell: dict[str, Item], by_rule: dict[str, Item], table: str
) -> list[list[Cell]]:
    """Values in, and each wrong or blank cell marked and linked to its finding: the finding about
    that cell, else the one about all blank cells, or about a 2019 row left in a 2021 table."""
    raw = tables.get("cells_raw", {})
    for row in rows:
        for cell in row:
            if cell.address is None:
                continue
            value = _value(tables, cell.address)
            printed = raw.get(cell.address, {}).get("raw")
            cell.text = f"{value:g}" if isinstance(value, (int, float)) else (printed or "")
            cell.classes.append("num")
            item = by_cell.get(cell.address)
            if value is None and tables.get(table) is not None:
                cell.classes.append("blank")
                item = item or by_rule.get("blank-or-placeholder-cells")
            if cell.address.startswith("t2_2019.") and tables.get("t2") is not None:
                item = item or by_rule.get("template-hybrid-row")
            if item is not None:
                cell.classes += ["flagged", f"sev-{item.severity}"]
                cell.href, cell.title = "#" + item.anchor, item.finding.message
                item.cell_href = item.cell_href or f"#{cell.anchor}"
    return rows


def _items(review: Review) -> list[tuple[str, list[Item]]]:
    raw = review.tables.get("cells_raw", {})
    out, n = [], 0
    for part, findings in by_part(review.findings):
        items = []
        for f in findings:
            n += 1
            cell = f.location.cell
            reported = (raw.get(cell, {}).get("raw") or "（空）") if cell else None
            items.append(Item(f"f-{n}", f, source_mark(f), where(f), reported))
        out.append((PART_TITLES[part], items))
    return out


def _tables(review: Review, parts: list[tuple[str, list[Item]]]) -> list[dict]:
    items = [i for _, group in parts for i in group]
    by_cell: dict[str, Item] = {}
    for i in sorted(items, key=lambda i: SEVERITY_ORDER[i.severity]):  # a cell links to its worst finding
        if i.finding.location.cell:
            by_cell.setdefault(i.finding.location.cell, i)
    by_rule: dict[str, Item] = {}
    for i in items:
        by_rule.setdefault(i.finding.rule, i)
    t, tmpl = review.tables, review.report.template
    shown = [
        ("t2", "表二 主动公开政府信息情况", _t2(tmpl, t)),
        ("t3", "表三 收到和处理政府信息公开申请情况", _t3(tmpl)),
        ("t4", "表四 政府信息公开行政复议、行政诉讼情况", _t4()),
    ]
    # 表三/表四 open with header rows only: in <thead>, a browser prints them again on every page the
    # table runs over; 表二's block headers belong to their blocks
    return [
        {
            "key": key,
            "title": title,
            "found": t.get(key) is not None,
            "head": 0
            if key == "t2"
            else next(i for i, row in enumerate(rows) if any(not c.header for c in row)),
            "rows": _fill(rows, t, by_cell, by_rule, key),
        }
        for key, title, rows in shown
    ]


def render_page(review: Review, index: str | None = INDEX) -> str:
    parts = _items(review)
    r = review.report
    return _ENV.get_template("report.html").render(
        review=review,
        report=r,
        headline=headline(review),
        verdict=VERDICT_ZH[review.verdict],
        template=template_zh(r.template),
        tables=_tables(review, parts),
        parts=parts,
        severity_zh=SEVERITY_ZH,
        narrative=narrative_line(review),
        disabled=disabled_line(review),
        nothing=nothing_listed(review),
        index=index,
    )


# -- the batch: pages as they come, the index at the end --------------------------------------------


_UNSAFE = re.compile(r"[^\w\u4e00-\u9fff-]+")


def page_name(index: int, path: str) -> str:
    """Numbered by input order, so two reports named alike never overwrite each other, and derived
    from (index, path) alone, so the index needs nothing kept; the stem is for a human browsing
    the folder, stripped of anything a file system or a URL would trip over."""
    stem = _UNSAFE.sub("_", Path(path).stem).strip("_")[:40] or "report"
    return f"{index:04d}-{stem}.html"


class HtmlWriter:
    """A batch writer (``export.Writer``): each review's page is written as it arrives and dropped;
    ``finish`` writes the index from the batch summary, which keeps its rows on disk."""

    def __init__(self, out_dir: str | Path):
        self.dir = Path(out_dir)
        self.dir.mkdir(parents=True, exist_ok=True)

    def review(self, index: int, review: Review) -> None:
        (self.dir / page_name(index, review.source.path)).write_text(render_page(review), encoding="utf-8")

    def unreadable(self, index: int, path: str, reason: str) -> None:
        """Nothing to write: the index lists it with its reason."""

    def finish(self, summary: Summary) -> None:
        rows = [
            {
                "row": r,
                "page": None if r.verdict == UNREADABLE else page_name(r.index, r.path),
                "verdict": VERDICT_ZH.get(r.verdict, UNREADABLE_ZH),
                "rank": VERDICT_RANK.get(r.verdict, -1),
                "template": template_zh(r.template) if r.template else "",
            }
            for r in summary.rows()
        ]
        totals = summary.totals
        counts = {
            VERDICT_ZH["pass"]: totals.passed,
            VERDICT_ZH["warn"]: totals.warned,
            VERDICT_ZH["fail"]: totals.failed,
            UNREADABLE_ZH: totals.unreadable,
        }
        (self.dir / INDEX).write_text(
            _ENV.get_template("index.html").render(
                rows=rows, counts=counts, reports=totals.reports, interrupted=summary.interrupted
            ),
            encoding="utf-8",
        )


def write_html(items: Iterable[Review | tuple[str, str]], out_dir: str | Path) -> Path:
    """Reviews, or (path, reason) for files that could not be read, as they come; the index's path."""
    from ..summary import Summary

    items = list(items)
    writer = HtmlWriter(out_dir)
    with Summary(len(items)) as summary:
        for index, item in enumerate(items, 1):
            if isinstance(item, Review):
                summary.add(index, item.source.path, item)
                writer.review(index, item)
            else:
                summary.add(index, item[0], reason=item[1])
                writer.unreadable(index, *item)
        writer.finish(summary)
    return writer.dir / INDEX
