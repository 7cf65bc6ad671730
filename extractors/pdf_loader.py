"""PDF read with pdfium: each page's ruled tables rebuilt from its lines and characters
(``pdf_grid``), the text around them rejoined into paragraphs, top to bottom.

A page with no text layer but an image (a scan) is rendered and read by OCR (``ocr``) into the
same characters and lines, page by page, so a PDF with some scanned pages reads whole.
A table continued on the next page stays two tables; the extraction reads them as one.
"""

from __future__ import annotations

import re
import threading
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from typing import cast

import pypdfium2 as pdfium
import pypdfium2.raw as raw
from PIL import Image

from . import ocr
from .document import Document, DocumentBuilder, Table
from .errors import LimitError, LoadError
from .load import MAX_CHARS
from .normalize import fold, label, looks_numeric, starts_with_ordinal
from .pdf_grid import GridTable, Mark, TextLine, layout
from .pdf_page import PageContent, read_page
from .schema import KNOWN_LABELS
from .text_loader import inline_row

_PAGE_NUMBER = re.compile(
    r"(?:第\s*\d+\s*页(?:\s*[，,/]?\s*共\s*\d+\s*页)?|[-—–]?\s*\d+\s*[-—–]?|\d+\s*/\s*\d+)"
)
_MARGIN = 0.1  # running page numbers sit in the top or bottom tenth of the page
_TERMINAL = tuple("。！？…!?")  # not ；： — contact lines and lists wrap after them
_INDENT_SLACK = 3  # points: a line starting further right than the margin opens a paragraph
_SET_RIGHT = 4  # ems: a line starting further in than a paragraph's indent is centred or set right
_SAME_EDGE = 3  # points: a cell cut by a page break keeps its left and right edges
_PDFIUM = threading.Lock()  # pdfium is not thread-safe, and the bot reviews in threads
# Reports run to 3–50 pages. A character read costs ~260 bytes kept until the layout is done, so the
# characters are counted as they are read, against the text limit of every document (load.MAX_CHARS).
MAX_PAGES = 1_000
# A scanned page is rendered at ocr.DPI and read in 5–20 s: past 100 such pages no report budget holds.
MAX_OCR_PAGES = 100
# pdfium inflates a page's streams while it loads the page, whatever their size (a 2 MB PDF whose
# content stream inflates to 2 GiB took 3.2 GB), so every zlib stream of the file is inflated here
# first, counted and dropped, by a reader that stops past the limit. Reports' streams are under 20 MB
# (an embedded CJK font); a whole A4 page scanned at 600 dpi is 104 MB.
MAX_STREAM_BYTES = 128 << 20
MAX_STREAMS_BYTES = 512 << 20
_STREAM = re.compile(rb"(?<!end)stream\r?\n")
_READ, _INFLATE = 1 << 16, 1 << 22  # bytes fed to zlib at once, bytes it may return at once


def load_pdf(data: bytes) -> Document:
    if b"%%EOF" not in data.rstrip(b"\x00 \t\r\n\x0c")[-1024:]:
        raise LoadError("PDF 文件已损坏或不完整（缺少文件结尾，可能没有下载完整）")
    _check_streams(data)
    contents = _read(data)
    if not any(content.glyphs for content in contents):
        if not ocr.enabled():
            raise LoadError("PDF 没有文字层（可能是扫描件），OCR 已关闭（--no-ocr 或 NIANBAO_OCR=0）")
        raise LoadError("PDF 没有文字层，OCR 也没有在页面图像中识别出文字")
    return compose(contents, "pdf")


def compose(contents: list[PageContent], fmt: str) -> Document:
    """The document the pages make, whether their characters came from a text layer or from OCR."""
    pages = [_lay_out(content) for content in contents]
    for before, after in pairwise(pages):
        _stitch(before, after)
    builder = DocumentBuilder(fmt)
    for page in pages:
        _emit(page, builder)
    document = builder.build()
    document.ocr_pages = [content.number for content in contents if content.ocr]
    return document


