"""A case's human labels: what a correct review of the narrative finds — each aspect's status and
each finding the narrative review must add (rule, part, line). Written once by a person from the
report and the spec, and kept when prompts, models or recordings change: they are the yardstick,
not a snapshot of the last run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

Status = Literal["covered", "partial", "missing"]


class LabelFinding(BaseModel):
    rule: str
    part: str | None = None
    line: int | None = None

    @property
    def key(self) -> tuple:
        return self.rule, self.part, self.line


class Labels(BaseModel):
    aspects: dict[str, Status] = Field(default_factory=dict)
    findings: list[LabelFinding] = Field(default_factory=list)
    note: str = ""
    # False for a draft (``--from-review`` copies the model's judgement): not scored until a
    # person has checked it against the report and set it true
    reviewed: bool = True


def read_labels(path: Path) -> Labels | None:
    """None when the case has no labels (its LLM answers are then not scored). Raises ValueError."""
    if not path.is_file():
        return None
    try:
        return Labels.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, ValidationError) as exc:
        raise ValueError(f"无法读取（{str(exc)[:120]}）") from None
