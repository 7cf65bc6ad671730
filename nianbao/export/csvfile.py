"""CSV for Excel and WPS: UTF-8 with a BOM (without it both read Chinese as GBK), one row per
finding with its report's columns repeated, so the sheet filters by unit, verdict, severity or
rule; a report without findings and an unreadable file get one row each, so every input is there."""

from __future__ import annotations

import csv
from typing import TextIO

from ..models import Review
from ..summary import Summary
from .rows import FINDING_HEADER, REPORT_HEADER, finding_cells, report_cells, unreadable_cells

_BLANK = [""] * len(FINDING_HEADER)
_MESSAGE = FINDING_HEADER.index("问题")


def _only(message: str) -> list[str]:
    return [*_BLANK[:_MESSAGE], message, *_BLANK[_MESSAGE + 1 :]]


class CsvWriter:
    def __init__(self, stream: TextIO, single: bool):
        self.stream = stream
        stream.write("\ufeff")
        self.csv = csv.writer(stream)
        self.csv.writerow(REPORT_HEADER + FINDING_HEADER)

    def review(self, index: int, review: Review) -> None:
        report = report_cells(index, review)
        if review.findings:
            self.csv.writerows(report + finding_cells(f) for f in review.findings)
        else:  # none shown: none at all, or all below --min-severity
            self.csv.writerow(
                report
                + _only("未发现问题" if not any(review.counts.values()) else "（低于所选级别的问题未列出）")
            )
        self.stream.flush()

    def unreadable(self, index: int, path: str, reason: str) -> None:
        self.csv.writerow(unreadable_cells(index, path) + _only(reason))
        self.stream.flush()

    def finish(self, summary: Summary) -> None:
        self.stream.flush()