def _check_streams(data: bytes) -> None:
    total = 0
    for match in _STREAM.finditer(data):
        size = _inflated_size(data, match.end(), MAX_STREAM_BYTES)
        if size > MAX_STREAM_BYTES:
            raise LimitError(f"PDF 中有数据流解压后超过 {MAX_STREAM_BYTES >> 20} MB")
        total += size
        if total > MAX_STREAMS_BYTES:
            raise LimitError(f"PDF 中的数据流解压后共超过 {MAX_STREAMS_BYTES >> 20} MB")


def _inflated_size(data: bytes, start: int, limit: int) -> int:
    """What the zlib stream at ``start`` inflates to, counted until it ends or passes ``limit``."""
    inflater = zlib.decompressobj()
    view, size = memoryview(data), 0
    try:
        for at in range(start, len(data), _READ):
            pending: memoryview | bytes = view[at : at + _READ]
            while pending:
                size += len(inflater.decompress(pending, _INFLATE))
                if inflater.eof or size > limit:
                    return size
                pending = inflater.unconsumed_tail
    except zlib.error:
        pass  # another filter, encrypted or broken data: pdfium judges it
    return size


def _read(data: bytes) -> list[PageContent]:
    """Every page's characters and lines. pdfium is only ever called under the lock; a scanned
    page's OCR runs outside it, so other threads' PDFs are not kept waiting for seconds, and
    several scanned pages are read at once (``ocr.read_pages``) while the next are rendered."""
    with _PDFIUM:
        pdf = _open(data)
        count = len(pdf)
    try:
        pages, chars = [], 0
        for content in ocr.read_pages(_rendered(pdf, count)):
            pages.append(content)
            chars += len(content.glyphs)
            if chars > MAX_CHARS:
                raise LimitError(f"PDF 的字符超过 {MAX_CHARS} 个（读到第 {content.number} 页）")
        return pages
    finally:
        with _PDFIUM:
            pdf.close()


def _rendered(pdf: pdfium.PdfDocument, count: int) -> Iterator[PageContent | tuple[Image.Image, int, float]]:
    """Each page's text layer, or its image to be read by OCR: (image, number, points per pixel)."""
    scans = 0
    for index in range(count):
        with _PDFIUM:
            content, image = _read_page(pdf, index)
        if image is None:
            yield content
            continue
        scans += 1
        if scans > MAX_OCR_PAGES:
            raise LimitError(f"PDF 中需要 OCR 的扫描页超过 {MAX_OCR_PAGES} 页")
        yield image, index + 1, content.width / image.width


def _open(data: bytes) -> pdfium.PdfDocument:
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == raw.FPDF_ERR_PASSWORD:
            raise LoadError("PDF 已加密（需要密码才能打开），请提供未加密的文件") from None
        raise LoadError("PDF 文件已损坏或不完整（无法解析文件结构）") from None
    if len(pdf) == 0 or len(pdf) > MAX_PAGES:
        pages = len(pdf)
        pdf.close()
        if pages == 0:
            raise LoadError("PDF 文件已损坏或不完整（没有可读取的页面）")
        raise LimitError(f"PDF 有 {pages} 页，超过 {MAX_PAGES} 页")
    return pdf


def _read_page(pdf: pdfium.PdfDocument, index: int) -> tuple[PageContent, Image.Image | None]:
    """The page's text layer and lines, and its rendering when it is a scan to be read by OCR."""
    try:
        page = pdf[index]
        try:
            content = read_page(page, index + 1)
            if content.glyphs or not content.images or not ocr.enabled():
                return content, None
            # within the pixel limit whatever size the page claims to be
            scale = min(ocr.DPI / 72, (ocr.MAX_PIXELS / max(content.width * content.height, 1.0)) ** 0.5)
            return content, page.render(scale=scale).to_pil()
        finally:
            page.close()
    except LoadError:
        raise
    except Exception:  # untrusted bytes: pdfium fails deep inside with all kinds of errors
        raise LoadError("PDF 文件已损坏或不完整（无法解析页面内容）") from None


