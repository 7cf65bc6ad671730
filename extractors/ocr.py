"""Scanned pages read by OCR into the same ``PageContent`` a text PDF gives (characters with boxes,
ruling lines), so the table reader and every rule run on them unchanged.

The recogniser is RapidOCR (PP-OCRv4 Chinese detection and recognition on onnxruntime, CPU,
offline: the models ship inside the ``rapidocr_onnxruntime`` wheel). It reads a text line at a
time and gives each character a box and a probability; a character keeps its probability as its
``confidence``, and a table cell the least of its characters' (``pdf_grid``). Nothing read is ever
changed to make a total fit.

Set ``NIANBAO_OCR=0`` (``nianbao review --no-ocr``) to leave scans unread.
"""

from __future__ import annotations

import os
import threading
from functools import cache
from importlib.metadata import version
from unicodedata import east_asian_width

import cv2
import numpy as np
from PIL import Image

from . import ocr_cache
from .ocr_lines import ink, rulings, straighten
from .pdf_page import Glyph, PageContent

# A page's reading depends on the engine and its models and on how this reader turns lines into
# characters: bump _READER when the latter changes, and every older cache entry is missed.
_READER = 5
VERSION = f"rapidocr_onnxruntime {version('rapidocr_onnxruntime')}; reader {_READER}"
MAX_PIXELS = 50_000_000  # a page image: A4 scanned at 600 dpi is 35 million pixels
# Pages are read at 250 dpi: a table's 8-point 「0」 is then 28 pixels high, and read as 「0」, not
# 「o」 as at 200. The engine shrinks what is larger than ``_MAX_SIDE`` before reading, so that is
# just above an A4 page's height at this resolution (2,923 pixels).
DPI = 250
_MAX_SIDE = 3000
_TEXT_SCORE = 0.3  # lines read with less are dropped; above it every doubt is kept, per character
_TEXT_SHARE = 0.7  # of a detected line box's height, the text's em (the box has a margin around it)
_WIDE = ("W", "F")  # east-Asian widths of characters a CJK font sets an em wide
_OFF = {"0", "off", "false", "no"}
_ENGINE_LOCK = threading.Lock()  # one engine per process; its settings are per call, not per thread


def enabled() -> bool:
    return os.environ.get("NIANBAO_OCR", "1").strip().lower() not in _OFF


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
    with _ENGINE_LOCK:
        # no angle classifier: a report's lines are upright, and it costs a tenth of the time
        result, _ = _engine()(
            cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR),
            use_cls=False,
            return_word_box=True,
            text_score=_TEXT_SCORE,
            box_thresh=0.5,
            unclip_ratio=1.6,
        )
    return result or []


@cache  # the models take a quarter of a second to load: once per process
def _engine():
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR(max_side_len=_MAX_SIDE)


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
