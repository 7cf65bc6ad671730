"""Masking of secrets, wherever text leaves the process: log lines, Slack messages and uploads, the store.
The code never logs or posts a secret; this catches what libraries, exception texts and an LLM endpoint
echoing its API key might put there."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import Any

# Slack tokens, bearer credentials, OpenAI-style keys, and response_urls (anyone holding one can post to
# the channel). ASCII classes: in Chinese text \b and \w would treat the characters around a token as part of it.
_PATTERNS = re.compile(
    r"(?<![A-Za-z0-9])(?:(?:xox[a-z]|xapp)-[A-Za-z0-9-]+|sk-[A-Za-z0-9_-]{16,})"
    r"|(?i:bearer)\s+[A-Za-z0-9._~+/=-]+|https://hooks\.slack\.com/[!-~]+"
)
MIN_SECRET = 8  # a shorter configured secret would mask ordinary words of the text instead


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    for secret in sorted(secrets, key=len, reverse=True):  # a secret containing another goes first
        if len(secret) >= MIN_SECRET:
            text = text.replace(secret, "[redacted]")
    return _PATTERNS.sub("[redacted]", text)


def redact_all(value: Any, secrets: Iterable[str] = ()) -> Any:
    """Every string inside a JSON-like value (dict keys are field names and stay)."""
    secrets = tuple(secrets)
    if isinstance(value, str):
        return redact(value, secrets)
    if isinstance(value, dict):
        return {k: redact_all(v, secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_all(v, secrets) for v in value]
    return value


class RedactingFormatter(logging.Formatter):
    """Redacts the final line, so messages, arguments and tracebacks are all covered."""

    def __init__(self, fmt: str, secrets: Iterable[str] = ()):
        super().__init__(fmt)
        self.secrets = tuple(secrets)

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record), self.secrets)


def setup_logging(secrets: Iterable[str] = (), level: int = logging.INFO) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
