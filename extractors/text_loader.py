"""Plain text and Markdown: encoding detection and the flattened table forms of spec §7.3."""

from __future__ import annotations

import codecs
import re

from .document import Artifact, Cell, Document, Paragraph, Table
from .errors import LoadError
from .load import check_text
from .normalize import BOOKMARK_RE, clean_line, fold, looks_numeric, starts_with_ordinal

_PIPE_ONLY = re.compile(r"^[\s|]*\|[\s|]*$")
_MD_SEPARATOR = re.compile(r"^\|?(\s*:?-{2,}:?\s*\|)+\s*:?-*:?\s*$")
_NUM_TOKEN_RE = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?|[/—\-–]")


def decode(data: bytes, declared: str | None = None) -> str:
    """The charset a page ``declared`` when the bytes are valid in it, else UTF-8 (with or without
    BOM), UTF-16 with BOM, else GB18030 (a superset of GBK/GB2312). NUL characters are dropped:
    broken editors and conversions leave them behind, and they are no report's text."""
    return _decode(data, declared).replace("\x00", "")


def _decode(data: bytes, declared: str | None) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    for encoding in filter(None, (declared, "utf-8")):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            pass  # old CMS pages often declare the wrong charset
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise LoadError(
            f"无法识别文本编码（既不是 UTF-8 也不是 GB18030/GBK，第 {exc.start} 字节起）"
        ) from None


def inline_row(line: str) -> list[str] | None:
    """``label 0 0 1`` or a bare run of numbers (PDF text, web copies) as cells, else None."""
    tokens = line.split()
    k = len(tokens)
    while k and _NUM_TOKEN_RE.fullmatch(tokens[k - 1]):
        k -= 1
    numbers, label = tokens[k:], " ".join(tokens[:k])
    if not numbers:
        return None
    if not label:
        return numbers if len(numbers) >= 5 else None
    if len(fold(label)) < 2 or len(label) > 60 or re.search(r"\d{4}年|[，,：:@。；;！!？?]", label):
        return None
    return [label, *numbers]


def load_text(text: str, fmt: str = "txt") -> Document:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    check_text(text.count("\n") + 1, len(text))  # before 25 million one-character lines are made
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return _Parser(lines, fmt).parse()


class _Parser:
    def __init__(self, lines: list[str], fmt: str):
        self.lines = lines
        self.fmt = fmt
        self.blocks: list[Paragraph | Table] = []
        self.artifacts: list[Artifact] = []
        self.rows: list[list[Cell]] = []  # current table
        self.row: list[Cell] = []
        self.table_line = 0

    # -- table assembly ----------------------------------------------------------------

    def _end_row(self) -> None:
        if self.row:
            self.rows.append(self.row)
            self.row = []

    def _end_table(self) -> None:
        self._end_row()
        if self.rows:
            self.blocks.append(Table(self.rows, self.table_line))
        self.rows = []

    def _cell(self, text: str, lineno: int) -> None:
        if not self.rows and not self.row:
            self.table_line = lineno
        if BOOKMARK_RE.search(text):
            self.artifacts.append(Artifact("bookmark", lineno, text.strip()))
        self.row.append(Cell(clean_line(text), lineno))

    def _in_table(self) -> bool:
        return bool(self.rows or self.row)

    # -- line classification -----------------------------------------------------------

    def parse(self) -> Document:
        previous_was_cell = False
        for lineno, raw in enumerate(self.lines, 1):
            line = raw.rstrip("\n")
            stripped = line.strip(" \u00a0\u3000\ufeff")
            if line.startswith("\t"):
                self._cell(line[1:], lineno)
                previous_was_cell = True
                continue
            if not stripped or stripped == "\t":
                if self._in_table():
                    self._end_row()
                previous_was_cell = False
                continue
            if (
                previous_was_cell
                and self.row
                and self._continues_cell(self.row[-1].text, clean_line(stripped))
            ):
                cell = self.row[-1]
                cell.text += clean_line(stripped)
                cell.wrapped = True
                continue
            previous_was_cell = False
            if _PIPE_ONLY.match(stripped):
                if self._in_table():
                    self._end_row()
                continue
            if stripped.startswith("|") and stripped.count("|") >= 2:
                if _MD_SEPARATOR.match(stripped):
                    continue
                self._end_row()
                for text in stripped.strip("|").split("|"):
                    self._cell(text, lineno)
                self._end_row()
                continue
            if stripped.endswith("|"):
                self._cell(stripped[:-1], lineno)
                continue
            cells = inline_row(stripped)
            if cells:
                self._end_row()
                for text in cells:
                    self._cell(text, lineno)
                self._end_row()
                continue
            self._end_table()
            if BOOKMARK_RE.search(line):
                self.artifacts.append(Artifact("bookmark", lineno, stripped))
            clean = clean_line(line)
            if clean:
                self.blocks.append(Paragraph(clean, lineno))
        self._end_table()
        return Document(self.fmt, self.blocks, self.lines, self.artifacts)

    @staticmethod
    def _continues_cell(cell: str, line: str) -> bool:
        """A short non-tab line right after a label cell is the rest of that label (a wrapped
        label); after a number, or when it is a heading, it is text of its own (a note, a part)."""
        return (
            len(line) <= 40
            and not looks_numeric(cell)
            and not looks_numeric(line)
            and not starts_with_ordinal(line)
        )
