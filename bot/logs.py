"""Logging with secrets redacted. The code never logs tokens; this is defence in depth for what
libraries and exception texts might contain."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

_PATTERNS = re.compile(r"\bxox[a-z]-[\w-]+|\bxapp-[\w-]+|(?i:bearer)\s+[\w.~+/=-]+")


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "[redacted]")
    return _PATTERNS.sub("[redacted]", text)


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
