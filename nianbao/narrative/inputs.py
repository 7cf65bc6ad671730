"""What the LLM reads: the narrative only (front matter and parts 一, 五, 六), one numbered line
per paragraph — never the tables. A long narrative is split by part (and a part too long for one
request by paragraph), never cut."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from extractors.document import Paragraph
from extractors.extract import Extraction
from extractors.normalize import fold
from extractors.personal import PRIVATE_NUMBER  # kept out of third-party requests

FRONT = "前文"  # the label of the text before part 一
# the prompt delimits the report with <report>…</report>; the text must not close it early
_DELIMITER = re.compile(r"<(/?)report>", re.IGNORECASE)
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")


def estimate_tokens(text: str, per_cjk: float = 0.6) -> int:
    """Tokens of ``text`` at ``per_cjk`` per Chinese character (DeepSeek publishes 0.6; other
    tokenizers need up to ~1.3, see providers.py) and half that per other character. Sizes the
    requests, and stands in where a server reports no usage: tiktoken would download its tables
    at run time."""
    cjk = len(_CJK.findall(text))
    return math.ceil(cjk * per_cjk + (len(text) - cjk) * per_cjk / 2)


def _checked_by_code(ex: Extraction, p: Paragraph) -> bool:
    """Title lines and the contact sentence of the front matter: the rules read them, the LLM
    would only be paid to read them again."""
    if ex.part_of(p.line) is not None:
        return False
    title = ex.meta.title
    return (ex.meta.contact is not None and p.line == ex.meta.contact.line) or bool(
        title and len(p.text) <= 60 and fold(p.text) in title
    )


def narrative_paragraphs(ex: Extraction) -> list[Paragraph]:
    """The narrative as sent: front matter and parts 一/五/六 (their non-statistical tables as one
    line per row) without the title, the contact sentence and the signature, private numbers
    masked, the prompt's delimiter defused. Quotes are verified against this text."""
    end = ex.meta.signature_line
    prose = sorted([*ex.narrative, *ex.narrative_table_rows()], key=lambda p: p.line)
    return [
        Paragraph(
            _DELIMITER.sub(r"＜\1report＞", PRIVATE_NUMBER.sub(lambda m: "*" * len(m.group(0)), p.text)),
            p.line,
            p.page,
        )
        for p in prose
        if p.text.strip() and (end is None or p.line < end) and not _checked_by_code(ex, p)
    ]


@dataclass(frozen=True)
class Chunk:
    """The paragraphs of one request and the parts they belong to (``partial``: a part split further)."""

    paragraphs: tuple[Paragraph, ...]
    parts: tuple[str, ...]
    partial: bool = False

    @property
    def text(self) -> str:
        return "\n".join(f"{p.line}: {p.text}" for p in self.paragraphs)


def split_by_part(
    paragraphs: list[Paragraph], ex: Extraction, budget: int, per_cjk: float = 0.6
) -> list[Chunk]:
    """Whole parts packed into requests of at most ``budget`` estimated tokens, in reading order."""

    def _cost(paragraphs: list[Paragraph]) -> int:
        return sum(estimate_tokens(f"{p.line}: {p.text}\n", per_cjk) for p in paragraphs)

    groups: list[tuple[str, list[Paragraph]]] = []
    for p in paragraphs:
        label = ex.part_of(p.line) or FRONT
        if groups and groups[-1][0] == label:
            groups[-1][1].append(p)
        else:
            groups.append((label, [p]))
    chunks: list[Chunk] = []
    pending: list[tuple[str, list[Paragraph]]] = []

    def flush() -> None:
        if pending:
            chunks.append(
                Chunk(tuple(p for _, ps in pending for p in ps), tuple(label for label, _ in pending))
            )
            pending.clear()

    for label, group in groups:
        if _cost([p for _, ps in pending for p in ps] + group) <= budget:
            pending.append((label, group))
            continue
        flush()
        if _cost(group) <= budget:
            pending.append((label, group))
            continue
        pieces: list[list[Paragraph]] = [[]]
        for p in group:  # a part longer than a request: by paragraph; one huge paragraph goes alone
            if pieces[-1] and _cost(pieces[-1] + [p]) > budget:
                pieces.append([])
            pieces[-1].append(p)
        chunks += [Chunk(tuple(piece), (label,), partial=len(pieces) > 1) for piece in pieces]
    flush()
    return chunks
