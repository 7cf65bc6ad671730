"""Narrative review (front matter, parts 一, 五, 六): by LLM when one is configured, else by
heuristic. Either way the result is a ``Narrative`` block plus findings that are only added to
the deterministic ones (see ``nianbao.review.assemble``).

Modules: ``providers`` (what each provider needs on the wire), ``settings`` (environment),
``prices`` (cost per model), ``inputs`` (what is sent), ``prompts`` (prompt files and hashes),
``schema`` (the LLM's answer), ``llm`` (client, retries, re-ask, audit trail), ``verify``
(evidence checked by code), ``aspects`` / ``findings`` (what the answers imply), ``heuristic``
(no LLM), ``llm_review`` (the LLM reviewer), ``check`` / ``cli`` (``nianbao llm check``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .heuristic import heuristic_review

if TYPE_CHECKING:
    from extractors.extract import Extraction

    from ..config import Config
    from ..models import Finding, Narrative

# (extraction, config) -> (narrative block, findings to add): the LLM reviewer or the heuristic
NarrativeReviewer = Callable[["Extraction", "Config"], "tuple[Narrative, list[Finding]]"]


def make_reviewer(no_llm: bool = False) -> NarrativeReviewer:
    """The LLM reviewer when a provider (``NIANBAO_LLM_PROVIDER``), ``OPENAI_BASE_URL`` or
    ``OPENAI_API_KEY`` is set and ``no_llm`` is false; else the heuristic. Raises ConfigError for
    settings that cannot work (see ``LLMSettings.from_env``)."""
    if no_llm:
        return heuristic_review
    from .settings import LLMSettings  # here: ``--no-llm`` reads no LLM settings (issue 12)

    settings = LLMSettings.from_env()
    if settings is None:
        return heuristic_review
    from .llm_review import LLMReviewer  # imports langchain and openai: only on this path

    return LLMReviewer(settings)
