"""The review the bot runs: the deterministic core plus the narrative review, which must never take the
deterministic findings down with it when the LLM is unavailable."""

from __future__ import annotations

import logging
from collections.abc import Callable

from extractors.extract import Extraction
from nianbao.config import Config
from nianbao.models import Finding, Narrative, Review
from nianbao.review import NarrativeReviewer, review_bytes

log = logging.getLogger(__name__)

ReviewFn = Callable[[bytes, str], Review]


def guarded(narrative: NarrativeReviewer) -> NarrativeReviewer:
    def run(ex: Extraction, config: Config) -> tuple[Narrative, list[Finding]]:
        try:
            return narrative(ex, config)
        except Exception as exc:  # an outage of any kind: timeouts, HTTP errors, invalid answers
            log.warning("narrative review failed: %s", exc.__class__.__name__)
            note = f"大模型审阅不可用（{exc.__class__.__name__}），本次只给出确定性检查结果"
            return Narrative(note=note), [Finding(rule="narrative-review-unavailable", severity="info",
                                                  message=note, source="rule")]
    return run


def make_review_fn(config: Config, narrative: NarrativeReviewer | None) -> ReviewFn:
    safe = guarded(narrative) if narrative is not None else None
    return lambda data, name: review_bytes(data, name, config, narrative=safe)
