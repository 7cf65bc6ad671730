"""PDF with a text layer: ruled tables as grids, the text around them line by line (pdfplumber).

Tables split over pages stay two tables and wrapped cell text keeps its "\\n"; both are the
extraction's business. There is no OCR: a scanned PDF is refused.
"""

from __future__ import annotations

import re
from io import BytesIO

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError
from pdfplumber.utils.exceptions import PdfminerException

from .document import Document, DocumentBuilder
from .errors import LoadError
from .normalize import fold, starts_with_ordinal

_PAGE_NUMBER = re.compile(r"(?:第\s*\d+\s*页(?:\s*[，,/]?\s*共\s*\d+\s*页)?|[-—–]?\s*\d+\s*[-—–]?|\d+\s*/\s*\d+)")
_MARGIN = 0.1  # running page numbers sit in the top or bottom tenth of the page
_TERMINAL = tuple("。！？…!?")  # not ；： — contact lines and lists wrap after them
_INDENT_SLACK = 3  # points: a line starting further right than the margin opens a paragraph


def load_pdf(data: bytes) -> Document:
    if b"%%EOF" not in data.rstrip(b"\x00 \t\r\n\x0c")[-1024:]:
        raise LoadError("PDF 文件已损坏或不完整（缺少文件结尾，可能没有下载完整）")
    builder = DocumentBuilder("pdf")
    try:
        with pdfplumber.open(BytesIO(data)) as pdf:
            if not pdf.pages:
                raise LoadError("PDF 文件已损坏或不完整（没有可读取的页面）")
            has_text = False
            for number, page in enumerate(pdf.pages, 1):
                has_text |= _read_page(page, number, builder)
                page.close()  # drop the page's parsed objects: memory stays flat on long reports
    except LoadError:
        raise
    except PdfminerException as exc:
        if exc.args and isinstance(exc.args[0], PDFEncryptionError):
            raise LoadError("PDF 已加密（需要密码才能打开），请提供未加密的文件") from None
        raise LoadError("PDF 文件已损坏或不完整（无法解析文件结构）") from None
    except Exception:  # untrusted bytes: pdfminer fails deep inside with all kinds of errors
        raise LoadError("PDF 文件已损坏或不完整（无法解析页面内容）") from None
    if not has_text:
        raise LoadError("PDF 没有文字层（可能是扫描件），暂不支持 OCR")
    return builder.build()


def _read_page(page, number: int, builder: DocumentBuilder) -> bool:
    """Feed the page's lines and tables to ``builder`` top to bottom; False if it has no text."""
    if not page.chars:
        return False
    tables = page.find_tables()
    boxes = [table.bbox for table in tables]
    around = page.filter(lambda obj: not any(_centre_in(obj, box) for box in boxes)) if boxes else page
    lines = [line for line in around.extract_text_lines(return_chars=False) if not _is_page_number(line, page)]
    left = min((line["x0"] for line in lines), default=0)
    blocks = [(line["top"], line) for line in lines] + [(table.bbox[1], table) for table in tables]
    pending: list[str] = []  # printed lines of the paragraph being rejoined
    for _, block in sorted(blocks, key=lambda item: item[0]):
        text = block["text"].strip() if isinstance(block, dict) else ""
        if pending and not (text and _continues(pending[-1], text, block["x0"] - left)):
            builder.paragraph("".join(pending), page=number)
            pending = []
        if text:
            pending.append(text)
        elif not isinstance(block, dict):
            builder.table(block.extract(), page=number)
    if pending:
        builder.paragraph("".join(pending), page=number)
    return True


def _continues(previous: str, line: str, indent: float) -> bool:
    """Printed lines are rejoined into paragraphs (so sentences and the contact block stay
    whole): a wrapped line starts at the margin, after a line that did not end a sentence.
    Paragraphs open indented (or centred, like titles and signatures) or with an ordinal."""
    if indent > _INDENT_SLACK or previous.endswith(_TERMINAL) or starts_with_ordinal(line):
        return False
    return not (starts_with_ordinal(previous) and len(fold(previous)) <= 30)


def _centre_in(obj: dict, box: tuple[float, float, float, float]) -> bool:
    x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _is_page_number(line: dict, page) -> bool:
    _, top, _, bottom = page.bbox
    margin = (bottom - top) * _MARGIN
    in_margin = line["bottom"] <= top + margin or line["top"] >= bottom - margin
    return in_margin and bool(_PAGE_NUMBER.fullmatch(line["text"].strip()))
