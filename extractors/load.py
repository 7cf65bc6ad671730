"""Decide the format from the bytes (never the extension) and hand them to the right loader."""

from __future__ import annotations

import errno
import os
import re
import stat
from pathlib import Path

from .document import Document
from .errors import LimitError, LoadError

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
# what `nianbao review <folder>` picks, and the bot answers to
REPORT_SUFFIXES = {".txt", ".md", ".docx", ".pdf", ".html", ".htm", ".doc", ".wps", ".rtf"}
# The text a document may have (a .txt's own lines, the tab form of the others). Reports have 300–1,000
# lines and 10,000–50,000 characters; the review costs ~100 µs a line and ~6 µs a character, and a
# 50 MB file holds 25 million lines or characters. At these limits the worst text costs ~20 s and
# ~330 MB, inside the report's time budget (nianbao.batch).
MAX_LINES = 50_000
MAX_CHARS = 4_000_000

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# pictures of pages, read by OCR (extractors.image_loader); other pictures are no report
_SCANS = {
    b"\x89PNG": "PNG 图片",
    b"\xff\xd8\xff": "JPEG 图片",
    b"II*\x00": "TIFF 图片",
    b"MM\x00*": "TIFF 图片",
}
_IMAGES = {b"GIF8": "GIF 图片", b"BM": "BMP 图片"}
_HTML_RE = re.compile(rb"<(?:!doctype\s+html|html|head|body|table|div|meta|p)[\s>/]", re.I)
_NOT_FILES = (
    (stat.S_ISFIFO, "命名管道"),
    (stat.S_ISCHR, "字符设备"),
    (stat.S_ISBLK, "块设备"),
    (stat.S_ISSOCK, "套接字"),
)
_OS_REASONS = {
    errno.ENOENT: "文件不存在",
    errno.EACCES: "没有读取权限",
    errno.EPERM: "没有读取权限",
    errno.ELOOP: "符号链接形成循环（或嵌套过多），无法打开",
    errno.ENAMETOOLONG: "路径过长，无法打开",
    errno.ENOTDIR: "路径中的某一级不是目录",
    errno.EISDIR: "是目录，不是文件",
}


def sniff(data: bytes) -> str:
    """One of txt, html, docx, pdf, legacy, image; LoadError for anything that is not a document."""
    head = data[:4096]
    if not data.strip():
        raise LoadError("文件为空")
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        import zipfile  # here, not at the top: a text report's review never needs it (issue 12)

        from .docx_loader import open_package

        try:
            names = set(open_package(data).namelist())
        except (zipfile.BadZipFile, EOFError, ValueError):
            raise LoadError("文件已损坏或不完整（ZIP 结构无法读取），无法作为 .docx 打开") from None
        if "word/document.xml" in names:
            return "docx"
        raise LoadError("是 ZIP 压缩包或其他 Office 文件，不是 Word (.docx) 文档")
    if head.startswith((_OLE2, b"{\\rtf")):
        return "legacy"
    if _scan_kind(head):
        return "image"
    for magic, what in _IMAGES.items():
        if head.startswith(magic):
            raise LoadError(f"是{what}，不是文字报告（扫描件请用 PDF、JPEG、PNG 或 TIFF）")
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise LoadError("是无法识别的二进制文件，不是文字报告")
    if _HTML_RE.search(head.lower()):
        return "html"
    return "txt"


def _scan_kind(head: bytes) -> str | None:
    return next((what for magic, what in _SCANS.items() if head.startswith(magic)), None)


def load_bytes(data: bytes, name: str = "<bytes>", max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    _check_size(len(data), max_bytes)
    document = _load(sniff(data), data, name)
    check_text(len(document.lines), sum(map(len, document.lines)))
    return document


def check_text(lines: int, chars: int) -> None:
    if lines > MAX_LINES:
        raise LimitError(f"文本有 {lines} 行，超过 {MAX_LINES} 行")
    if chars > MAX_CHARS:
        raise LimitError(f"文本有 {chars} 个字符，超过 {MAX_CHARS} 个")


def _load(fmt: str, data: bytes, name: str) -> Document:
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
    if fmt == "image":
        from .image_loader import load_image

        what = _scan_kind(data[:8])
        if what is None:  # sniff() says "image" only for data that starts with a scan's magic
            raise AssertionError("an image without a scan's magic number")
        return load_image(data, what)
    from .legacy_loader import load_legacy

    return load_legacy(data, name)


def read_path(path: str | os.PathLike, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The file's bytes, or LoadError saying why they cannot be had (one line, in Chinese)."""
    try:
        return _read_regular(os.fspath(path), max_bytes)
    except OSError as exc:
        code = exc.errno
        if code is None:  # an OSError raised without an errno
            reason = f"无法读取（系统错误 {code}）"
        else:
            reason = _OS_REASONS.get(code) or f"无法读取（系统错误 {errno.errorcode.get(code, code)}）"
        raise LoadError(reason) from None
    except ValueError:  # a NUL in the path
        raise LoadError("路径无效（含有空字符）") from None


_STEP = 1 << 20


def _read_regular(path: str, max_bytes: int) -> bytes:
    """Only a regular file is opened (a pipe would block, a device never ends), and never more than
    ``max_bytes`` of it is read, whatever size it states (files under /proc say 0)."""
    _check_kind(os.stat(path).st_mode)
    with open(os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY), "rb") as file:
        status = os.fstat(file.fileno())
        _check_kind(status.st_mode)  # swapped for something else since the first look
        _check_size(status.st_size, max_bytes)
        # the size it states and a byte more, then in steps: a file may grow or understate itself,
        # and a limit of a petabyte (--max-size-mb 1e9) must not become a buffer of one
        data = bytearray(file.read(status.st_size + 1))
        while len(data) <= max_bytes and (more := file.read(min(max_bytes + 1 - len(data), _STEP))):
            data += more
    _check_size(len(data), max_bytes)
    return bytes(data)


def _check_kind(mode: int) -> None:
    if stat.S_ISDIR(mode):
        raise LoadError("是目录，不是文件")
    for test, what in _NOT_FILES:
        if test(mode):
            raise LoadError(f"是{what}，不是普通文件，无法作为报告读取")
    if not stat.S_ISREG(mode):
        raise LoadError("不是普通文件，无法作为报告读取")


def _check_size(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise LoadError(too_large(size, max_bytes))


def too_large(size: int, max_bytes: int) -> str:
    """「文件过大（60.0 MB，上限 50 MB）」: said alike of a file here and of one a Slack user shares."""
    return f"文件过大（{_size_zh(size, '.1f')}，上限 {_size_zh(max_bytes, '.3g')}）"


def _size_zh(size: int, spec: str) -> str:
    """In MB, or in KB below a tenth of a megabyte, where MB would read 0.0 (--max-size-mb 0.001)."""
    unit, scale = ("MB", 1 << 20) if size >= (1 << 20) // 10 else ("KB", 1 << 10)
    return f"{size / scale:{spec}} {unit}"


def load_path(path: str | os.PathLike, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[Document, bytes]:
    data = read_path(path, max_bytes)
    return load_bytes(data, Path(path).name, max_bytes), data
