"""Prompts live as files in ``prompts/`` and are identified by name and content hash, so a
review records exactly which wording produced it (``narrative_review@3f2a9c1e``).

A prompt file holds the system message, then the user message after a ``<!-- user -->`` line,
then the re-ask message after ``<!-- reask -->``. ``$name`` placeholders are filled in two steps:
vocabulary from the code when loading (part of the hash: a changed rule list is a changed
prompt), the report's values on every call."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources
from string import Template

_SECTIONS = ("<!-- user -->", "<!-- reask -->")


@dataclass(frozen=True)
class Prompt:
    name: str
    sha256: str
    system: str
    user: Template
    reask: Template

    @property
    def id(self) -> str:
        return f"{self.name}@{self.sha256[:8]}"


def load_prompt(name: str, vocabulary: dict[str, str]) -> Prompt:
    raw = resources.files("prompts").joinpath(f"{name}.md").read_text(encoding="utf-8")
    text = Template(raw).safe_substitute(vocabulary)
    head, _, rest = text.partition(_SECTIONS[0])
    user, _, reask = rest.partition(_SECTIONS[1])
    if not (user.strip() and reask.strip()):
        raise ValueError(f"prompts/{name}.md: sections {' and '.join(_SECTIONS)} are required")
    return Prompt(
        name,
        hashlib.sha256(text.encode("utf-8")).hexdigest(),
        head.strip(),
        Template(user.strip()),
        Template(reask.strip()),
    )
