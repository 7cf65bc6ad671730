"""The review contract (spec review-output.md, schema ``nianbao.review/1``) as plain dataclasses.

Plain, so a review is made without importing pydantic (start-up, issue 12); pydantic checks and
writes them where JSON leaves or comes back (``contract.py``: ``Review.to_json_dict``, ``load``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from extractors.schema import cell_label_zh

SCHEMA = "nianbao.review/1"
Severity = Literal["error", "warning", "info"]
Verdict = Literal["pass", "warn", "fail"]
FindingSource = Literal["rule", "llm", "heuristic"]  # what found it: a rule, the LLM or the heuristic
Coverage = Literal["covered", "partial", "missing"]  # how far the narrative covers an aspect
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
PARTS = ("一", "二", "三", "四", "五", "六")
# what the review JSON leaves out: the audit log's material (``contract.dump``'s ``exclude``)
_NOT_IN_JSON = {"narrative": {"calls": {"__all__": {"exchanges"}}}}


@dataclass(kw_only=True)
class Location:
    """Where a finding points: the report's line, or a PDF's page and printed line, and a table cell."""

    line: int | None = None
    page: int | None = None
    page_line: int | None = None  # PDF: the printed line on that page, as a reviewer counts it
    cell: str | None = None

    @property
    def cell_label(self) -> str | None:
        """The cell as a reviewer names it, beside the canonical key scripts read (in the JSON too,
        after ``cell``: ``Review.to_json_dict``)."""
        return cell_label_zh(self.cell) if self.cell else None


@dataclass(kw_only=True)
class Finding:
    """One problem found, by a rule, the LLM or the heuristic, with its evidence and place."""

    rule: str
    severity: Severity
    part: str | None = None
    message: str
    evidence: str = ""
    location: Location = field(default_factory=Location)
    source: FindingSource = "rule"

    def sort_key(self) -> tuple:
        part = PARTS.index(self.part) if self.part in PARTS else -1
        return (part, self.location.line or 0, SEVERITY_ORDER[self.severity], self.rule)


@dataclass(kw_only=True)
class Source:
    """The file reviewed: its path as given, its SHA-256 and the format it was read as."""

    path: str
    sha256: str
    format: str


@dataclass(kw_only=True)
class ReportPeriod:
    """The statistics period the report states (ISO dates), as the review reports it."""

    start: str | None = None
    end: str | None = None


@dataclass(kw_only=True)
class PartInfo:
    """Where one of the six parts starts, and its heading as printed."""

    line: int
    heading: str = ""


@dataclass(kw_only=True)
class ReportInfo:
    """What the review read about the report itself: issuer, year, template, period, parts."""

    issuer: str | None = None
    year: int | None = None
    template: str | None = None
    title: str | None = None
    period: ReportPeriod = field(default_factory=ReportPeriod)
    signed_on: str | None = None
    parts: dict[str, PartInfo] = field(default_factory=dict)
    ocr_pages: list[int] = field(default_factory=list)  # pages read by OCR from a scan (1-based)


@dataclass(kw_only=True)
class AspectStatus:
    """How far the narrative covers one required aspect of a part, with the quote that shows it."""

    part: str
    aspect: str
    status: Coverage
    evidence: str = ""
    summary: str = ""
    line: int | None = None


@dataclass(kw_only=True)
class Claim:
    """A number the narrative states, to be compared with the tables by code (spec §4.4)."""

    metric: str
    value: int
    quote: str
    line: int | None = None


@dataclass(kw_only=True)
class LLMCall:
    """One request to the LLM: model, tokens, cost, time and outcome."""

    model: str
    prompt: str
    parts: str = ""  # the parts this request covered, e.g. "前文一五六"
    tokens_in: int = 0
    tokens_cached: int = 0  # of tokens_in, read from the provider's prompt cache (billed lower)
    tokens_out: int = 0
    cost: float | None = None  # estimated from the price table; None: no price for this model
    currency: str | None = None
    latency_ms: int = 0
    attempts: int = 1
    ok: bool = True
    error: str | None = None
    # the audit log's material (masked messages sent, raw answers), kept out of the review JSON
    exchanges: list[dict] = field(default_factory=list)


@dataclass(kw_only=True)
class Narrative:
    """The narrative review: its method, the aspects, the numbers claimed, and the LLM's cost."""

    method: Literal["llm", "heuristic", "none"] = "none"
    model: str | None = None
    prompt: str | None = None
    prompt_sha256: str | None = None
    aspects: list[AspectStatus] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    summary: str = ""
    dropped_quotes: int = 0
    calls: list[LLMCall] = field(default_factory=list)
    tokens_in: int = 0
    tokens_cached: int = 0
    tokens_out: int = 0
    cost: float | None = None  # estimated from the price table; None: no price for this model
    currency: str | None = None
    dropped: dict[str, int] = field(default_factory=dict)  # dropped_quotes by reason
    latency_ms: int = 0
    note: str | None = None


@dataclass(kw_only=True)
class Review:
    """One report's review, the ``nianbao.review/1`` JSON contract (spec review-output.md)."""

    schema: str = SCHEMA
    source: Source
    report: ReportInfo
    tables: dict[str, Any]
    findings: list[Finding]
    narrative: Narrative = field(default_factory=Narrative)
    verdict: Verdict
    counts: dict[str, int]
    timing_ms: dict[str, int] = field(default_factory=dict)
    # rules the configuration switched off: shown in every rendering, so nothing is hidden silently
    disabled_rules: list[str] = field(default_factory=list)

    def to_json_dict(self) -> dict[str, Any]:
        """The review JSON, written by pydantic (imported here, by the JSON paths only)."""
        from .contract import dump

        data = dump(self, exclude=_NOT_IN_JSON)
        for out, finding in zip(data["findings"], self.findings, strict=True):
            out["location"]["cell_label"] = finding.location.cell_label  # after "cell", the last field
        return data


def verdict_of(findings: list[Finding]) -> tuple[Verdict, dict[str, int]]:
    counts = {"error": 0, "warning": 0, "info": 0}
    for f in findings:
        counts[f.severity] += 1
    verdict: Verdict = "fail" if counts["error"] else "warn" if counts["warning"] else "pass"
    return verdict, counts
