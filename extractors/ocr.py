"""Scanned pages read by OCR into the same ``PageContent`` a text PDF gives (characters with boxes,
ruling lines), so the table reader and every rule run on them unchanged.

The recogniser is RapidOCR (PP-OCRv4 Chinese detection and recognition on onnxruntime, CPU,
offline: the models ship inside the ``rapidocr_onnxruntime`` wheel). It reads a text line at a
time and gives each character a box and a probability; a character keeps its probability as its
``confidence``, and a table cell the least of its characters' (``pdf_grid``). Nothing read is ever
changed to make a total fit. The pages of a scan are read side by side, one per CPU the process may
use (``ocr_engine``).

Set ``NIANBAO_OCR=0`` (``nianbao review --no-ocr``) to leave scans unread.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from importlib.metadata import version
from unicodedata import east_asian_width

import cv2
import numpy as np
from PIL import Image

from . import ocr_cache, ocr_engine
from .ocr_lines import ink, rulings, straighten
from .pdf_page import Glyph, PageContent

# A page's reading depends on the engine and its models and on how this reader turns lines into
# characters: bump _READER when the latter changes, and every older cache entry is missed.
# 6: lines found on the inked part of the page, read one at a time (ocr_engine); 7: the models'
# element-wise steps fused (onnx_fusion.fused), the same characters and boxes, probabilities within 4e-4
_READER = 7
VERSION = f"rapidocr_onnxruntime {version('rapidocr_onnxruntime')}; reader {_READER}"
MAX_PIXELS = 50_000_000  # a page image: A4 scanned at 600 dpi is 35 million pixels
# Pages are read at 250 dpi: a table's 8-point 「0」 is then 28 pixels high, and read as 「0」, not
# 「o」 as at 200. The engine shrinks what is larger than 3,000 pixels before reading, just above an A4
# page's height at this resolution (2,923 pixels).
DPI = 250
_TEXT_SCORE = 0.3  # lines read with less are dropped; above it every doubt is kept, per character
_TEXT_SHARE = 0.7  # of a detected line box's height, the text's em (the box has a margin around it)
_INK = 224  # darker than this, and than the paper by _INK_CONTRAST, is ink (not a scan's speckle)
_INK_CONTRAST = 32
_INK_MARGIN = 64  # pixels of paper shown to the detector around the ink (it sees a line by its edges)
_DETECT_MIN = 736  # RapidOCR's detector enlarges an image with a shorter side than this
_WIDE = ("W", "F")  # east-Asian widths of characters a CJK font sets an em wide
_OFF = {"0", "off", "false", "no"}


def enabled() -> bool:
    return os.environ.get("NIANBAO_OCR", "1").strip().lower() not in _OFF


def read_pages(pages: Iterable[PageContent | tuple[Image.Image, int, float]]) -> Iterator[PageContent]:
    """Pages in order: a page given as (image, number, points per pixel) is read by OCR, up to
    ``ocr_engine.threads()`` at once, the others pass through. Only that many pages are taken
    ahead of the one awaited, so a long scan is never rendered whole into memory."""
    workers = ocr_engine.threads()
    ahead: deque[Future[PageContent] | PageContent] = deque()
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ocr")
    try:
        for page in pages:
            ahead.append(pool.submit(read_image, *page) if isinstance(page, tuple) else page)
            while len(ahead) > workers:
                yield _done(ahead.popleft())
        while ahead:
            yield _done(ahead.popleft())
    finally:  # the reader stopped early (a limit, an error): pages not begun are not read
        pool.shutdown(wait=True, cancel_futures=True)


def _done(page: Future[PageContent] | PageContent) -> PageContent:
    return page.result() if isinstance(page, Future) else page


def read_image(image: Image.Image, number: int, points_per_pixel: float) -> PageContent:
    """One page image: its characters (from the cache when this image was read before) and lines."""
    grey = ink(image)
    name = ocr_cache.key(grey, points_per_pixel, VERSION)
    cached = ocr_cache.get(name, number)
    if cached is not None:
        return cached
    grey = straighten(grey)
    height, width = grey.shape
    lines, text_only = rulings(grey, points_per_pixel)
    glyphs = [g for line in recognise(text_only) for g in _glyphs(line, points_per_pixel)]
    page = PageContent(number, width * points_per_pixel, height * points_per_pixel, glyphs, lines, ocr=True)
    ocr_cache.put(name, page)
    return page


def recognise(grey: np.ndarray) -> list:
    """RapidOCR's lines: [box, text, score, character boxes, characters, character scores]."""
    top, left, inked = _inked(grey)
    with ocr_engine.engine() as engine:
        # no angle classifier: a report's lines are upright, and it costs a tenth of the time
        result, _ = engine(
            cv2.cvtColor(inked, cv2.COLOR_GRAY2BGR),
            use_cls=False,
            return_word_box=True,
            text_score=_TEXT_SCORE,
            box_thresh=0.5,
            unclip_ratio=1.6,
        )
    if not (top or left):
        return result or []
    return [
        [_moved(box, left, top), text, score, [_moved(b, left, top) for b in boxes], chars, scores]
        for box, text, score, boxes, chars, scores in result or []
    ]


