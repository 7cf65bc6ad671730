"""Writers of a batch's output, one per format. Each takes the reviews one at a time, in input
order, as the batch hands them over, writes them and keeps nothing of them; ``finish`` adds the
summary (always given; a writer may leave it out for a single input) and closes. So a file fills
as the batch goes, and an interrupted batch still leaves a complete, valid file of what was done.

A writer for a new format implements ``Writer`` and is added to ``WRITERS`` (see cli.review)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from ..models import Review
    from ..summary import Summary


class Writer(Protocol):
    def review(self, index: int, review: Review) -> None:
        """A finished review (its findings already filtered by --min-severity); ``index`` is 1-based."""

    def unreadable(self, index: int, path: str, reason: str) -> None:
        """An input that could not be reviewed, and why."""

    def finish(self, summary: Summary) -> None:
        """The end of the batch (also when it was stopped): write the summary and close."""
