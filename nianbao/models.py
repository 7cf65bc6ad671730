"""The review contract (spec review-output.md, schema ``nianbao.review/1``) as pydantic models."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

if TYPE_CHECKING:
    from extractors.extract import Extraction

    from .config import Config

SCHEMA = "nianbao.review/1"
Severity = Literal["error", "warning", "info"]
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
PARTS = ("一", "二", "三", "四", "五", "六")


class Location(BaseModel):
    line: int | None = None
    page: int | None = None
    page_line: int | None = None  # PDF: the printed line on that page, as a reviewer counts it
    cell: str | None = None


class Finding(BaseModel):
    rule: str
    severity: Severity
    part: str | None = None
    message: str
    evidence: str = ""
    location: Location = Field(default_factory=Location)
    source: Literal["rule", "llm", "heuristic"] = "rule"

    def sort_key(self) -> tuple:
        part = PARTS.index(self.part) if self.part in PARTS else -1
        return (part, self.location.line or 0, SEVERITY_ORDER[self.severity], self.rule)


class Source(BaseModel):
    path: str
    sha256: str
    format: str


class Period(BaseModel):
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
    period: Period = Field(default_factory=Period)
    signed_on: str | None = None
    parts: dict[str, PartInfo] = Field(default_factory=dict)


class AspectStatus(BaseModel):
    part: str
    aspect: str
    status: Literal["covered", "partial", "missing"]
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
    tokens_out: int = 0
    latency_ms: int = 0
    attempts: int = 1
    ok: bool = True
    error: str | None = None


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
    tokens_out: int = 0
    latency_ms: int = 0
    note: str | None = None


class Review(BaseModel):
    schema_: str = Field(SCHEMA, alias="schema")
    source: Source
    report: ReportInfo
    tables: dict[str, Any]
    findings: list[Finding]
    narrative: Narrative = Field(default_factory=Narrative)
    verdict: Literal["pass", "warn", "fail"]
    counts: dict[str, int]
    timing_ms: dict[str, int] = Field(default_factory=dict)

    model_config = {"populate_by_name": True}

    def to_json_dict(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True, mode="json")


def verdict_of(findings: list[Finding]) -> tuple[str, dict[str, int]]:
    counts = {"error": 0, "warning": 0, "info": 0}
    for f in findings:
        counts[f.severity] += 1
    verdict = "fail" if counts["error"] else "warn" if counts["warning"] else "pass"
    return verdict, counts


# (extraction, config) -> (narrative block, findings to add): the LLM reviewer or the heuristic
NarrativeReviewer = Callable[["Extraction", "Config"], tuple[Narrative, list[Finding]]]
