"""The review contract (spec review-output.md, schema ``nianbao.review/1``) as pydantic models."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field

from extractors.schema import cell_label_zh

SCHEMA = "nianbao.review/1"
Severity = Literal["error", "warning", "info"]
Verdict = Literal["pass", "warn", "fail"]
FindingSource = Literal["rule", "llm", "heuristic"]  # what found it: a rule, the LLM or the heuristic
Coverage = Literal["covered", "partial", "missing"]  # how far the narrative covers an aspect
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
PARTS = ("一", "二", "三", "四", "五", "六")


class Location(BaseModel):
    line: int | None = None
    page: int | None = None
    page_line: int | None = None  # PDF: the printed line on that page, as a reviewer counts it
    cell: str | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def cell_label(self) -> str | None:
        """The cell as a reviewer names it, beside the canonical key scripts read."""
        return cell_label_zh(self.cell) if self.cell else None


class Finding(BaseModel):
    rule: str
    severity: Severity
    part: str | None = None
    message: str
    evidence: str = ""
    location: Location = Field(default_factory=Location)
    source: FindingSource = "rule"

    def sort_key(self) -> tuple:
        part = PARTS.index(self.part) if self.part in PARTS else -1
        return (part, self.location.line or 0, SEVERITY_ORDER[self.severity], self.rule)


class Source(BaseModel):
    path: str
    sha256: str
    format: str


class ReportPeriod(BaseModel):
    """The statistics period the report states (ISO dates), as the review reports it."""

    start: str | None = None
    end: str | None = None


class PartInfo(BaseModel):
    line: int
    heading: str = ""


class ReportInfo(BaseModel):
    issuer: str | None = None
    year: int | None = None
    template: str | None = None
    title: str | None = None
    period: ReportPeriod = Field(default_factory=ReportPeriod)
    signed_on: str | None = None
    parts: dict[str, PartInfo] = Field(default_factory=dict)
    ocr_pages: list[int] = Field(default_factory=list)  # pages read by OCR from a scan (1-based)


class AspectStatus(BaseModel):
    part: str
    aspect: str
    status: Coverage
    evidence: str = ""
    summary: str = ""
    line: int | None = None


class Claim(BaseModel):
    """A number the narrative states, to be compared with the tables by code (spec §4.4)."""

    metric: str
    value: int
    quote: str
    line: int | None = None


class LLMCall(BaseModel):
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
    exchanges: list[dict] = Field(default_factory=list, exclude=True)


class Narrative(BaseModel):
    method: Literal["llm", "heuristic", "none"] = "none"
    model: str | None = None
    prompt: str | None = None
    prompt_sha256: str | None = None
    aspects: list[AspectStatus] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    summary: str = ""
    dropped_quotes: int = 0
    calls: list[LLMCall] = Field(default_factory=list)
    tokens_in: int = 0
    tokens_cached: int = 0
    tokens_out: int = 0
    cost: float | None = None  # estimated from the price table; None: no price for this model
    currency: str | None = None
    dropped: dict[str, int] = Field(default_factory=dict)  # dropped_quotes by reason
    latency_ms: int = 0
    note: str | None = None


class Review(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    schema_: str = Field(default=SCHEMA, alias="schema")
    source: Source
    report: ReportInfo
    tables: dict[str, Any]
    findings: list[Finding]
    narrative: Narrative = Field(default_factory=Narrative)
    verdict: Verdict
    counts: dict[str, int]
    timing_ms: dict[str, int] = Field(default_factory=dict)
    # rules the configuration switched off: shown in every rendering, so nothing is hidden silently
    disabled_rules: list[str] = Field(default_factory=list)

    def to_json_dict(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True, mode="json")


def verdict_of(findings: list[Finding]) -> tuple[Verdict, dict[str, int]]:
    counts = {"error": 0, "warning": 0, "info": 0}
    for f in findings:
        counts[f.severity] += 1
    verdict: Verdict = "fail" if counts["error"] else "warn" if counts["warning"] else "pass"
    return verdict, counts
