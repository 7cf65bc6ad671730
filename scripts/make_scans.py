#!/usr/bin/env python3
"""Scans of the project's own reports, for the OCR tests (``tests/fixtures/scans/``).

The seeds' text PDFs (``tests/fixtures/generated/NNN.pdf``) are rendered to page images with pdfium
and made to look like what offices publish: printed and scanned at 300 dpi; scanned at 150 dpi
with the sheet fed slightly askew, a little blur, heavy JPEG compression and the office's red seal
stamped over the signature. The pictures are wrapped as image-only PDFs (no text layer), one PDF
mixes text pages with a scanned one; the top of a first page is saved as a PNG, and the pages with
tables 三 and 四 as a two-page TIFF (few pages: OCR takes seconds a page, and the tests read them all).
Re-running rewrites every file with the same pixels.
"""

from __future__ import annotations

import math
import sys
from io import BytesIO
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageChops, ImageDraw, ImageFilter

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a plain script: make the repo's extractors importable

from extractors.pdf_page import read_page  # noqa: E402

GENERATED = ROOT / "tests/fixtures/generated"
SCANS = ROOT / "tests/fixtures/scans"
SEAL_RED = (220, 30, 40)


def render(source: Path, dpi: int) -> list[Image.Image]:
    """Each page in grey, as a scanner set to greyscale gives it."""
    pdf = pdfium.PdfDocument(source)
    try:
        return [pdf[i].render(scale=dpi / 72).to_pil().convert("L") for i in range(len(pdf))]
    finally:
        pdf.close()


def signature_box(source: Path, dpi: int) -> tuple[float, float]:
    """Where the signature sits on the last page, in pixels: the centre of its last printed line."""
    pdf = pdfium.PdfDocument(source)
    try:
        page = read_page(pdf[len(pdf) - 1], len(pdf))
    finally:
        pdf.close()
    last = max(
        (g for g in page.glyphs if g.bottom < 0.9 * page.height), key=lambda g: g.bottom
    )  # not the footer
    line = [g for g in page.glyphs if abs(g.bottom - last.bottom) < 2]
    x = (min(g.x0 for g in line) + max(g.x1 for g in line)) / 2
    return x * dpi / 72, last.top * dpi / 72


def stamp(page: Image.Image, centre: tuple[float, float], dpi: int) -> Image.Image:
    """A round red seal (ring, star, inner ring) multiplied over the page, like ink on paper."""
    seal = Image.new("RGB", page.size, "white")
    draw = ImageDraw.Draw(seal)
    cx, cy = centre
    r = 0.8 * dpi  # a 4 cm seal
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=SEAL_RED, width=max(3, dpi // 40))
    draw.ellipse(
        (cx - 0.82 * r, cy - 0.82 * r, cx + 0.82 * r, cy + 0.82 * r),
        outline=SEAL_RED,
        width=max(1, dpi // 150),
    )
    star = [
        (
            cx + 0.3 * r * math.cos(math.radians(90 + 144 * k)),
            cy - 0.3 * r * math.sin(math.radians(90 + 144 * k)),
        )
        for k in range(5)
    ]
    draw.polygon(star, fill=SEAL_RED)
    return ImageChops.multiply(page.convert("RGB"), seal)


def degrade(page: Image.Image, angle: float, blur: float) -> Image.Image:
    """Fed askew and slightly out of focus; the paper's edge comes in white."""
    return page.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor="white").filter(
        ImageFilter.GaussianBlur(blur)
    )


def jpeg(page: Image.Image, quality: int) -> Image.Image:
    out = BytesIO()
    page.save(out, "JPEG", quality=quality)
    return Image.open(BytesIO(out.getvalue()))


def as_pdf(pages: list[Image.Image], dpi: int, quality: int) -> bytes:
    """An image-only PDF, every page a JPEG, as scanners write them."""
    out = BytesIO()
    pages[0].save(out, "PDF", resolution=dpi, save_all=True, append_images=pages[1:], quality=quality)
    return out.getvalue()


def mixed_pdf(text_pdf: Path, scanned_pdf: bytes, scanned_page: int) -> bytes:
    """The text PDF with one page replaced by its scan: a report printed, signed and scanned back in part."""
    text, scan = pdfium.PdfDocument(text_pdf), pdfium.PdfDocument(scanned_pdf)
    out = pdfium.PdfDocument.new()
    try:
        for index in range(len(text)):
            source = scan if index == scanned_page else text
            out.import_pages(source, [index])
        buffer = BytesIO()
        out.save(buffer)
        return buffer.getvalue()
    finally:
        for pdf in (out, scan, text):
            pdf.close()


def main() -> None:
    SCANS.mkdir(parents=True, exist_ok=True)

    clean = render(GENERATED / "000.pdf", 300)
    (SCANS / "000-300dpi.pdf").write_bytes(as_pdf(clean, 300, 60))

    pages = render(GENERATED / "002.pdf", 150)
    pages = [degrade(p.convert("RGB"), angle, 0.6) for p, angle in zip(pages, (0.7, -0.5, 1.0), strict=True)]
    pages[-1] = stamp(pages[-1], signature_box(GENERATED / "002.pdf", 150), 150)
    pages = [jpeg(p, 35) for p in pages]
    (SCANS / "002-150dpi-degraded.pdf").write_bytes(as_pdf(pages, 150, 35))

    pages = render(GENERATED / "004.pdf", 200)
    pages[-1] = stamp(pages[-1], signature_box(GENERATED / "004.pdf", 200), 200)
    (SCANS / "004-mixed.pdf").write_bytes(
        mixed_pdf(GENERATED / "004.pdf", as_pdf(pages, 200, 70), len(pages) - 1)
    )

    pages = render(GENERATED / "002.pdf", 200)
    pages[0].crop((0, 0, pages[0].width, pages[0].height // 3)).save(SCANS / "002-top.png", optimize=True)
    pages[1].save(SCANS / "002-tables.tif", save_all=True, append_images=pages[2:], compression="tiff_lzw")
    for path in sorted(SCANS.iterdir()):
        print(f"{path.relative_to(ROOT)}  {path.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
