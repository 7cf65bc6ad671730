"""Decide the format from the bytes (never the extension) and hand them to the right loader."""

from __future__ import annotations

import os
import re
import zipfile
from io import BytesIO
from pathlib import Path

from .document import Document
from .errors import LoadError

DEFAULT_MAX_BYTES = 50 * 1024 * 1024

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGES = {b"\x89PNG": "PNG 图片", b"\xff\xd8\xff": "JPEG 图片", b"GIF8": "GIF 图片", b"BM": "BMP 图片"}
_HTML_RE = re.compile(rb"<(?:!doctype\s+html|html|head|body|table|div|meta|p)[\s>/]", re.I)


def sniff(data: bytes) -> str:
    """One of txt, html, docx, pdf, legacy; LoadError for anything that is not a document."""
    head = data[:4096]
    if not data.strip():
        raise LoadError("文件为空")
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(BytesIO(data)).namelist())
        except (zipfile.BadZipFile, EOFError, ValueError):
            raise LoadError("文件已损坏或不完整（ZIP 结构无法读取），无法作为 .docx 打开") from None
        if "word/document.xml" in names:
            return "docx"
        raise LoadError("是 ZIP 压缩包或其他 Office 文件，不是 Word (.docx) 文档")
    if head.startswith(_OLE2) or head.startswith(b"{\\rtf"):
        return "legacy"
    for magic, what in _IMAGES.items():
        if head.startswith(magic):
            raise LoadError(f"是{what}，不是文字报告（暂不支持 OCR）")
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise LoadError("是无法识别的二进制文件，不是文字报告")
    if _HTML_RE.search(head.lower()):
        return "html"
    return "txt"


def load_bytes(data: bytes, name: str = "<bytes>", max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    if len(data) > max_bytes:
        raise LoadError(f"文件过大（{len(data) / 1048576:.1f} MB，上限 {max_bytes / 1048576:g} MB）")
    fmt = sniff(data)
    if fmt == "txt":
        from .text_loader import decode, load_text

        return load_text(decode(data), "txt")
    if fmt == "html":
        from .html_loader import load_html

        return load_html(data)
    if fmt == "docx":
        from .docx_loader import load_docx

        return load_docx(data)
    if fmt == "pdf":
        from .pdf_loader import load_pdf

        return load_pdf(data)
    from .legacy_loader import load_legacy

    return load_legacy(data, name)


def read_path(path: str | os.PathLike, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The file's bytes, or LoadError saying why they cannot be had (checked before reading)."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if p.is_dir():
            raise LoadError("是目录，不是文件")
        if size > max_bytes:
            raise LoadError(f"文件过大（{size / 1048576:.1f} MB，上限 {max_bytes / 1048576:g} MB）")
        return p.read_bytes()
    except FileNotFoundError:
        raise LoadError("文件不存在") from None
    except PermissionError:
        raise LoadError("没有读取权限") from None


def load_path(path: str | os.PathLike, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[Document, bytes]:
    data = read_path(path, max_bytes)
    return load_bytes(data, Path(path).name, max_bytes), data
