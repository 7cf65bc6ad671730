"""Narrative review (front matter, parts 一, 五, 六): by LLM when one is configured, else by
heuristic. Either way the result is a ``Narrative`` block plus findings that are only added to
the deterministic ones (see ``nianbao.review.assemble``).

Modules: ``settings`` (environment), ``inputs`` (what is sent), ``prompts`` (prompt files and
hashes), ``schema`` (the LLM's answer), ``llm`` (client, retries, re-ask), ``verify`` (quotes
and claims checked by code), ``aspects`` / ``findings`` (what the answers imply),
``heuristic`` (no LLM), ``llm_review`` (the LLM reviewer)."""

from __future__ import annotations

from ..models import NarrativeReviewer
from .heuristic import heuristic_review
from .settings import LLMSettings


def make_reviewer(no_llm: bool = False) -> NarrativeReviewer:
    """The LLM reviewer when ``OPENAI_BASE_URL`` or ``OPENAI_API_KEY`` is set (model
    ``NIANBAO_MODEL``, default deepseek-chat) and ``no_llm`` is false; else the heuristic.
    Raises ConfigError for invalid ``NIANBAO_LLM_*`` settings."""
    settings = None if no_llm else LLMSettings.from_env()
    if settings is None:
        return heuristic_review
    from .llm_review import LLMReviewer  # imports langchain and openai: only on this path

    return LLMReviewer(settings)
