"""Tables rebuilt from what a page shows: ruling lines make the grid, characters fill its cells.

Grid columns and rows come from every distinct ruling position of one connected set of lines; a
missing line between two grid cells merges them, so a label spanning two columns or a group label
spanning twenty rows is one cell, exactly as in the .docx and HTML grids (its text once, ``""``
below it, ``None`` beside it). A boxed line of narrative (one column, however many rows) is not a
table: its text goes back to the page's text.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from .errors import LimitError
from .normalize import looks_numeric
from .pdf_page import Glyph, PageContent, Ruling

_SNAP = 2.5  # points: ruling positions closer than this are one line
_MIN_LENGTH = 4.0  # points: shorter strokes are dots, ticks or glyph parts
_COVER = 0.6  # a border exists where rulings cover this share of the cell side
_CJK = ("\u2e80", "\u9fff")
MAX_TABLE_CELLS = 20_000  # a grid's cells before merging: report tables have ~400, each costs a region
# OCR: a cell's confidence (the least of its characters') and its box in points (x0, top, x1, bottom)
Mark = tuple[float, tuple[float, float, float, float]]


@dataclass(slots=True)
class TextLine:
    glyphs: list[Glyph]
    text: str
    x0: float
    x1: float
    top: float
    bottom: float


@dataclass(slots=True)
class GridTable:
    rows: list[list[str | None]]  # the .docx/HTML convention: text, "" under a rowspan, None beside
    top: float
    bottom: float
    lines: list[float]  # the top of each grid row
    xs: list[float]  # column boundaries, left to right
    marks: list[list[Mark | None]] | None = None  # beside ``rows``, for a table read by OCR


@dataclass(slots=True)
class _Region:
    r0: int
    c0: int
    r1: int
    c1: int
    glyphs: list[Glyph]


def layout(page: PageContent) -> tuple[list[GridTable], list[TextLine]]:
    """The page's ruled tables, and the printed lines of everything else."""
    tables: list[GridTable] = []
    taken: set[int] = set()
    for component in _components(_merge(page.rulings)):
        grid = _grid(component)
        if grid is None:
            continue
        xs, ys = grid
        if (len(xs) - 1) * (len(ys) - 1) > MAX_TABLE_CELLS:
            raise LimitError(f"PDF 第 {page.number} 页的表格过大（超过 {MAX_TABLE_CELLS} 个单元格）")
        inside = [
            i
            for i, g in enumerate(page.glyphs)
            if i not in taken and xs[0] <= g.cx <= xs[-1] and ys[0] <= g.cy <= ys[-1]
        ]
        if not inside:
            continue  # a frame with nothing in it (a decoration, an empty box)
        taken.update(inside)
        tables.append(_fill(component, xs, ys, [page.glyphs[i] for i in inside], page.ocr))
    rest = [g for i, g in enumerate(page.glyphs) if i not in taken]
    return tables, text_lines(rest)


# ---- rulings ---------------------------------------------------------------------------------


def _merge(rulings: list[Ruling]) -> list[Ruling]:
    """Collinear pieces joined (a border drawn cell by cell is one line), dots dropped."""
    horizontal = [r for r in rulings if r.horizontal and r.x1 - r.x0 >= _MIN_LENGTH]
    vertical = [r for r in rulings if not r.horizontal and r.bottom - r.top >= _MIN_LENGTH]
    return _join(horizontal, lambda r: r.top, lambda r: (r.x0, r.x1), True) + _join(
        vertical, lambda r: r.x0, lambda r: (r.top, r.bottom), False
    )


def _join(lines: list[Ruling], position, extent, horizontal: bool) -> list[Ruling]:
    out: list[Ruling] = []
    for group in _clusters(sorted(lines, key=position), position):
        at = sum(position(r) for r in group) / len(group)
        spans = sorted(extent(r) for r in group)
        start, end = spans[0]
        for a, b in spans[1:] + [(float("inf"), float("inf"))]:
            if a <= end + _SNAP:
                end = max(end, b)
                continue
            out.append(Ruling(start, at, end, at) if horizontal else Ruling(at, start, at, end))
            start, end = a, b
    return out