@dataclass
class _Page:
    number: int
    blocks: list[TextLine | GridTable]  # top to bottom, running page numbers dropped
    numbering: dict[int, int]  # a printed line's top -> its line number on the page
    left: float
    right: float


def _lay_out(content: PageContent) -> _Page:
    tables, lines = layout(content)
    lines = [line for line in lines if not _is_page_number(line, content)]
    printed = sorted({round(line.top) for line in lines} | {round(top) for t in tables for top in t.lines})
    blocks = _unruled_tables(sorted([*lines, *tables], key=lambda block: block.top))
    return _Page(
        content.number,
        blocks,
        {top: n for n, top in enumerate(printed, 1)},
        min((line.x0 for line in lines), default=0),
        max((line.x1 for line in lines), default=0),
    )


def _unruled_tables(blocks: list[TextLine | GridTable]) -> list[TextLine | GridTable]:
    """A table printed without lines leaves its rows as printed lines, a label and then its numbers
    spaced out: two or more such lines in a row are a table, read as the text forms are."""
    out: list[TextLine | GridTable] = []
    run: list[TextLine] = []
    for block in [*blocks, None]:
        if isinstance(block, TextLine) and inline_row(block.text):
            run.append(block)
            continue
        if len(run) >= 2:
            rows: list[list[str | None]] = [list(inline_row(line.text) or []) for line in run]
            marks = [[_line_mark(line)] * len(row) for line, row in zip(run, rows, strict=True)]
            out.append(
                GridTable(
                    rows,
                    run[0].top,
                    run[-1].bottom,
                    [line.top for line in run],
                    [],
                    marks if marks[0][0] is not None else None,
                )
            )
        else:
            out.extend(run)
        run = []
        if block is not None:
            out.append(block)
    return out


def _line_mark(line: TextLine) -> Mark | None:
    """An OCR'd row of a table printed without lines: each of its values gets the row's doubt."""
    scores = [g.confidence for g in line.glyphs if g.confidence is not None]
    return (min(scores), (line.x0, line.top, line.x1, line.bottom)) if scores else None


def _stitch(before: _Page, after: _Page) -> None:
    """A table running over a page break: header rows printed again are dropped, and a row the
    break cut in two (its label's last characters at the top of the next page) is joined again."""
    if not (
        before.blocks
        and after.blocks
        and isinstance(before.blocks[-1], GridTable)
        and isinstance(after.blocks[0], GridTable)
    ):
        return
    head, tail = before.blocks[-1], after.blocks[0]
    if not (head.xs and tail.xs):
        return  # a table printed without lines has no columns to join a cut row by
    drop = 0
    while drop < min(len(tail.rows) - 1, len(head.rows)) and _texts(tail.rows[drop]) == _texts(
        head.rows[drop]
    ):
        drop += 1
    if _join_cut_row(head, tail, drop):
        drop += 1
    del tail.rows[:drop], tail.lines[:drop]
    if tail.marks is not None:
        del tail.marks[:drop]
    if not tail.rows:
        after.blocks.pop(0)


def _texts(row: list[str | None]) -> list[str]:
    return [text for text in row if text is not None]


def _join_cut_row(head: GridTable, tail: GridTable, index: int) -> bool:
    """Join row ``index`` of ``tail`` to the last row of ``head`` when it holds only the rest of that
    row's texts: no number, no new label (no ordinal), each in a cell as wide as the one above it,
    whose text is neither a number nor a whole label of the format already."""
    last, first = head.rows[-1], tail.rows[index]
    targets: list[tuple[int, int, str]] = []  # (column above, column of the rest, the rest)
    for c, text in enumerate(first):
        if not text:
            continue
        left, right = tail.xs[c], tail.xs[_span_end(first, c)]
        above = _owner(last, _column_at(head.xs, (left + right) / 2))
        above_text = None if above is None else last[above]
        if (
            above is None
            or not above_text
            or looks_numeric(text)
            or starts_with_ordinal(text)
            or looks_numeric(above_text)
            or label(above_text) in KNOWN_LABELS
            or abs(head.xs[above] - left) > _SAME_EDGE
            or abs(head.xs[_span_end(last, above)] - right) > _SAME_EDGE
        ):
            return False
        targets.append((above, c, text))
    for above, c, rest in targets:
        last[above] = cast(str, last[above]) + rest  # held text when checked; joining only appends
        if head.marks and tail.marks and (upper := head.marks[-1][above]) and (lower := tail.marks[index][c]):
            (low, box), (other, _) = upper, lower
            head.marks[-1][above] = (min(low, other), box)
    return bool(targets)


