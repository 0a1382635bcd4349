"""Client-side rate limiting: calls wait for a slot instead of being rejected.

A limiter hands out slots for two budgets, the documented ones of the API:
requests (60 per minute per user) and logins (5 per minute per IP; refreshes
draw from it too, so a fleet renewing in a storm cannot lock itself out).
Both built-in limiters keep a sliding log of the slots they gave: at most
`requests` slots in any `per + margin` seconds, so however the server places
its fixed windows, none of them sees more than the budget. The margin covers
the time between taking a slot and the server counting the request.
"""

from __future__ import annotations

import math
import os
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any, Protocol, runtime_checkable

from ._exceptions import APITimeoutError, ConfigurationError
from ._logging import logger

DEFAULT_MAX_WAIT = 60.0
# A server's hint never pauses the fleet for longer than this.
MAX_PAUSE = 300.0


@runtime_checkable
class RateLimiter(Protocol):
    """Anything with `acquire`: called before every request a client sends.

    `acquire` blocks until a slot is free and raises `APITimeoutError` when
    none will be within `timeout` seconds. `login=True` asks for a slot of the
    login budget (login and refresh). The async client calls `acquire_async`
    when the object has it, else `acquire` in a worker thread; it calls
    `pause(seconds)`, when present, when the server says to slow down.
    """

    def acquire(self, *, login: bool = False, timeout: float | None = None) -> None:
        """Wait for a slot for one request (a login or refresh if `login`), up to `timeout` s."""
        ...


class SlidingLog:
    """At most `limit` slots in any `window` seconds (not thread-safe by itself)."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self._given: deque[float] = deque()

    def take(self, now: float) -> float:
        """Take a slot and return 0, or return the seconds until one is free."""
        while self._given and self._given[0] <= now - self.window:
            self._given.popleft()
        if len(self._given) < self.limit:
            self._given.append(now)
            return 0.0
        return self._given[0] + self.window - now


def check_budget(requests: int, per: float, login_requests: int, max_wait: float) -> None:
    # Checked at run time too: these come from callers' configuration.
    if isinstance(requests, bool) or not isinstance(requests, int) or requests < 1:  # pyright: ignore[reportUnnecessaryIsInstance]
        raise ConfigurationError("requests must be a whole number of 1 or more")
    if isinstance(login_requests, bool) or not isinstance(login_requests, int):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise ConfigurationError("login_requests must be a whole number of 1 or more")
    if login_requests < 1:
        raise ConfigurationError("login_requests must be a whole number of 1 or more")
    if not 0 < per < math.inf:
        raise ConfigurationError("per must be a positive number of seconds")
    if not 0 <= max_wait < math.inf:
        raise ConfigurationError("max_wait must be a number of seconds, 0 or more")


def default_margin(per: float) -> float:
    return min(1.0, per * 0.1)


def clamp_pause(seconds: float) -> float:
    if not seconds > 0:
        return 0.0
    return min(float(seconds), MAX_PAUSE)


def pause_from_headers(headers: Mapping[str, str], now: float) -> float | None:
    """Seconds to pause when `X-RateLimit-Remaining` says the budget is spent.

    `X-RateLimit-Reset` is the end of the window in epoch seconds (as the API
    sends it); a small number is taken as seconds from now.
    """
    remaining = headers.get("x-ratelimit-remaining")
    reset = headers.get("x-ratelimit-reset")
    if remaining is None or reset is None:
        return None
    try:
        spent = int(remaining) <= 0
        reset_at = float(reset)
    except ValueError:
        return None
    if not spent or not math.isfinite(reset_at):
        return None
    seconds = reset_at - now if reset_at > 1e9 else reset_at
    return clamp_pause(seconds) or None


class WaitBudget:
    """How long one acquire may still wait, from its timeout or the limiter's cap."""

    def __init__(self, timeout: float | None, max_wait: float) -> None:
        self.limit = max_wait if timeout is None else max(0.0, timeout)
        self.ends_at = time.monotonic() + self.limit

    def check(self, wait: float) -> float:
        """The wait, or APITimeoutError when it would end after the budget."""
        if time.monotonic() + wait > self.ends_at:
            raise APITimeoutError(
                f"No request slot free within {self.limit:g} s (client-side rate limit)"
            )
        return wait


# Objects with locks that a forked child must not inherit held: a lock another
# thread holds at the fork is never released in the child.
_renewed_after_fork: weakref.WeakSet[Any] = weakref.WeakSet()


def renew_locks_after_fork(owner: Any) -> None:
    """Call `owner._after_fork()` in every forked child while `owner` lives."""
    _renewed_after_fork.add(owner)


def _after_fork_in_child() -> None:
    for owner in list(_renewed_after_fork):
        owner._after_fork()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


class LocalRateLimiter:
    """One budget for the threads and coroutines of one process.

    `LocalRateLimiter(requests=60, per=60.0)` is the API's per-user limit.
    Share one instance between the clients that use one account.
    """

    def __init__(
        self,
        requests: int = 60,
        per: float = 60.0,
        *,
        login_requests: int = 5,
        margin: float | None = None,
        max_wait: float = DEFAULT_MAX_WAIT,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        check_budget(requests, per, login_requests, max_wait)
        self.requests = requests
        self.per = float(per)
        self.max_wait = float(max_wait)
        window = self.per + (default_margin(self.per) if margin is None else margin)
        self._clock = clock
        self._lock = threading.Lock()
        renew_locks_after_fork(self)
        self._requests = SlidingLog(requests, window)
        self._logins = SlidingLog(login_requests, window)
        self._paused_until = 0.0

    def __repr__(self) -> str:
        return f"LocalRateLimiter(requests={self.requests}, per={self.per:g})"

    def _after_fork(self) -> None:
        # The child keeps the slots given so far: they were sent, by the parent.
        self._lock = threading.Lock()

    def try_acquire(self, *, login: bool = False) -> float:
        """Take a slot and return 0, or return the seconds to wait before asking again."""
        with self._lock:
            now = self._clock()
            if now < self._paused_until:
                return self._paused_until - now
            return (self._logins if login else self._requests).take(now)

    def acquire(self, *, login: bool = False, timeout: float | None = None) -> None:
        """Wait for a slot for one request (a login or refresh if `login`), up to `timeout` s."""
        budget = WaitBudget(timeout, self.max_wait)
        while (wait := self.try_acquire(login=login)) > 0:
            time.sleep(budget.check(wait))

    async def acquire_async(self, *, login: bool = False, timeout: float | None = None) -> None:
        """`acquire` for coroutines: waits without blocking the event loop."""
        import asyncio  # here, not at import: sync programs never load it

        budget = WaitBudget(timeout, self.max_wait)
        while True:
            wait = self.try_acquire(login=login)
            if wait <= 0:
                return
            await asyncio.sleep(budget.check(wait))

    def pause(self, seconds: float) -> None:
        """Hand out no slot for `seconds` (the server said to wait)."""
        seconds = clamp_pause(seconds)
        if seconds:
            logger.info("Rate limiter paused for %.2f s at the server's request", seconds)
            with self._lock:
                self._paused_until = max(self._paused_until, self._clock() + seconds)


__all__ = ["LocalRateLimiter", "RateLimiter", "pause_from_headers"]
