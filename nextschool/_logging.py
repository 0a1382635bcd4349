"""The SDK's logger and the filter that keeps secrets out of log records."""

from __future__ import annotations

import logging
import re
import threading
import weakref
from collections import deque

logger = logging.getLogger("nextschool")

_JWT = re.compile(r"eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]+")
_BEARER = re.compile(r"(?i)(bearer\s+)[^\s'\"]+")
# The password part of URL userinfo: scheme://user:password@host
_URL_PASSWORD = re.compile(r"(?i)([a-z][a-z0-9+.-]*://[^/\s:@]*:)[^/\s@]+(@)")
_REDACTED = "[redacted]"
_MIN_SECRET_LENGTH = 4

# Secrets masked even where no pattern matches them (passwords, opaque refresh
# tokens). The secrets a live client holds are pinned for as long as it lives;
# superseded tokens and those of collected clients go to a bounded list of
# recent ones, since a long-running process renews its access token every few
# minutes. No finalizer callbacks: the garbage collector may run at any stack
# depth, so dead clients are noticed when the list is next read.
_lock = threading.Lock()
_holders: list[tuple[weakref.ref[PinnedSecrets], dict[str, str]]] = []
_recent: deque[str] = deque(maxlen=256)


def _remember(value: str) -> None:
    if value not in _recent:
        _recent.append(value)


def _pinned() -> set[str]:
    """The secrets of live clients; forgets collected ones. Call under _lock."""
    values: set[str] = set()
    alive: list[tuple[weakref.ref[PinnedSecrets], dict[str, str]]] = []
    for holder, held in _holders:
        if holder() is None:
            for value in held.values():
                _remember(value)
        else:
            alive.append((holder, held))
            values.update(held.values())
    _holders[:] = alive
    return values


def pinned_secret_count() -> int:
    with _lock:
        return len(_pinned())


class PinnedSecrets:
    """The secrets one client holds, masked in every record while it lives.

    Each slot ("password", "refresh_token", ...) pins its current value; a
    replaced value moves to the list of recent ones, as do all of them once
    this object (owned by the client) has been garbage collected.
    """

    def __init__(self) -> None:
        self._held: dict[str, str] = {}
        with _lock:
            if len(_holders) >= 64 and len(_holders) & (len(_holders) - 1) == 0:
                _pinned()  # now and then, so dead clients do not pile up unread
            _holders.append((weakref.ref(self), self._held))

    def pin(self, slot: str, value: str | None) -> None:
        value = str(value) if value and len(value) >= _MIN_SECRET_LENGTH else None
        with _lock:
            old = self._held.pop(slot, None)
            if value is not None:
                self._held[slot] = value
            if old is not None and old != value:
                _remember(old)


def redact(text: str) -> str:
    with _lock:
        known = _pinned() | set(_recent)
    # Longest first, so a secret that contains another is masked whole.
    for secret in sorted(known, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, _REDACTED)
    text = _JWT.sub(_REDACTED, text)
    text = _URL_PASSWORD.sub(r"\1" + _REDACTED + r"\2", text)
    return _BEARER.sub(r"\1" + _REDACTED, text)


class RedactingFilter(logging.Filter):
    """Masks tokens and passwords in a record's message, traceback and stack.

    Installed on the `nextschool` logger; add it to your own handlers to cover
    records from other libraries too (for example httpx at DEBUG).

    A traceback that held a secret is replaced by its masked text: the record
    keeps `exc_text` (which logging's formatters print) and loses `exc_info`,
    so no formatter can render the unmasked exception.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Mask secrets in the record's message and traceback; never drops a record."""
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: logging reports it later
            message = None
        if message is not None:
            cleaned = redact(message)
            if cleaned != message:
                record.msg, record.args = cleaned, None
        traceback_text = record.exc_text
        if not traceback_text and record.exc_info and record.exc_info[0] is not None:
            traceback_text = _FORMATTER.formatException(record.exc_info)
        if traceback_text:
            cleaned = redact(traceback_text)
            if cleaned != traceback_text:
                record.exc_text, record.exc_info = cleaned, None
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


_FORMATTER = logging.Formatter()

logger.addFilter(RedactingFilter())
