"""Line breaking for the terminal: rich lays each paragraph out at the console's width itself, with a
hanging indent, breaking Chinese between characters but never inside a rule id, a number, a date or
a masked phone number. rich's own wrapper breaks only at spaces and folds a space-less Chinese
sentence anywhere (``13|6****4967``); leaving it to the terminal starts continuation lines at
column 0. Piped output (``soft_wrap``) is left unbroken, one paragraph a line, for grep."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rich.cells import cell_len, chop_cells
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text

# what must stay on one line: runs of letters, digits and the marks inside ids, numbers, dates and
# masked numbers (personal-info-exposed, 1,234.5, 2024-12-31, 136****4967, 0533-7870969, 50%, 1<=x<=64),
# and a place as people say it (第303行, 第 25 行, 第2页, 第21–50行)
_ATOM = re.compile(
    r"第 ?[0-9]+(?:[–-][0-9]+)? ?[行页列]"
    r"|[0-9A-Za-z][0-9A-Za-z_\-.,:*/%+#~@<>=]*[0-9A-Za-z%*]|[0-9A-Za-z]"
)
# no line starts with a closing mark, none ends with an opening one (the usual Chinese rule)
_CLOSING = set("，。、；：！？）」』】〕》〉”’)]}…·,.;:!?%")
_OPENING = set("（「『【〔《〈“‘([{")


def _pieces(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of the unbreakable pieces of ``text``, spaces as pieces of their own."""
    i = 0
    while i < len(text):
        m = _ATOM.match(text, i)
        end = m.end() if m else i + 1
        if text[i].isspace():
            while end < len(text) and text[end].isspace():
                end += 1
        yield i, end
        i = end


def _glued(text: str) -> list[tuple[int, int]]:
    """Pieces with closing marks glued to the piece before and opening marks to the piece after."""
    out: list[tuple[int, int]] = []
    pending: int | None = None  # where a run of opening marks began, waiting for its piece
    for start, end in _pieces(text):
        chunk = text[start:end]
        if chunk in _CLOSING and pending is None and out and not text[out[-1][0]].isspace():
            out[-1] = (out[-1][0], end)
            continue
        if chunk in _OPENING:
            pending = start if pending is None else pending
            continue
        begin = start
        if pending is not None:
            if chunk.isspace():
                out.append((pending, start))
            else:
                begin = pending
            pending = None
        out.append((begin, end))
    if pending is not None:
        out.append((pending, len(text)))
    return out


def breaks(text: str, width: int) -> list[int]:
    """Offsets to break ``text`` at so that every line fits ``width`` cells; a piece wider than a
    whole line is the only thing ever cut."""
    offsets: list[int] = []
    used = 0
    for start, end in _glued(text):
        chunk = text[start:end]
        size = cell_len(chunk)
        if chunk.isspace():
            used += size
            continue
        if used + size > width and used:
            offsets.append(start)
            used = 0
        if size > width:  # longer than a line: folded, as the terminal would have done anyway
            cut = start
            for part in chop_cells(chunk, width)[:-1]:
                cut += len(part)
                offsets.append(cut)
            size = cell_len(text[cut:end])
        used += size
    return offsets


class Hanging:
    """``head`` then ``body``, the body's continuation lines indented to where it began."""

    def __init__(self, head: Text | str, body: Text | str, indent: int | None = None):
        self.head = Text(head) if isinstance(head, str) else head
        self.body = Text(body) if isinstance(body, str) else body
        self.indent = cell_len(self.head.plain) if indent is None else indent

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(self.indent + 1, cell_len(self.head.plain) + cell_len(self.body.plain))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        first = self.head + self.body
        if options.no_wrap:  # piped: one line
            first.no_wrap = True
            yield first
            return
        room = max(options.max_width - self.indent, 8)
        first_room = max(options.max_width - cell_len(self.head.plain), 8)
        # the first line has less (or more) room than the rest: break it alone, then the remainder
        cut = breaks(self.body.plain, first_room)[:1]
        head_line, *rest = self.body.divide(cut) if cut else [self.body]
        lines = [self.head + head_line]
        for remainder in rest:
            lines += [
                Text(" " * self.indent) + part for part in remainder.divide(breaks(remainder.plain, room))
            ]
        for line in lines:
            line.rstrip()
            line.no_wrap = True
            line.overflow = "ignore"
            yield line
