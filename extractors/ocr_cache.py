"""What OCR read on a page image, kept on disk under the image's hash, so reviewing the same scan
again costs no recognition at all.

The key is the SHA-256 of the page's pixels with the engine's and this reader's versions, so a new
model or a change in how words become characters never serves a stale reading. The cache is a
convenience: a directory that cannot be read or written costs the time, never the review.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from pathlib import Path

import numpy as np

from .pdf_page import Glyph, PageContent, Ruling

log = logging.getLogger(__name__)


def directory() -> Path:
    """``NIANBAO_OCR_CACHE``, else ``$XDG_CACHE_HOME/nianbao/ocr`` (``~/.cache/nianbao/ocr``)."""
    if chosen := os.environ.get("NIANBAO_OCR_CACHE"):
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "nianbao" / "ocr"


def key(pixels: np.ndarray, points_per_pixel: float, version: str) -> str:
    digest = hashlib.sha256(f"{version}|{pixels.shape}|{points_per_pixel:.6f}|".encode())
    digest.update(np.ascontiguousarray(pixels).data)
    return digest.hexdigest()


def _path(name: str) -> Path:
    return directory() / name[:2] / f"{name}.json"


def get(name: str, number: int) -> PageContent | None:
    try:
        data = json.loads(_path(name).read_text("utf-8"))
        return PageContent(
            number,
            data["width"],
            data["height"],
            [Glyph(*g) for g in data["glyphs"]],
            [Ruling(*r) for r in data["rulings"]],
            ocr=True,
        )
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("OCR cache entry %s unreadable: %r", name, exc)
        return None


def put(name: str, page: PageContent) -> None:
    data = {
        "width": page.width,
        "height": page.height,
        "glyphs": [[g.text, g.x0, g.x1, g.top, g.bottom, g.size, g.confidence] for g in page.glyphs],
        "rulings": [[r.x0, r.top, r.x1, r.bottom] for r in page.rulings],
    }
    path = _path(name)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # written aside and renamed: a reader in another worker never sees half an entry
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False) as file:
            json.dump(data, file, ensure_ascii=False)
        os.replace(file.name, path)
    except OSError as exc:
        log.warning("OCR cache not written (%s): %r", path, exc)
