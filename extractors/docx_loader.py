"""Word .docx: body paragraphs and tables in document order (headers, footers and notes are not content)."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from io import BytesIO

from docx.oxml.ns import nsmap, qn
from docx.oxml.parser import oxml_parser
from lxml import etree

from .document import Document, DocumentBuilder
from .errors import LimitError, LoadError
from .load import MAX_LINES

_P, _TBL, _TR, _TC, _T = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc"), qn("w:t")
_SDT, _SDT_CONTENT, _CUSTOM_XML = qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")
_TAB, _VAL = qn("w:tab"), qn("w:val")
_MAX_COLUMNS = 63  # Word's limit; a larger w:gridSpan is corrupt and must not blow up the grid
_MB = 1 << 20

# The ZIP container, checked on what its directory states before anything is inflated. zipfile keeps
# ~550 bytes an entry, and a 50 MB file can list 600,000; reports' .docx have 15–40 members under
# 1 MB each (XML at 2–30:1, images stored as they are).
MAX_MEMBERS = 10_000
MAX_MEMBER_BYTES = 50 * _MB  # any member, inflated
MAX_TOTAL_BYTES = 200 * _MB  # all members together
MAX_RATIO = 100  # inflated ÷ stored, for members over RATIO_FROM
RATIO_FROM = 1 * _MB
# Only word/document.xml is inflated, by a reader that stops past MAX_XML_BYTES whatever the member
# states. Its tree costs ~90 bytes a tag (a dense 50 MB part parses into 750 MB); reports' are under
# 0.5 MB with ~350 cells.
MAX_XML_BYTES = 10 * _MB
MAX_CELLS = 20_000
_MAIN = "word/document.xml"
_CORRUPT = "docx 文件已损坏或不完整（无法读取其中的文档结构）"
_COUNT = {tag: etree.XPath(f"count(.//w:{tag})", namespaces={"w": nsmap["w"]}) for tag in ("p", "tc")}

# The visible run content of a paragraph, in order. Deleted/moved-away text is not shown, and
# mc:Fallback repeats what mc:Choice (e.g. a text box) already holds.
_RUN_CONTENT = etree.XPath(
    ".//w:r[not(ancestor::mc:Fallback or ancestor::w:del or ancestor::w:moveFrom)]"
    "/*[self::w:t or self::w:tab or self::w:br or self::w:cr]",
    namespaces={"w": nsmap["w"], "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006"},
)


def load_docx(data: bytes) -> Document:
    body = _body(_main_part(data))
    builder = DocumentBuilder("docx")
    _walk(body, builder)
    return builder.build()


def open_package(data: bytes) -> zipfile.ZipFile:
    """The ZIP container with its directory read: entries are counted in the bytes first (each
    starts with a signature zipfile checks)."""
    if data.count(b"PK\x01\x02") > MAX_MEMBERS:
        raise LimitError(f"ZIP 中的文件超过 {MAX_MEMBERS} 个")
    return zipfile.ZipFile(BytesIO(data))


def _main_part(data: bytes) -> bytes:
    """word/document.xml, inflated only once every member's stated size and compression passed."""
    try:
        with open_package(data) as package:
            _check_members(package.infolist())
            with package.open(_MAIN) as member:
                xml = member.read(MAX_XML_BYTES + 1)
    except LoadError:
        raise
    except Exception:  # untrusted bytes: zipfile fails with zip, zlib, EOF, key and value errors alike
        raise LoadError(_CORRUPT) from None
    if len(xml) > MAX_XML_BYTES:
        raise LimitError(f"docx 中的 {_MAIN} 解压后超过 {MAX_XML_BYTES // _MB} MB")
    return xml


