"""A report published as pictures: a JPEG or PNG page, or a TIFF of one or more pages, read by OCR.

Each picture is a page. Its size is checked from the header before a pixel is decoded (a small
file can declare billions of pixels). A picture has no page size: its width is taken as an A4
page's, and it is resampled to that width at ``ocr.DPI``, as a scanned PDF page is rendered,
whatever resolution it was scanned at.
"""

from __future__ import annotations

import warnings
from io import BytesIO

from PIL import Image, ImageSequence

from . import ocr
from .document import Document
from .errors import LimitError, LoadError
from .pdf_loader import MAX_OCR_PAGES, compose

_A4_WIDTH = 595.0  # points
_WIDTH = round(_A4_WIDTH / 72 * ocr.DPI)  # pixels: an A4 page's width at the resolution OCR reads


def load_image(data: bytes, what: str) -> Document:
    if not ocr.enabled():
        raise LoadError(f"是{what}，OCR 已关闭（--no-ocr 或 NIANBAO_OCR=0），无法读取其中的文字")
    frames = ((frame, number, _A4_WIDTH / frame.width) for number, frame in enumerate(_frames(data, what), 1))
    pages = list(ocr.read_pages(frames))
    document = compose(pages, "image")
    if not document.lines or not any(line.strip() for line in document.lines):
        raise LoadError(f"是{what}，OCR 没有在其中识别出文字")
    return document


def _frames(data: bytes, what: str):
    """The pages, checked and brought to reading size one at a time (a TIFF may hold many)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(BytesIO(data)) as image:
                for number, frame in enumerate(ImageSequence.Iterator(image), 1):
                    if number > MAX_OCR_PAGES:
                        raise LimitError(f"{what}超过 {MAX_OCR_PAGES} 页")
                    _check_size(frame.size, what)
                    yield _reading_size(frame.convert("RGB"))
    except LoadError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise LimitError(f"{what}的像素超过 {ocr.MAX_PIXELS // 10_000} 万") from None
    except Exception:  # untrusted bytes: Pillow's decoders fail in many ways
        raise LoadError(f"{what}已损坏或不完整，无法解码") from None


def _check_size(size: tuple[int, int], what: str) -> None:
    width, height = size
    if width * height > ocr.MAX_PIXELS:
        raise LimitError(f"{what}有 {width}×{height} 像素，超过 {ocr.MAX_PIXELS // 10_000} 万像素")
    if min(size) < 16:
        raise LoadError(f"{what}只有 {width}×{height} 像素，太小，不是报告页面")


def _reading_size(page: Image.Image) -> Image.Image:
    """A4 width at ``ocr.DPI``, within the pixel limit however tall the picture (a long screenshot)."""
    factor = min(_WIDTH / page.width, (ocr.MAX_PIXELS / (page.width * page.height)) ** 0.5)
    if factor == 1:
        return page
    return page.resize((round(page.width * factor), round(page.height * factor)), Image.Resampling.LANCZOS)
