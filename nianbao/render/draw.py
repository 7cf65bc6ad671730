"""Text output described once, as paragraphs of styled spans, and drawn by one of two back ends: rich
on a terminal (colours, wrapping with a hanging indent: wrap.py), plain text anywhere else. Importing
rich is a good part of a piped text review's start-up (issue 12), so the plain back end writes
without it, byte for byte what rich's console wrote with ``soft_wrap`` on a non-terminal: each
paragraph on one line, control codes rich strips stripped, tabs expanded as rich expands them."""

from __future__ import annotations

import builtins
import os
import sys
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

Span = tuple[str, str]  # (text, rich style); "" for none
Spans = tuple[Span, ...]


@dataclass(frozen=True)
class Paragraph:
    """``body`` after ``head``. With a head (even an empty one) the terminal hangs the body's
    continuation lines under where it began; without one rich wraps it as any text."""

    body: Spans = ()
    head: Spans | None = None


def spans(text: str, style: str = "") -> Spans:
    return ((text, style),)


def line(text: str = "", style: str = "") -> Paragraph:
    """A paragraph wrapped by rich without a hanging indent; ``line()`` is an empty line."""
    return Paragraph(spans(text, style) if text or style else ())


def hanging(head: str | Spans, body: str | Spans) -> Paragraph:
    return Paragraph(
        spans(body) if isinstance(body, str) else body, spans(head) if isinstance(head, str) else head
    )


def cells(text: str) -> int:
    """Columns ``text`` takes, a CJK character two: for the few fixed words the layout aligns to
    (the severity names), where this agrees with rich's tables without importing them."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def is_terminal(stream: TextIO) -> bool:
    """Whether rich would treat ``stream`` as a terminal (rich's Console.is_terminal, whose
    environment variables a user may set to force either answer)."""
    if getattr(sys.stdin, "__module__", "").startswith("idlelib"):
        return False
    if hasattr(builtins, "get_ipython"):
        return True  # IPython or a notebook: rich has its own rules there; leave it to rich
    tty_compatible = os.environ.get("TTY_COMPATIBLE", "")
    if tty_compatible in ("0", "1"):
        return tty_compatible == "1"
    if (force_color := os.environ.get("FORCE_COLOR")) is not None:
        return force_color != ""
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no isatty, or closed
        return False


# what rich's Text drops from any string it is given (rich.control.STRIP_CONTROL_CODES)
_STRIPPED = dict.fromkeys([7, 8, 11, 12, 13])


def _expand_tabs(line: str, size: int = 8) -> str:
    """rich's Text.expand_tabs: a tab becomes a space, then spaces up to the next multiple of 8."""
    from rich.cells import cell_len  # exact widths of any text; only a line with a tab pays for it

    out, column = [], 0
    for part in line.split("\t"):
        column += cell_len(part)
        out.append(part)
        tab = " " * (size - (column + 1) % size if (column + 1) % size else 0)
        out.append(" " + tab)
        column += 1 + len(tab)
    out.pop()  # no tab after the last part
    return "".join(out)


def plain(paragraph: Paragraph) -> str:
    """The paragraph as one line of text (more if it holds a newline), newline included."""
    text = "".join(t for t, _ in (*(paragraph.head or ()), *paragraph.body)).translate(_STRIPPED)
    if "\t" in text:
        text = "\n".join(_expand_tabs(part) for part in text.split("\n"))
    return text + "\n"


def say(text: str) -> None:
    """A message on stderr, as ``Console(stderr=True, soft_wrap=True, highlight=False,
    emoji=False).print(text, markup=False)`` wrote it; rich is imported only for a terminal."""
    stream = sys.stderr  # looked up now: a progress bar on a terminal stands in for it meanwhile
    if is_terminal(stream):
        from rich.console import Console

        Console(stderr=True, highlight=False, soft_wrap=True, emoji=False).print(text, markup=False)
        return
    stream.write(plain(line(text)))
    stream.flush()


class Plain:
    """Paragraphs as plain lines on a stream that is not a terminal."""

    def __init__(self, stream: TextIO):
        self.stream = stream

    def draw(self, paragraphs: Iterable[Paragraph]) -> None:
        self.stream.write("".join(map(plain, paragraphs)))

    def flush(self) -> None:
        self.stream.flush()


def _text(styled: Spans) -> Text:
    """A rich Text as the renderers built it by hand: one span is the text's own style, more are
    appended one by one (identical escape codes on a terminal)."""
    from rich.text import Text

    if len(styled) == 1:
        return Text(styled[0][0], style=styled[0][1])
    out = Text()
    for text, style in styled:
        out.append(text, style=style or None)
    return out


class Rich:
    """Paragraphs on a rich console: on a terminal, coloured and wrapped with hanging indents."""

    def __init__(self, console: Console):
        self.console = console

    def draw(self, paragraphs: Iterable[Paragraph]) -> None:
        from .wrap import Hanging

        for p in paragraphs:
            if p.head is not None:
                self.console.print(Hanging(_text(p.head), _text(p.body)))
            elif p.body:
                self.console.print(_text(p.body))
            else:
                self.console.print()

    def flush(self) -> None:
        self.console.file.flush()
