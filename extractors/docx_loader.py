"""Word .docx: body paragraphs and tables in document order (headers, footers and notes are not content)."""

from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO

import docx
from docx.oxml.ns import nsmap, qn
from lxml import etree

from .document import Document, DocumentBuilder
from .errors import LoadError

_P, _TBL, _TR, _TC, _T = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc"), qn("w:t")
_SDT, _SDT_CONTENT, _CUSTOM_XML = qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")
_TAB, _VAL = qn("w:tab"), qn("w:val")
_MAX_COLUMNS = 63  # Word's limit; a larger w:gridSpan is corrupt and must not blow up the grid

# The visible run content of a paragraph, in order. Deleted/moved-away text is not shown, and
# mc:Fallback repeats what mc:Choice (e.g. a text box) already holds.
_RUN_CONTENT = etree.XPath(
    ".//w:r[not(ancestor::mc:Fallback or ancestor::w:del or ancestor::w:moveFrom)]"
    "/*[self::w:t or self::w:tab or self::w:br or self::w:cr]",
    namespaces={"w": nsmap["w"], "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006"},
)


def load_docx(data: bytes) -> Document:
    try:
        body = docx.Document(BytesIO(data)).element.body
    except Exception:  # untrusted bytes: python-docx fails with zip, KeyError, XML and value errors alike
        raise LoadError("docx 文件已损坏或不完整（无法读取其中的文档结构）") from None
    builder = DocumentBuilder("docx")
    _walk(body, builder)
    return builder.build()


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
