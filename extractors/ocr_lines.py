"""A scanned page's image made ready for reading: the red of seals taken out, the slight tilt of a
sheet fed askew taken off, and the ruling lines of its tables found with OpenCV morphology.

Everything here works on one grey image (``numpy`` uint8, 0 = ink) and is cheap next to OCR.
"""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

from .pdf_page import Ruling

_MAX_SKEW = 3.0  # degrees: a page fed askew; more is a photo, which this does not straighten
_SKEW_STEP = 0.1
_SKEW_WIDTH = 800  # pixels: the tilt is measured on the page shrunk to this width
_RULE_PT = 8.0  # points: a straight stroke this long may be a ruling (a row of 8-point figures is ~12 high)
_NETWORK_PT = 60.0  # points: lines joined into something this wide or high are a table or a rule
_THICK_PT = 4.0  # points: a "line" thicker than this is a filled area (a shaded band, a photo)


def ink(image: Image.Image) -> np.ndarray:
    """The page in grey as black ink shows: the red channel, where a red seal is as light as the
    paper, so the signature and date it is stamped over read as printed."""
    rgb = image.convert("RGB")
    return np.asarray(rgb)[:, :, 0].copy()


def straighten(grey: np.ndarray) -> np.ndarray:
    """The page turned back by the tilt its printed lines show (text rows and ruling lines both
    make the row profile sharpest when level); a level page is returned as it is."""
    angle = _skew(grey)
    if abs(angle) < _SKEW_STEP / 2:
        return grey
    h, w = grey.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(grey, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)


def _skew(grey: np.ndarray) -> float:
    scale = min(1.0, _SKEW_WIDTH / grey.shape[1])
    small = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    _, binary = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    h, w = binary.shape
    best, best_score = 0.0, -1.0
    for angle in np.arange(-_MAX_SKEW, _MAX_SKEW + _SKEW_STEP / 2, _SKEW_STEP):
        turned = cv2.warpAffine(binary, cv2.getRotationMatrix2D((w / 2, h / 2), float(angle), 1.0), (w, h))
        # row sums as whole numbers (at most 255 · 800): the float64 sums to the bit, a fifth of the time
        profile = cv2.reduce(turned, 1, cv2.REDUCE_SUM, dtype=cv2.CV_32S).ravel().astype(np.float64)
        score = float(np.square(np.diff(profile)).sum())
        if score > best_score:
            best, best_score = float(angle), score
    return best


def rulings(grey: np.ndarray, points_per_pixel: float) -> tuple[list[Ruling], np.ndarray]:
    """Horizontal and vertical lines: ink that survives an opening by a long thin kernel, one
    ruling per connected piece (``pdf_grid`` joins the pieces a faint scan breaks); and the page
    with them wiped out, so a table's edge is not read as a character of the text beside it.
    Strokes of characters survive the opening too: those of a large title lie in a network of
    lines smaller than any table, and a vertical stroke touching a cell's border (a blurred
    「十」) is no border, which runs from one horizontal line to another."""
    binary = cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)
    length = max(8, round(_RULE_PT / points_per_pixel))
    across, down = (
        cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, size))
        for size in ((length, 1), (1, length))
    )
    count, networks, stats, _ = _components(np.bitwise_or(across, down))
    tables = (
        np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]) * points_per_pixel
        >= _NETWORK_PT
    )
    tables[0] = False  # the background
    thick = _THICK_PT / points_per_pixel
    reach = cv2.dilate(
        across, np.ones((2 * round(thick) + 1, 5), np.uint8)
    )  # where a horizontal line is near
    out: list[Ruling] = []
    wipe = np.zeros_like(binary)
    for horizontal, mask in ((True, across), (False, down)):
        count, labels, stats, centres = _components(mask)
        kept = np.zeros(count, dtype=bool)
        for index, ((x, y, w, h, _area), (cx, cy)) in enumerate(zip(stats, centres, strict=True)):
            if index == 0 or (h if horizontal else w) > thick or not tables[networks[round(cy), round(cx)]]:
                continue
            if horizontal:
                at = (y + h / 2) * points_per_pixel
                out.append(Ruling(x * points_per_pixel, at, (x + w) * points_per_pixel, at))
            elif reach[y, x : x + w].any() and reach[y + h - 1, x : x + w].any():
                at = (x + w / 2) * points_per_pixel
                out.append(Ruling(at, y * points_per_pixel, at, (y + h) * points_per_pixel))
            else:
                continue
            kept[index] = True
        np.bitwise_or(wipe, kept[labels].astype(np.uint8), out=wipe)  # wipe |= …, which cv2's stubs reject
    wiped = grey.copy()
    # the lines' grey fringe goes too, or it is read as a row of dots or an 「L」 beside the text
    wiped[cv2.dilate(wipe, np.ones((5, 5), np.uint8)) > 0] = 255
    return out, wiped


def _components(mask: np.ndarray) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    """8-connected pieces, numbered in reading order as by OpenCV's default, in half its time
    (BBDT: the same labels, stats and centres on every test page)."""
    return cv2.connectedComponentsWithStatsWithAlgorithm(mask, 8, cv2.CV_32S, cv2.CCL_BBDT)