def _check_members(members: list[zipfile.ZipInfo]) -> None:
    total = 0
    for info in members:
        name = "".join(c if c.isprintable() else "?" for c in info.filename)[:80]  # stays one line
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            # Word writes neither bzip2 nor LZMA, whose bombs inflate a millionfold in one step
            # compressor_names is undocumented, so typeshed leaves it out; it is in every CPython
            method = zipfile.compressor_names.get(  # type: ignore[attr-defined]
                info.compress_type, f"编号 {info.compress_type}"
            )
            raise LimitError(f"docx 中的 {name} 用了 Word 不用的压缩方式（{method}）")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MAX_MEMBER_BYTES:
            raise LimitError(
                f"docx 中的 {name} 解压后有 {info.file_size / _MB:.0f} MB，超过 "
                f"{MAX_MEMBER_BYTES // _MB} MB（压缩比 {ratio:.0f}:1）"
            )
        if info.file_size > RATIO_FROM and ratio > MAX_RATIO:
            raise LimitError(
                f"docx 中的 {name} 压缩比 {ratio:.0f}:1，超过 {MAX_RATIO}:1"
                f"（解压后 {info.file_size / _MB:.0f} MB）"
            )
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        raise LimitError(f"docx 解压后共 {total / _MB:.0f} MB，超过 {MAX_TOTAL_BYTES // _MB} MB")


def _body(xml: bytes):
    """The w:body, parsed by python-docx's parser (its element classes; entities never resolved),
    once its paragraphs and cells are counted."""
    try:
        body = etree.fromstring(xml, oxml_parser).find(qn("w:body"))
    except etree.XMLSyntaxError:
        raise LoadError(_CORRUPT) from None
    if body is None:
        raise LoadError(_CORRUPT)
    if (cells := int(_COUNT["tc"](body))) > MAX_CELLS:
        raise LimitError(f"docx 中的表格过大（共 {cells} 个单元格，超过 {MAX_CELLS} 个）")
    if (paragraphs := int(_COUNT["p"](body))) > MAX_LINES:
        raise LimitError(f"docx 有 {paragraphs} 个段落，超过 {MAX_LINES} 个")
    return body


def _walk(container, builder: DocumentBuilder) -> None:
    for block in _children(container, (_P, _TBL)):
        if block.tag == _P:
            builder.paragraph(_text(block))
        elif block.find(".//" + _TBL) is not None or _one_column(block):
            # a table holding tables, or a single column of boxes around text, is page layout:
            # its cells are ordinary body content
            for tr in _children(block, (_TR,)):
                for tc in _children(tr, (_TC,)):
                    _walk(tc, builder)
        else:
            builder.table(_grid(block))


def _one_column(tbl) -> bool:
    return all(sum(1 for _ in _children(tr, (_TC,))) <= 1 for tr in _children(tbl, (_TR,)))


def _children(parent, tags: tuple[str, ...]) -> Iterator:
    """Children with one of ``tags``, looking through content controls and custom-XML wrappers."""
    for child in parent.iterchildren():
        if child.tag in tags:
            yield child
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from _children(content, tags)
        elif child.tag == _CUSTOM_XML:
            yield from _children(child, tags)


def _grid(tbl) -> list[list[str | None]]:
    """One row per w:tr: a merged cell's text once, "" under a vertical merge, None for spanned columns.

    Read from the XML rather than python-docx's ``row.cells``, which misaligns rows that start late
    (w:gridBefore) or are short.
    """
    grid = []
    for tr in _children(tbl, (_TR,)):
        row: list[str | None] = []
        for tc in _children(tr, (_TC,)):
            tc_pr = tc.tcPr
            v_merge = tc_pr.find(qn("w:vMerge")) if tc_pr is not None else None
            continues = v_merge is not None and v_merge.get(_VAL, "continue") == "continue"
            row.append("" if continues else _cell_text(tc))
            row.extend([None] * (_grid_span(tc_pr) - 1))
        grid.append(row)
    return grid


def _grid_span(tc_pr) -> int:
    span = tc_pr.find(qn("w:gridSpan")) if tc_pr is not None else None
    try:
        return min(_MAX_COLUMNS, max(1, int(span.get(_VAL)))) if span is not None else 1
    except (TypeError, ValueError):
        return 1


def _cell_text(tc) -> str:
    return "\n".join(_text(p) for p in _children(tc, (_P,)))


def _text(p) -> str:
    parts = []
    for el in _RUN_CONTENT(p):
        if el.tag == _T:
            parts.append(el.text or "")
        else:
            parts.append("\t" if el.tag == _TAB else "\n")
    return "".join(parts)
