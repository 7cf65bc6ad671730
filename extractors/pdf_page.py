"""What a PDF page really contains, read with pdfium: every character with its box, and the ruling
lines a reader sees. This is the whole input of the table reader (``pdf_grid``), the same shape OCR
and line detection give for a scanned page (``ocr``).

Coordinates are in points from the top-left corner of the page (y grows downwards).
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from .errors import LimitError

# Report pages carry up to ~1,400 characters, ~600 rulings and ~4,000 page objects and path segments
# ("graphics"). Each graphic costs pdfium calls, and the table reader pairs rulings with rulings and
# grid cells with characters: past these a page is refused before its characters are read.
MAX_PAGE_CHARS = 10_000
MAX_PAGE_RULINGS = 5_000
MAX_PAGE_GRAPHICS = 200_000

_THIN = 3.0  # points: a filled rectangle thinner than this is a drawn line
_WHITE = 245  # a colour channel at or above this on all three is paper-white: nothing is drawn
_BLANKS = frozenset({0xA0, 0x3000, 0xFFFE})
_LARGEST_TEXT = 60.0  # points: an em box taller than this is a producer's matrix pdfium ignored
_ASCENT = 0.88  # share of the em box above the baseline (CJK fonts)
_SEGMENT_LINE, _SEGMENT_MOVE = raw.FPDF_SEGMENT_LINETO, raw.FPDF_SEGMENT_MOVETO


@dataclass(slots=True)
class Glyph:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float  # font size in points (the line height a reader sees)
    confidence: float | None = None  # OCR: the recogniser's confidence in this character; None: a text layer

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(slots=True)
class Ruling:
    """An axis-aligned line: horizontal when ``top == bottom``, vertical when ``x0 == x1``."""

    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def horizontal(self) -> bool:
        return self.bottom - self.top <= self.x1 - self.x0


@dataclass(slots=True)
class PageContent:
    number: int
    width: float
    height: float
    glyphs: list[Glyph]
    rulings: list[Ruling]
    ocr: bool = False  # read from the page's image: a cell left empty may be a character OCR missed
    images: int = 0  # image objects drawn: a page of them and no characters is a scan


class _Drawing:
    """The rulings of one page as they are found, and what finding them has cost."""

    def __init__(self, number: int):
        self.number = number
        self.rulings: list[Ruling] = []
        self.graphics = 0
        self.images = 0

    def spend(self, graphics: int) -> None:
        self.graphics += graphics
        if self.graphics > MAX_PAGE_GRAPHICS:
            raise LimitError(f"PDF 第 {self.number} 页的图形超过 {MAX_PAGE_GRAPHICS} 个对象和路径段")

    def add(self, ruling: Ruling) -> None:
        self.rulings.append(ruling)
        if len(self.rulings) > MAX_PAGE_RULINGS:
            raise LimitError(f"PDF 第 {self.number} 页的线条超过 {MAX_PAGE_RULINGS} 条")


def read_page(page: pdfium.PdfPage, number: int) -> PageContent:
    """The page's characters and rulings. The objects are walked first: pdfium's text page costs
    ~700 bytes a character, and it is built only for a page within the graphics limit."""
    left, bottom, right, top = page.get_mediabox()
    drawing = _Drawing(number)
    for i in range(raw.FPDFPage_CountObjects(page.raw)):
        _collect(raw.FPDFPage_GetObject(page.raw, i), pdfium.PdfMatrix(), top, drawing)
    textpage = page.get_textpage()
    try:
        if raw.FPDFText_CountChars(textpage.raw) > MAX_PAGE_CHARS:
            raise LimitError(f"PDF 第 {number} 页的字符超过 {MAX_PAGE_CHARS} 个")
        glyphs = _glyphs(textpage, top)
    finally:
        textpage.close()
    return PageContent(number, right - left, top - bottom, glyphs, drawing.rulings, images=drawing.images)


def _glyphs(textpage: pdfium.PdfTextPage, page_top: float) -> list[Glyph]:
    """Characters with their advance box (pdfium's loose box: an em high, so a line's characters
    share one band whatever their shape). Some producers' text matrices make the loose box twenty
    times too large (no report prints text at 60 points); there the ink box gives the width and
    the baseline an em box."""
    handle = textpage.raw
    loose = raw.FS_RECTF()
    out: list[Glyph] = []
    for i in range(raw.FPDFText_CountChars(handle)):
        code = raw.FPDFText_GetUnicode(handle, i)
        if code <= 32 or code in _BLANKS or not raw.FPDFText_GetLooseCharBox(handle, i, loose):
            continue  # spaces, line breaks pdfium inferred: the layout says where words part
        height = loose.top - loose.bottom
        if 0 < height <= _LARGEST_TEXT and loose.right - loose.left <= 1.5 * height:
            out.append(
                Glyph(
                    chr(code), loose.left, loose.right, page_top - loose.top, page_top - loose.bottom, height
                )
            )
        else:
            out.append(_ink_glyph(handle, i, chr(code), page_top))
    return out


def _ink_glyph(handle, index: int, text: str, page_top: float) -> Glyph:
    matrix = raw.FS_MATRIX()
    raw.FPDFText_GetMatrix(handle, index, matrix)
    size = raw.FPDFText_GetFontSize(handle, index) * (
        abs(matrix.a * matrix.d - matrix.b * matrix.c) ** 0.5 or 1.0
    )
    left, right, low, high = (ctypes.c_double() for _ in range(4))
    raw.FPDFText_GetCharBox(handle, index, left, right, low, high)
    x, y = ctypes.c_double(), ctypes.c_double()
    raw.FPDFText_GetCharOrigin(handle, index, x, y)
    return Glyph(
        text,
        left.value,
        right.value,
        page_top - y.value - _ASCENT * size,
        page_top - y.value + (1 - _ASCENT) * size,
        size,
    )


def _collect(handle, parent: pdfium.PdfMatrix, page_top: float, drawing: _Drawing) -> None:
    """Rulings of one page object; form XObjects are walked with their matrices composed."""
    drawing.spend(1)
    kind = raw.FPDFPageObj_GetType(handle)
    if kind == raw.FPDF_PAGEOBJ_FORM:
        matrix = _matrix(handle).multiply(parent)
        for i in range(raw.FPDFFormObj_CountObjects(handle)):
            _collect(raw.FPDFFormObj_GetObject(handle, i), matrix, page_top, drawing)
    elif kind == raw.FPDF_PAGEOBJ_PATH:
        _path_rulings(handle, _matrix(handle).multiply(parent), page_top, drawing)
    elif kind == raw.FPDF_PAGEOBJ_IMAGE:
        drawing.images += 1


def _matrix(handle) -> pdfium.PdfMatrix:
    fs = raw.FS_MATRIX()
    raw.FPDFPageObj_GetMatrix(handle, fs)
    return pdfium.PdfMatrix.from_raw(fs)


def _visible(getter, handle) -> bool:
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    if not getter(handle, r, g, b, a):
        return True
    return a.value > 0 and min(r.value, g.value, b.value) < _WHITE


def _path_rulings(handle, matrix: pdfium.PdfMatrix, page_top: float, drawing: _Drawing) -> None:
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    raw.FPDFPath_GetDrawMode(handle, fill, stroke)
    stroked = bool(stroke.value) and _visible(raw.FPDFPageObj_GetStrokeColor, handle)
    filled = bool(fill.value) and _visible(raw.FPDFPageObj_GetFillColor, handle)
    if not (stroked or filled):
        return  # white boxes behind text (one per printed line, say) draw nothing a reader sees
    drawing.spend(raw.FPDFPath_CountSegments(handle))
    points = _points(handle, matrix, page_top)
    if not points:
        return
    xs = [x for path in points for x, _ in path]
    ys = [y for path in points for _, y in path]
    x0, x1, top, bottom = min(xs), max(xs), min(ys), max(ys)
    if filled and (x1 - x0 <= _THIN or bottom - top <= _THIN):
        drawing.add(_thin_line(x0, top, x1, bottom))
        return
    if not (stroked or (filled and _is_rectangle(points))):
        return  # a filled shape (a logo, a seal, a bullet) is no ruling
    for path in points:
        for (ax, ay), (bx, by) in zip(path, path[1:]):
            if abs(ax - bx) < 0.5 or abs(ay - by) < 0.5:
                drawing.add(Ruling(min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)))


def _points(handle, matrix: pdfium.PdfMatrix, page_top: float) -> list[list[tuple[float, float]]]:
    """Sub-paths as lists of page points; a sub-path with a curve in it is left out."""
    paths: list[list[tuple[float, float]]] = []
    current: list[tuple[float, float]] = []
    curved = False
    x, y = ctypes.c_float(), ctypes.c_float()
    for i in range(raw.FPDFPath_CountSegments(handle)):
        segment = raw.FPDFPath_GetPathSegment(handle, i)
        kind = raw.FPDFPathSegment_GetType(segment)
        raw.FPDFPathSegment_GetPoint(segment, x, y)
        px, py = matrix.on_point(x.value, y.value)
        point = (px, page_top - py)
        if kind == _SEGMENT_MOVE:
            if current and not curved:
                paths.append(current)
            current, curved = [point], False
            continue
        curved |= kind != _SEGMENT_LINE
        current.append(point)
        if raw.FPDFPathSegment_GetClose(segment) and current:
            current.append(current[0])
    if current and not curved:
        paths.append(current)
    return paths


def _is_rectangle(points: list[list[tuple[float, float]]]) -> bool:
    return (
        len(points) == 1
        and 4 <= len(points[0]) <= 5
        and all(
            abs(ax - bx) < 0.5 or abs(ay - by) < 0.5 for (ax, ay), (bx, by) in zip(points[0], points[0][1:])
        )
    )


def _thin_line(x0: float, top: float, x1: float, bottom: float) -> Ruling:
    if x1 - x0 >= bottom - top:
        y = (top + bottom) / 2
        return Ruling(x0, y, x1, y)
    x = (x0 + x1) / 2
    return Ruling(x, top, x, bottom)
