"""The review the bot runs: the deterministic core plus the narrative review (which
``nianbao.review`` guards: a failing narrative never takes the deterministic findings down)."""

from __future__ import annotations

from collections.abc import Callable

from nianbao.config import Config
from nianbao.models import Review
from nianbao.narrative import NarrativeReviewer
from nianbao.review import review_bytes

ReviewFn = Callable[[bytes, str], Review]


def make_review_fn(config: Config, narrative: NarrativeReviewer | None) -> ReviewFn:
    return lambda data, name: review_bytes(data, name, config, narrative=narrative)