def _inked(grey: np.ndarray) -> tuple[int, int, np.ndarray]:
    """The part of the page with ink on it, and a margin of paper: the detector's time goes with the
    pixels it is shown, and an A4 page's margins are a third of them. It is never cut smaller
    than the detector would enlarge it to (``_DETECT_MIN``); a page with no ink found (blank, or
    darker than its paper should be) is shown whole, as before."""
    paper = float(np.median(grey[::8, ::8]))
    dark = grey < min(_INK, paper - _INK_CONTRAST)
    rows, columns = np.flatnonzero(dark.any(axis=1)), np.flatnonzero(dark.any(axis=0))
    if rows.size == 0:
        return 0, 0, grey
    top, bottom = _span(rows[0], rows[-1], grey.shape[0])
    left, right = _span(columns[0], columns[-1], grey.shape[1])
    return top, left, grey[top:bottom, left:right]


def _span(first: int, last: int, size: int) -> tuple[int, int]:
    start, end = max(0, first - _INK_MARGIN), min(size, last + 1 + _INK_MARGIN)
    grow = max(0, min(_DETECT_MIN, size) - (end - start))
    start = max(0, start - (grow + 1) // 2)
    end = min(size, max(end, start + min(_DETECT_MIN, size)))
    return min(start, end - min(_DETECT_MIN, size)), end


def _moved(box: list, left: int, top: int) -> list:
    return [[x + left, y + top] for x, y in box]


def _glyphs(line: list, scale: float) -> list[Glyph]:
    """A recognised line as characters, each with its own box and probability. The line's band
    (top, bottom) is shared by its characters, so the layout keeps them on one printed line."""
    box, text, score, char_boxes, _, scores = line
    top, bottom = min(y for _, y in box) * scale, max(y for _, y in box) * scale
    size = (bottom - top) * _TEXT_SHARE
    if len(char_boxes) != len(text):  # the engine could not place every character: share the width
        left, right = min(x for x, _ in box), max(x for x, _ in box)
        step = (right - left) / max(len(text), 1)
        char_boxes = [[[left + i * step, 0], [left + (i + 1) * step, 0]] for i in range(len(text))]
    if len(scores) != len(text):
        scores = [score] * len(text)
    glyphs = []
    right = max(x for x, _ in box) * scale  # the line's end as the detector boxed it: every line alike
    for ch, cb, p in zip(text, char_boxes, scores, strict=True):
        if ch.isspace():
            continue
        x0, x1 = min(x for x, _ in cb) * scale, max(x for x, _ in cb) * scale
        if east_asian_width(ch) in _WIDE:
            x1 = max(x1, x0 + size)  # a full-width 「；」 is boxed by its ink; a text layer gives it an em
        glyphs.append(Glyph(ch, x0, x1, top, bottom, size, float(p)))
    if glyphs:  # so a full line reaches the right margin whatever its last character's ink
        glyphs[-1].x1 = max(glyphs[-1].x1, right)
    return glyphs