def _span_end(row: list[str | None], c: int) -> int:
    """The right boundary index of the cell starting at column ``c``."""
    end = c + 1
    while end < len(row) and row[end] is None:
        end += 1
    return end


def _column_at(xs: list[float], x: float) -> int | None:
    return next((c for c in range(len(xs) - 1) if xs[c] <= x < xs[c + 1]), None)


def _owner(row: list[str | None], c: int | None) -> int | None:
    """The column of the cell covering column ``c`` (a spanned position belongs to the cell left of it)."""
    while c is not None and c > 0 and row[c] is None:
        c -= 1
    return c


def _emit(page: _Page, builder: DocumentBuilder) -> None:
    """Feed the page's paragraphs and tables to ``builder`` top to bottom."""
    pending: list[TextLine] = []  # printed lines of the paragraph being rejoined
    for block in page.blocks:
        if pending and not (
            isinstance(block, TextLine) and _continues(pending[-1], block, page.left, page.right)
        ):
            _paragraph(builder, pending, page)
            pending = []
        if isinstance(block, TextLine):
            pending.append(block)
        else:
            table = builder.table(
                block.rows, page=page.number, page_lines=[page.numbering[round(top)] for top in block.lines]
            )
            if block.marks is not None and table is not None:
                _mark(table, block.rows, block.marks)
    if pending:
        _paragraph(builder, pending, page)


def _mark(table: Table, rows: list[list[str | None]], grid_marks: list[list[Mark | None]]) -> None:
    """An OCR'd table's cells keep their confidence and box: the builder makes one cell of each
    text of the grid, in order, so the marks are laid on in the same order."""
    marks = [
        mark
        for row, row_marks in zip(rows, grid_marks, strict=True)
        for text, mark in zip(row, row_marks, strict=True)
        if text is not None
    ]
    for cell, mark in zip(table.cells(), marks, strict=True):
        if mark is not None:
            cell.confidence, cell.box = mark


def _paragraph(builder: DocumentBuilder, lines: list[TextLine], page: _Page) -> None:
    builder.paragraph(
        "".join(line.text for line in lines), page=page.number, page_line=page.numbering[round(lines[0].top)]
    )


def _continues(previous: TextLine, line: TextLine, left: float, right: float) -> bool:
    """Printed lines are rejoined into paragraphs (so sentences and the contact block stay
    whole): a wrapped line starts at the margin, after a line that did not end a sentence.
    Paragraphs open indented (or centred, like titles and signatures) or with an ordinal; a
    short numbered line, or an indented one, that stops before the right margin stands alone."""
    if line.x0 - left > _INDENT_SLACK or previous.text.endswith(_TERMINAL) or starts_with_ordinal(line.text):
        return False
    size = max(g.size for g in previous.glyphs)
    full = previous.x1 >= right - 1.5 * size
    if previous.x0 - left > (_INDENT_SLACK if not full else _SET_RIGHT * size):
        return False  # a line of its own: centred or set to the right (a title, a signature, a date)
    return full or not (starts_with_ordinal(previous.text) and len(fold(previous.text)) <= 30)


def _is_page_number(line: TextLine, page: PageContent) -> bool:
    margin = page.height * _MARGIN
    in_margin = line.bottom <= margin or line.top >= page.height - margin
    return in_margin and bool(_PAGE_NUMBER.fullmatch(line.text.strip()))
