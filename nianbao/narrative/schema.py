"""What the LLM must return (validated by pydantic; the prompt carries the same shape).
Line numbers are hints only: code locates every quote in the text itself."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field

from ..claims import METRICS
from .aspects import ASPECTS
from .findings import OBSERVATION_RULES

if TYPE_CHECKING:  # Literals built at run time, which pydantic enforces and mypy cannot read
    AspectKey = str
    Metric = str
else:
    AspectKey = Literal[tuple(a.key for a in ASPECTS)]
    Metric = Literal[tuple(METRICS)]
ObservationRule = Literal[OBSERVATION_RULES]  # type: ignore[valid-type]


class AspectOut(BaseModel):
    aspect: AspectKey
    status: Literal["covered", "partial", "missing"]
    quote: str = ""
    summary: str = ""
    line: int | None = None


class ClaimOut(BaseModel):
    metric: Metric
    value: int = Field(ge=0)
    quote: str
    line: int | None = None


class ObservationOut(BaseModel):
    rule: ObservationRule
    quote: str
    message: str
    line: int | None = None


class NarrativeOut(BaseModel):
    """The narrative review of one request: aspects, numeric claims, observations and a summary."""

    aspects: list[AspectOut] = Field(default_factory=list)
    claims: list[ClaimOut] = Field(default_factory=list)
    observations: list[ObservationOut] = Field(default_factory=list)
    summary: str = ""
