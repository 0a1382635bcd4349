"""Fixed-window rate limiting, as the documented limits describe it."""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

WINDOW_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class LimitResult:
    """The outcome of one request against a rate-limit window."""

    allowed: bool
    limit: int
    remaining: int
    reset_at: int  # epoch seconds when the window ends
    retry_after: int  # whole seconds until the window ends, at least 1

    def headers(self) -> list[tuple[bytes, bytes]]:
        """The `X-RateLimit-*` headers for this outcome."""
        return [
            (b"x-ratelimit-limit", str(self.limit).encode()),
            (b"x-ratelimit-remaining", str(self.remaining).encode()),
            (b"x-ratelimit-reset", str(self.reset_at).encode()),
        ]


class FixedWindowLimiter:
    """At most `limit` hits per key in a window.

    Each key's window starts at its first hit rather than on the minute, so a
    test that starts at second 59 of a minute does not see its window reset
    half-way through.
    """

    def __init__(self, limit: int, window: float = WINDOW_SECONDS) -> None:
        self.limit = limit
        self._window = window
        self._lock = threading.Lock()
        self._windows: dict[str, list[float]] = {}  # key -> [start, hits]

    def hit(self, key: str, now: float | None = None) -> LimitResult:
        """Count a request for `key`; says whether it is allowed and what remains."""
        now = time.time() if now is None else now
        with self._lock:
            slot = self._windows.get(key)
            if slot is None or now >= slot[0] + self._window:
                if len(self._windows) > 10_000:
                    self._drop_stale(now)
                slot = [now, 0.0]
                self._windows[key] = slot
            allowed = slot[1] < self.limit
            if allowed:
                slot[1] += 1
            end = slot[0] + self._window
            used = int(slot[1])
        return LimitResult(
            allowed=allowed,
            limit=self.limit,
            remaining=max(0, self.limit - used),
            reset_at=math.ceil(end),
            retry_after=max(1, math.ceil(end - now)),
        )

    def reset(self) -> None:
        """Forget every window."""
        with self._lock:
            self._windows.clear()

    def _drop_stale(self, now: float) -> None:
        stale = [k for k, (start, _) in self._windows.items() if now >= start + self._window]
        for key in stale:
            del self._windows[key]
