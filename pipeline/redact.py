"""Keeping secrets out of logs, Sentry events and alerts.

Two nets: the exact values of every secret the service loaded (webhook URLs, SMTP URLs, the DSN),
and patterns for secrets it never loaded (any Slack webhook, any password inside a URL).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

__all__ = ["REDACTED", "Redactor"]

REDACTED = "[redacted]"

_PATTERNS = (
    re.compile(r"https?://hooks\.slack\.com/[^\s'\"<>]*", re.I),
    re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{8,}"),
    # userinfo with a password in any URL: keep scheme and host, hide the credentials
    re.compile(r"(?<=://)[^/@\s:'\"]+:[^/@\s'\"]+(?=@)"),
)


class Redactor:
    """Replaces known secret values and secret-shaped strings with ``[redacted]``."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        # Longest first, so a secret containing another is replaced whole.
        self._secrets = sorted({s for s in secrets if s and len(s) >= 6}, key=len, reverse=True)

    def with_secrets(self, secrets: Iterable[str]) -> Redactor:
        return Redactor([*self._secrets, *secrets])

    def text(self, value: str) -> str:
        for secret in self._secrets:
            if secret in value:
                value = value.replace(secret, REDACTED)
        for pattern in _PATTERNS:
            value = pattern.sub(REDACTED, value)
        return value

    def deep(self, value: Any, _depth: int = 0) -> Any:
        """A copy of ``value`` (dicts, lists, tuples, strings) with every string redacted."""
        if _depth > 30:
            return value
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {k: self.deep(v, _depth + 1) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return type(value)(self.deep(v, _depth + 1) for v in value)
        return value