def _clusters(items: list, key) -> list[list]:
    groups: list[list] = []
    for item in items:
        if groups and key(item) - key(groups[-1][-1]) <= _SNAP:
            groups[-1].append(item)
        else:
            groups.append([item])
    return groups


def _components(rulings: list[Ruling]) -> list[list[Ruling]]:
    """Sets of rulings that touch or cross: one set per drawn table (or box)."""
    parent = list(range(len(rulings)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    horizontal = [i for i, r in enumerate(rulings) if r.horizontal]
    vertical = [i for i, r in enumerate(rulings) if not r.horizontal]
    for h in horizontal:
        a = rulings[h]
        for v in vertical:
            b = rulings[v]
            if a.x0 - _SNAP <= b.x0 <= a.x1 + _SNAP and b.top - _SNAP <= a.top <= b.bottom + _SNAP:
                parent[find(h)] = find(v)
    groups: dict[int, list[Ruling]] = {}
    for i, r in enumerate(rulings):
        groups.setdefault(find(i), []).append(r)
    return list(groups.values())


def _grid(component: list[Ruling]) -> tuple[list[float], list[float]] | None:
    """Column and row boundaries, or None when the lines do not make a table of two columns."""
    horizontal = [r for r in component if r.horizontal]
    vertical = [r for r in component if not r.horizontal]
    if not horizontal or not vertical:
        return None
    xs = _positions([r.x0 for r in vertical])
    ys = _positions([r.top for r in horizontal])
    left, right = min(r.x0 for r in horizontal), max(r.x1 for r in horizontal)
    top, bottom = min(r.top for r in vertical), max(r.bottom for r in vertical)
    xs = _positions(xs + [left, right])
    ys = _positions(ys + [top, bottom])
    if len(xs) < 3 or len(ys) < 2:
        return None  # one column: a box around text, not a table
    return xs, ys


def _positions(values: list[float]) -> list[float]:
    return [sum(g) / len(g) for g in _clusters(sorted(values), lambda v: v)]


def _spans_at(lines: list[Ruling], bounds: list[float]) -> list[list[tuple[float, float]]]:
    """For each boundary, the extents of the rulings lying on it (one orientation)."""
    out: list[list[tuple[float, float]]] = [[] for _ in bounds]
    for r in lines:
        horizontal = r.top == r.bottom
        pos, extent = (r.top, (r.x0, r.x1)) if horizontal else (r.x0, (r.top, r.bottom))
        for i, at in enumerate(bounds):
            if abs(pos - at) <= _SNAP:
                out[i].append(extent)
    return out


def _covered(spans: list[tuple[float, float]], start: float, end: float) -> bool:
    """Whether the rulings of one boundary cover most of [start, end]."""
    got = sum(max(0.0, min(b, end) - max(a, start)) for a, b in spans)
    return got >= (end - start) * _COVER


# ---- cells -----------------------------------------------------------------------------------


def _fill(
    component: list[Ruling], xs: list[float], ys: list[float], glyphs: list[Glyph], ocr: bool
) -> GridTable:
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    on_x = _spans_at([r for r in component if not r.horizontal], xs)
    on_y = _spans_at([r for r in component if r.horizontal], ys)
    owner = [[r * n_cols + c for c in range(n_cols)] for r in range(n_rows)]

    def find(i: int) -> int:
        while flat[i] != i:
            flat[i] = flat[flat[i]]
            i = flat[i]
        return i

    flat = [i for row in owner for i in row]
    for r in range(n_rows):
        for c in range(n_cols):
            if c + 1 < n_cols and not _covered(on_x[c + 1], ys[r], ys[r + 1]):
                flat[find(r * n_cols + c)] = find(r * n_cols + c + 1)
            if r + 1 < n_rows and not _covered(on_y[r + 1], xs[c], xs[c + 1]):
                flat[find(r * n_cols + c)] = find((r + 1) * n_cols + c)
    regions: dict[int, _Region] = {}
    for r in range(n_rows):
        for c in range(n_cols):
            root = find(r * n_cols + c)
            owner[r][c] = root
            reg = regions.get(root)
            if reg is None:
                regions[root] = _Region(r, c, r, c, [])
            else:
                reg.r0, reg.c0 = min(reg.r0, r), min(reg.c0, c)
                reg.r1, reg.c1 = max(reg.r1, r), max(reg.c1, c)
    for g in glyphs:
        r, c = _index(ys, g.cy), _index(xs, g.cx)
        regions[owner[r][c]].glyphs.append(g)
    rows: list[list[str | None]] = []
    marks: list[list[Mark | None]] = []
    for r in range(n_rows):
        row: list[str | None] = []
        row_marks: list[Mark | None] = []
        for c in range(n_cols):
            reg = regions[owner[r][c]]
            if (reg.r0, reg.c0) == (r, c):
                texts = _cell_texts("\n".join(line.text for line in text_lines(reg.glyphs)))
                row.extend(texts)
                row_marks.extend([_mark(reg, xs, ys)] * len(texts))
            else:
                row.append("" if c == reg.c0 else None)
                row_marks.append(None)
        rows.append(row)
        marks.append(row_marks)
    return GridTable(rows, ys[0], ys[-1], ys[:-1], xs, marks if ocr else None)


def _mark(region: _Region, xs: list[float], ys: list[float]) -> Mark:
    """A cell OCR left empty gets no confidence at all: a faint 「0」 it missed looks the same."""
    confidence = min((g.confidence for g in region.glyphs if g.confidence is not None), default=0.0)
    return confidence, (xs[region.c0], ys[region.r0], xs[region.c1 + 1], ys[region.r1 + 1])


def _cell_texts(text: str) -> list[str]:
    """A cell's text; numbers standing apart in one cell (a table drawn without its inner column
    lines) are one value each, as they would be in their own cells."""
    tokens = text.split()
    if len(tokens) > 1 and all(looks_numeric(token) for token in tokens):
        return tokens
    return [text]


def _index(bounds: list[float], value: float) -> int:
    """The band of ``bounds`` holding ``value`` (the outer bands hold what lies beyond)."""
    return min(max(bisect_right(bounds, value) - 1, 0), len(bounds) - 2)


# ---- printed lines ---------------------------------------------------------------------------


def text_lines(glyphs: list[Glyph]) -> list[TextLine]:
    """Glyphs grouped into printed lines (by vertical overlap), each read left to right."""
    bands: list[tuple[list[Glyph], float, float]] = []  # glyphs, top, bottom
    for g in sorted(glyphs, key=_reading_order):
        if bands:
            line, top, bottom = bands[-1]
            if min(bottom, g.bottom) - max(top, g.top) >= 0.5 * min(bottom - top, g.bottom - g.top):
                line.append(g)
                bands[-1] = (line, min(top, g.top), max(bottom, g.bottom))
                continue
        bands.append(([g], g.top, g.bottom))
    out = []
    for line, top, bottom in bands:
        line.sort(key=_left)
        out.append(TextLine(line, _join_glyphs(line), line[0].x0, max(g.x1 for g in line), top, bottom))
    return out


def _reading_order(g: Glyph) -> tuple[float, float]:
    return (g.top + g.bottom, g.x0)


def _left(g: Glyph) -> float:
    return g.x0


def _join_glyphs(line: list[Glyph]) -> str:
    """Characters in order; a space where a gap parts two words (never inside Chinese text, whose
    justified spacing means nothing), or parts a label from the numbers of a text-only table."""
    parts = [line[0].text]
    for a, b in zip(line, line[1:]):
        gap = b.x0 - a.x1
        size = max(a.size, b.size)
        cjk = _is_cjk(a.text) or _is_cjk(b.text)
        if gap > (1.5 * size if cjk else 0.25 * size):
            parts.append(" ")
        parts.append(b.text)
    return "".join(parts)


def _is_cjk(ch: str) -> bool:
    return _CJK[0] <= ch <= _CJK[1] or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"
