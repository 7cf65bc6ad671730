"""The one document model every loader produces: paragraphs and table grids in reading order.

Line numbers refer to ``Document.lines``, the text the report was read as: a .txt file's own
lines, or for other formats a tab-form rendering (one paragraph a line, one cell a line, a blank
line after each table row) — the same shape as the flattened seeds, so locations read alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Cell:
    """One cell of a table, as printed, and where."""

    text: str
    line: int
    page: int | None = None
    wrapped: bool = False  # the text was joined from several source lines
    page_line: int | None = None  # the printed line on its page (PDF), as a reviewer counts
    # OCR only: the recogniser's confidence (0..1) and the cell's box on the page image, in PDF
    # points (x0, top, x1, bottom), so a doubtful number can be checked by eye. None: a text layer.
    confidence: float | None = None
    box: tuple[float, float, float, float] | None = None


@dataclass(slots=True)
class Paragraph:
    """One paragraph of the text and where it starts."""

    text: str
    line: int
    page: int | None = None
    page_line: int | None = None  # the printed line on its page (PDF), as a reviewer counts


@dataclass(slots=True)
class Table:
    """A grid of cells, row by row, and where it starts."""

    rows: list[list[Cell]]
    line: int
    page: int | None = None

    def cells(self) -> list[Cell]:
        return [c for row in self.rows for c in row]


@dataclass(slots=True)
class Artifact:
    """Something the conversion to text left behind (spec §6.1 conversion-artifact)."""

    kind: str  # bookmark | truncated-header | truncated-note | wrapped-label
    line: int
    text: str


@dataclass
class Document:
    """What a loader reads from a file: paragraphs and tables in reading order, and the text's lines."""

    format: str
    blocks: list[Paragraph | Table]
    lines: list[str]
    artifacts: list[Artifact] = field(default_factory=list)
    published_on: str | None = None  # from page metadata (HTML), ISO date
    ocr_pages: list[int] = field(default_factory=list)  # pages read by OCR from their image (1-based)

    @property
    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


class DocumentBuilder:
    """Builds a Document from paragraphs and grids, rendering the tab-form text as it goes."""

    def __init__(self, fmt: str):
        self.fmt = fmt
        self.blocks: list[Paragraph | Table] = []
        self.lines: list[str] = []
        self.artifacts: list[Artifact] = []

    def paragraph(self, text: str, page: int | None = None, page_line: int | None = None) -> None:
        from .normalize import BOOKMARK_RE

        for piece in text.splitlines() or [""]:
            self.lines.append(piece)
            if BOOKMARK_RE.search(piece):
                self.artifacts.append(Artifact("bookmark", len(self.lines), piece))
            clean = BOOKMARK_RE.sub("", piece).strip()
            if clean:
                self.blocks.append(Paragraph(clean, len(self.lines), page, page_line))

    def table(
        self, grid: list[list[str | None]], page: int | None = None, page_lines: list[int] | None = None
    ) -> Table | None:
        """``grid`` rows with merged positions already de-duplicated (None or absent). The table
        added, or None when no row held a cell (nothing is added)."""
        rows: list[list[Cell]] = []
        start = len(self.lines) + 1
        for r, raw_row in enumerate(grid):
            page_line = page_lines[r] if page_lines else None
            row: list[Cell] = []
            for text in raw_row:
                if text is None:
                    continue
                # wrapped cell text: Chinese labels join without a separator
                joined = "".join(part.strip() for part in text.splitlines())
                self.lines.append("\t" + joined)
                row.append(Cell(joined, len(self.lines), page, page_line=page_line))
            self.lines.append("")
            if row:
                rows.append(row)
        if not rows:
            return None
        table = Table(rows, start, page)
        self.blocks.append(table)
        return table

    def build(self, published_on: str | None = None) -> Document:
        return Document(self.fmt, self.blocks, self.lines, self.artifacts, published_on)
