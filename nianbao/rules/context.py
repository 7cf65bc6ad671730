"""What a check sees: the extraction, the configuration and, when known, last year's report."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from extractors.document import Paragraph
from extractors.extract import Extraction
from extractors.tables import CellRef

from ..config import Config


@dataclass
class Context:
    """What the rules check: the report read, the configuration, last year's report when known."""

    ex: Extraction
    config: Config = field(default_factory=Config)
    previous: Extraction | None = None

    @property
    def year(self) -> int | None:
        return self.ex.meta.year

    @property
    def cells(self) -> dict[str, CellRef]:
        return self.ex.tables.cells

    def value(self, address: str) -> int | float | None:
        return self.ex.tables.value(address)

    def part(self, numeral: str) -> list[Paragraph]:
        return self.ex.part_paragraphs(numeral)

    @cached_property
    def narrative(self) -> list[Paragraph]:
        return self.ex.narrative

    def place(self, line: int) -> str:
        """A line named in a message as the finding's location names it: page and printed line in
        a paged document (a PDF), the line of the text otherwise."""
        page, page_line = self.pages.get(line, (None, None))
        if page is None:
            return f"第 {line} 行"
        return f"第{page}页第{page_line}行" if page_line else f"第{page}页"

    @cached_property
    def pages(self) -> dict[int, tuple[int, int | None]]:
        """Line -> (page, printed line on that page) for the lines of a paged document."""
        out: dict[int, tuple[int, int | None]] = {}
        for block in self.ex.doc.blocks:
            for item in block.cells() if hasattr(block, "cells") else [block]:
                if item.page is not None:
                    out[item.line] = (item.page, item.page_line)
        return out
