"""JSON (docs/review-output.md: one object for one input; for several an array in input order —
reviews, unreadable files as entries with their reason, the summary last) and JSON Lines (one
review or unreadable entry a line, then the summary line)."""

from __future__ import annotations

import json
from typing import TextIO

from ..models import Review
from ..summary import UNREADABLE_SCHEMA, Summary


def unreadable_entry(path: str, reason: str) -> dict:
    return {"schema": UNREADABLE_SCHEMA, "source": {"path": path}, "error": reason}


class JsonWriter:
    def __init__(self, stream: TextIO, single: bool):
        self.stream, self.single, self.count = stream, single, 0

    def _entry(self, obj: dict) -> None:
        text = json.dumps(obj, ensure_ascii=False, indent=2)
        if self.single:
            self.stream.write(text + "\n")
        else:
            self.stream.write(("," if self.count else "[") + "\n" + text)
        self.stream.flush()
        self.count += 1

    def review(self, index: int, review: Review) -> None:
        self._entry(review.to_json_dict())

    def unreadable(self, index: int, path: str, reason: str) -> None:
        if not self.single:  # one input: nothing on stdout; stderr says why, the exit status is 2
            self._entry(unreadable_entry(path, reason))

    def finish(self, summary: Summary) -> None:
        if self.single:
            return
        self.stream.write(("," if self.count else "[") + "\n")
        self.stream.writelines(summary.json_chunks("\n"))
        self.stream.write("\n]\n")
        self.stream.flush()


class JsonlWriter:
    def __init__(self, stream: TextIO, single: bool):
        self.stream = stream

    def _line(self, obj: dict) -> None:
        self.stream.write(json.dumps(obj, ensure_ascii=False) + "\n")
        self.stream.flush()

    def review(self, index: int, review: Review) -> None:
        self._line(review.to_json_dict())

    def unreadable(self, index: int, path: str, reason: str) -> None:
        self._line(unreadable_entry(path, reason))

    def finish(self, summary: Summary) -> None:
        self.stream.writelines(summary.json_chunks(""))
        self.stream.write("\n")
        self.stream.flush()
