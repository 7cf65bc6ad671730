"""The batch summary: per report its unit, year, template, verdict, counts by severity and first
errors; the totals; the unreadable files with their reasons; how often each rule fired.

The rows go to a private temporary SQLite database as the reports are reviewed, not to a list:
a province's 20,000 reports cost the main process what 100 do, and SQLite sorts them on disk
(``--sort``). Only the totals and the per-rule counts, bounded by the number of rules, stay here."""

from __future__ import annotations

import pickle
import sqlite3
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar, Literal

from .models import SEVERITY_ORDER, Finding, Review, Severity

SUMMARY_SCHEMA = "nianbao.summary/1"
UNREADABLE_SCHEMA = "nianbao.unreadable/1"
Sort = Literal["input", "verdict", "unit", "rule"]
Verdict = Literal["pass", "warn", "fail", "unreadable"]
FIRST_ERRORS = 3

_ORDER: dict[str, str] = {
    "input": "idx",
    # the files to chase first: unreadable, then failing (most errors first), warned, passed
    "verdict": "CASE verdict WHEN 'unreadable' THEN 0 WHEN 'fail' THEN 1 WHEN 'warn' THEN 2 ELSE 3 END, "
    "error DESC, warning DESC, idx",
    "unit": "unit IS NULL, unit, year, idx",
    "rule": "top_rule IS NULL, top_rule, idx",  # the units with the same main problem together
}


def at_least(findings: list[Finding], min_severity: Severity) -> list[Finding]:
    """The findings shown with ``--min-severity``."""
    return [f for f in findings if SEVERITY_ORDER[f.severity] <= SEVERITY_ORDER[min_severity]]


def shown_review(review: Review, min_severity: Severity) -> Review:
    """The review with its findings below ``min_severity`` left out; verdict and counts still
    count every finding (they describe the report, not the view)."""
    if min_severity == "info":
        return review
    return replace(review, findings=at_least(review.findings, min_severity))


@dataclass(kw_only=True)
class FirstError:
    """One of a report's first errors, as the batch summary lists them."""

    rule: str
    message: str
    cell: str | None = None
    line: int | None = None
    page: int | None = None


@dataclass(kw_only=True)
class ReportRow:
    """One input of a batch in the summary: its unit, year, verdict and counts, or why it could not be read."""

    index: int  # 1-based, the input order
    path: str
    unit: str | None = None
    year: int | None = None
    template: str | None = None
    verdict: Verdict
    counts: dict[str, int] = field(default_factory=dict)
    first_errors: list[FirstError] = field(default_factory=list)
    reason: str | None = None  # why it could not be reviewed


@dataclass(kw_only=True)
class RuleCount:
    """How many reports a rule fired on, and how many times, in a batch."""

    rule: str
    severity: Severity
    reports: int
    findings: int


@dataclass(kw_only=True)
class Totals:
    """A batch's totals: reports by verdict, findings by severity."""

    # the JSON's names of the fields named otherwise here (``pass`` is a Python keyword)
    JSON_NAMES: ClassVar[dict[str, str]] = {"passed": "pass", "warned": "warn", "failed": "fail"}

    reports: int = 0  # every input of the batch
    passed: int = 0
    warned: int = 0
    failed: int = 0
    unreadable: int = 0
    unfinished: int = 0  # not reviewed: the batch was stopped
    findings: dict[str, int] = field(default_factory=lambda: {"error": 0, "warning": 0, "info": 0})

    def to_json_dict(self) -> dict[str, Any]:
        from .contract import dump

        return {self.JSON_NAMES.get(k, k): v for k, v in dump(self).items()}


