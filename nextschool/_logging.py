"""The SDK's logger and the filter that keeps secrets out of log records."""

from __future__ import annotations

import logging
import re
from collections import deque

logger = logging.getLogger("nextschool")

_JWT = re.compile(r"eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]+")
_BEARER = re.compile(r"(?i)(bearer\s+)[^\s'\"]+")
_REDACTED = "[redacted]"
# The secrets of live sessions, so they are masked even where no pattern
# matches them (passwords, UUID refresh tokens). Bounded: a long-running
# process renews its access token every few minutes.
_known_secrets: deque[str] = deque(maxlen=256)


def register_secret(value: str | None) -> None:
    if value and len(value) >= 4 and value not in _known_secrets:
        _known_secrets.append(value)


def redact(text: str) -> str:
    for secret in list(_known_secrets):
        if secret in text:
            text = text.replace(secret, _REDACTED)
    text = _JWT.sub(_REDACTED, text)
    return _BEARER.sub(r"\1" + _REDACTED, text)


class RedactingFilter(logging.Filter):
    """Masks tokens and passwords in a record's final message.

    Installed on the `nextschool` logger; add it to your own handlers to cover
    records from other libraries too (for example httpx at DEBUG).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Mask secrets in the record's message; never drops a record."""
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


logger.addFilter(RedactingFilter())
