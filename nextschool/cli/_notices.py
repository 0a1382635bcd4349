"""What the tool says on stderr while a command runs, always under its prefix.

- Warnings of the SDK (an unreadable session file, tokens of another URL).
- Waits longer than a moment (a rate limit, a retry's backoff): why and for
  how long, counted down in place on a terminal, one line elsewhere.
- With -v, the SDK's renewals and retries; with -vv, every request.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from typing import TextIO

from .._logging import logger

PREFIX = "nextschool: "
# Shorter waits pass without a word: a countdown would only flicker.
NOTICE_MIN_SECONDS = 2.0
CLEAR_LINE = "\r\033[K"


class Countdown:
    """One wait, shown on `stream`; on a terminal the line is rewritten every second."""

    def __init__(self, stream: TextIO, reason: str, operation: str, seconds: float) -> None:
        self._stream = stream
        self._reason = reason
        self._operation = operation
        self._seconds = seconds
        self._stopped = threading.Event()
        self._interrupted = False
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        whole = math.ceil(self._seconds)
        if not self._stream.isatty():
            self._write(f"{PREFIX}{self._reason}; retrying {self._operation} in {whole} s\n")
            return
        self._thread = threading.Thread(target=self._count, name="nextschool-countdown")
        self._thread.daemon = True
        self._thread.start()

    def _count(self) -> None:
        deadline = time.monotonic() + self._seconds
        while True:
            remaining = deadline - time.monotonic()
            if self._interrupted:
                return  # Ctrl-C: the command ends the line itself.
            if remaining <= 0 or self._stopped.is_set():
                whole = math.ceil(self._seconds)
                self._write(
                    f"{CLEAR_LINE}{PREFIX}{self._reason}; waited {whole} s, "
                    f"retrying {self._operation}\n"
                )
                return
            self._write(
                f"{CLEAR_LINE}{PREFIX}{self._reason}; retrying {self._operation} "
                f"in {math.ceil(remaining)} s"
            )
            # Wake on the next whole second of the remaining time.
            step = remaining - math.floor(remaining) or 1.0
            self._stopped.wait(min(step, remaining))

    def stop(self, *, interrupted: bool = False) -> None:
        """End the wait's line: with its last words, or as it is after a Ctrl-C."""
        self._interrupted = interrupted
        self._stopped.set()
        if self._thread is not None:
            self._thread.join(timeout=1.0)
            self._thread = None

    def _write(self, text: str) -> None:
        try:
            self._stream.write(text)
            self._stream.flush()
        except (OSError, ValueError):
            pass  # stderr went away; the wait goes on regardless


class NoticeHandler(logging.Handler):
    """Turns the SDK's log records into the tool's stderr lines."""

    def __init__(self, stream: TextIO, verbosity: int) -> None:
        super().__init__(logging.DEBUG)
        self._stream = stream
        self._verbosity = verbosity
        self._countdown: Countdown | None = None

    def emit(self, record: logging.LogRecord) -> None:
        seconds = getattr(record, "wait_seconds", None)
        if isinstance(seconds, (int, float)) and seconds > NOTICE_MIN_SECONDS:
            self.close_countdown()
            reason = str(getattr(record, "wait_reason", "waiting"))
            operation = str(getattr(record, "wait_operation", None) or "the call")
            self._countdown = Countdown(self._stream, reason, operation, float(seconds))
            self._countdown.start()
            return
        if record.levelno >= logging.WARNING:
            self._line(f"{PREFIX}warning: {record.getMessage()}")
        elif self._verbosity > 0:
            self._line(f"{PREFIX}{record.getMessage()}")

    def _line(self, text: str) -> None:
        self.close_countdown()
        try:
            self._stream.write(text + "\n")
            self._stream.flush()
        except (OSError, ValueError):
            pass

    def close_countdown(self, *, interrupted: bool = False) -> None:
        if self._countdown is not None:
            self._countdown.stop(interrupted=interrupted)
            self._countdown = None


class CliLogging:
    """Installs the notice handler on the SDK's logger for one command."""

    def __init__(self, stream: TextIO, verbosity: int) -> None:
        self._previous_level = logger.level
        self._handler = NoticeHandler(stream, verbosity)
        logger.addHandler(self._handler)
        # INFO at least: waits are announced at INFO.
        logger.setLevel(logging.DEBUG if verbosity > 1 else logging.INFO)

    def close(self, *, interrupted: bool = False) -> None:
        """Finish any wait's line and detach; safe to call more than once."""
        self._handler.close_countdown(interrupted=interrupted)
        logger.removeHandler(self._handler)
        logger.setLevel(self._previous_level)