class Summary:
    """Fed one outcome at a time (``add``); read back sorted (``rows``)."""

    def __init__(self, inputs: int, sort: Sort = "input", min_severity: Severity = "info"):
        self.sort, self.min_severity = sort, min_severity
        self.inputs = inputs
        self.verdicts: Counter[str] = Counter()  # pass / warn / fail / unreadable / unfinished
        self.findings: Counter[str] = Counter()
        self.interrupted: str | None = None  # SIGINT / SIGTERM
        self._rules: Counter[tuple[str, Severity]] = Counter()  # (rule, severity) -> findings
        self._rule_reports: Counter[tuple[str, Severity]] = Counter()
        self._db = sqlite3.connect("")  # "": a private temporary database on disk, gone when closed
        self._db.execute("PRAGMA cache_size = -256")  # KiB: the rows live on disk, not in this process
        self._db.execute(
            "CREATE TABLE r (idx INTEGER, path BLOB, unit TEXT, year INTEGER, template TEXT, "
            "verdict TEXT, error INTEGER, warning INTEGER, info INTEGER, first BLOB, top_rule TEXT, "
            "reason TEXT)"
        )

    def __enter__(self) -> Summary:
        return self

    def __exit__(self, *exc) -> None:
        self._db.close()

    def add(self, index: int, path: str, review: Review | None = None, reason: str | None = None) -> None:
        """A reviewed report (``review``), an unreadable one (``reason``), or neither: unfinished."""
        self.verdicts[review.verdict if review else "unreadable" if reason else "unfinished"] += 1
        if review is None and reason is None:
            return
        if review is None:
            self._db.execute(
                "INSERT INTO r (idx, path, verdict, reason) VALUES (?, ?, 'unreadable', ?)",
                (index, _stored(path), reason),
            )
            return
        self.findings.update(review.counts)
        shown = sorted(at_least(review.findings, self.min_severity), key=lambda f: SEVERITY_ORDER[f.severity])
        kinds = Counter((f.rule, f.severity) for f in shown)
        self._rules.update(kinds)
        self._rule_reports.update(kinds.keys())
        first = [
            FirstError(
                rule=f.rule,
                message=f.message,
                cell=f.location.cell,
                line=f.location.line,
                page=f.location.page,
            )
            for f in review.findings
            if f.severity == "error"
        ][:FIRST_ERRORS]
        r = review.report
        self._db.execute(
            "INSERT INTO r VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
            (
                index,
                _stored(path),
                r.issuer,
                r.year,
                r.template,
                review.verdict,
                review.counts.get("error", 0),
                review.counts.get("warning", 0),
                review.counts.get("info", 0),
                pickle.dumps(first),  # the private database's own: read back by rows()
                shown[0].rule if shown else None,
            ),
        )

    @property
    def totals(self) -> Totals:
        v = self.verdicts
        return Totals(
            reports=self.inputs,
            passed=v["pass"],
            warned=v["warn"],
            failed=v["fail"],
            unreadable=v["unreadable"],
            unfinished=v["unfinished"],
            findings={s: self.findings[s] for s in ("error", "warning", "info")},
        )

    def rules(self) -> list[RuleCount]:
        """How often each rule fired (at ``min_severity`` or above): errors first, the most widespread first."""
        out = [
            RuleCount(rule=rule, severity=sev, reports=self._rule_reports[(rule, sev)], findings=n)
            for (rule, sev), n in self._rules.items()
        ]
        return sorted(out, key=lambda c: (SEVERITY_ORDER[c.severity], -c.reports, c.rule))

    def rows(self, unreadable_only: bool = False) -> Iterator[ReportRow]:
        where = "WHERE verdict = 'unreadable' " if unreadable_only else ""
        for (
            idx,
            path,
            unit,
            year,
            template,
            verdict,
            error,
            warning,
            info,
            first,
            _,
            reason,
        ) in self._db.execute(f"SELECT * FROM r {where}ORDER BY {_ORDER[self.sort]}"):
            yield ReportRow(
                index=idx,
                path=path.decode("utf-8", "surrogateescape"),
                unit=unit,
                year=year,
                template=template,
                verdict=verdict,
                counts={} if verdict == "unreadable" else {"error": error, "warning": warning, "info": info},
                first_errors=pickle.loads(first) if first else [],
                reason=reason,
            )

    def head(self) -> dict:
        """The summary object without its rows, for the JSON writers, which stream the rows."""
        from .contract import dump

        return {
            "schema": SUMMARY_SCHEMA,
            "totals": self.totals.to_json_dict(),
            "sort": self.sort,
            "min_severity": self.min_severity,
            "interrupted": self.interrupted,
            "rules": [dump(c) for c in self.rules()],
        }

    def json_chunks(self, newline: str) -> Iterator[str]:
        """The summary object as JSON, row by row (``newline`` between rows: "" for JSON Lines)."""
        import json  # here: a text review writes no JSON (issue 12)

        from .contract import dump

        yield json.dumps(self.head(), ensure_ascii=False)[:-1] + ', "reports": ['
        for i, row in enumerate(self.rows()):
            data = dump(row)
            if row.reason is None:
                del data["reason"]
            yield ("," if i else "") + newline + json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        yield newline + '], "unreadable": ['
        for i, row in enumerate(self.rows(unreadable_only=True)):
            yield (
                ("," if i else "")
                + newline
                + json.dumps({"path": row.path, "reason": row.reason}, ensure_ascii=False)
            )
        yield newline + "]}"


def _stored(path: str) -> bytes:
    """A path as SQLite keeps it: bytes, so that a file name that is not UTF-8 (its bytes kept as
    surrogates) comes back as it was instead of stopping the batch."""
    return path.encode("utf-8", "surrogateescape")
