"""Knobs that tests turn while the server runs in another thread."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Literal, get_args

from nextschool.testing.ratelimit import FixedWindowLimiter
from nextschool.testing.tokens import TokenStore

FailureKind = Literal[
    "http_500", "http_502", "http_503", "html", "malformed_json", "drop_connection"
]
RateLimitMode = Literal["http", "graphql"]
FAILURE_KINDS: frozenset[str] = frozenset(get_args(FailureKind))
RATE_LIMIT_MODES: frozenset[str] = frozenset(get_args(RateLimitMode))


@dataclass(slots=True)
class Fault:
    """One queued fault. `kind` is a FailureKind or "rate_limit"."""

    kind: str
    remaining: int
    operation: str | None = None
    mode: str = "http"
    retry_after: int = 1


class HeldRequests:
    """Requests the server keeps unanswered until `release()`.

    Tests synchronise on these events instead of on delays: wait until the
    requests have arrived, do what must happen meanwhile, then release them.
    """

    # A forgotten hold must not keep a server thread forever.
    MAX_HOLD_SECONDS = 60.0

    def __init__(self, n: int, operation: str | None) -> None:
        self.operation = operation
        self._remaining = n
        self._arrived = 0
        self._condition = threading.Condition()
        self._released = threading.Event()

    @property
    def arrived(self) -> int:
        with self._condition:
            return self._arrived

    def wait_until_arrived(self, count: int = 1, timeout: float = 10.0) -> None:
        """Block until `count` held requests have reached the server."""
        with self._condition:
            if not self._condition.wait_for(lambda: self._arrived >= count, timeout):
                raise TimeoutError(f"{self._arrived} of {count} held requests arrived")

    def release(self) -> None:
        """Let every held request, and any later one this hold catches, go on."""
        self._released.set()

    @property
    def released(self) -> bool:
        return self._released.is_set()

    def claim(self, operation: str | None) -> bool:
        """The server's side: whether this request is one to hold (counts it)."""
        with self._condition:
            if self._remaining == 0 or self.operation not in (None, operation):
                return False
            self._remaining -= 1
            self._arrived += 1
            self._condition.notify_all()
            return True

    def wait_for_release(self) -> bool:
        """The server's side, run in a worker thread: True once released."""
        return self._released.wait(self.MAX_HOLD_SECONDS)


class ServerControls:
    """Fault injection and token revocation for one server.

    `reject_all_tokens`, `auth_failure_status` and `delay` are plain
    attributes: assigning them is atomic and the server reads them per request.
    """

    def __init__(self, tokens: TokenStore, limiters: tuple[FixedWindowLimiter, ...]) -> None:
        self._tokens = tokens
        self._limiters = limiters
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._holds: list[HeldRequests] = []
        self.reject_all_tokens: bool = False
        self.auth_failure_status: int = 200
        self.delay: float = 0.0

    def revoke_access_tokens(self) -> None:
        """Reject every access token issued before this call."""
        self._tokens.revoke_access_tokens()

    def revoke_refresh_tokens(self) -> None:
        """Make every existing refresh token invalid."""
        self._tokens.revoke_refresh_tokens()

    def fail_next(self, n: int, kind: str, operation: str | None = None) -> None:
        """Answer the next `n` requests (of `operation` only, if given) with a fault.

        Kinds: "http_500", "http_502", "http_503" (plain-text error body),
        "html" (HTTP 502 with a proxy's HTML page), "malformed_json" (HTTP 200,
        a body that is not JSON), "drop_connection" (headers promise a body,
        the connection closes part-way through it).
        """
        if kind not in FAILURE_KINDS:
            raise ValueError(f"unknown failure kind {kind!r}; use one of {sorted(FAILURE_KINDS)}")
        self._queue(Fault(kind, _count(n), operation))

    def rate_limit_next(
        self,
        n: int,
        mode: str = "http",
        retry_after: int = 1,
        operation: str | None = None,
    ) -> None:
        """Rate-limit the next `n` requests (of `operation` only, if given).

        "http": HTTP 429 with Retry-After and X-RateLimit-* headers.
        "graphql": HTTP 200 with a RATE_LIMITED error carrying retryAfter.
        """
        if mode not in RATE_LIMIT_MODES:
            raise ValueError(f"unknown rate limit mode {mode!r}; use 'http' or 'graphql'")
        if retry_after < 0:
            raise ValueError("retry_after must not be negative")
        self._queue(Fault("rate_limit", _count(n), operation, mode, retry_after))

    def hold_next(self, n: int, operation: str | None = None) -> HeldRequests:
        """Hold the next `n` requests (of `operation` only, if given) until released.

        A held request is answered, fault and all, only after `release()`; the
        returned handle tells when the held requests have arrived.
        """
        hold = HeldRequests(_count(n), operation)
        with self._lock:
            self._holds.append(hold)
        return hold

    def take_hold(self, operation: str | None) -> HeldRequests | None:
        """The server's side: the hold this request falls under, if any."""
        with self._lock:
            for hold in self._holds:
                if hold.claim(operation):
                    return hold
        return None

    def release_held(self) -> None:
        """Release every held request and stop holding new ones."""
        with self._lock:
            holds, self._holds = self._holds, []
        for hold in holds:
            hold.release()

    def reset(self) -> None:
        """Clear queued faults, release held requests and restore every knob's default.

        Revocations stay in force: they are facts about issued tokens, not faults.
        """
        with self._lock:
            self._faults.clear()
        self.release_held()
        self.reject_all_tokens = False
        self.auth_failure_status = 200
        self.delay = 0.0

    def reset_rate_limits(self) -> None:
        """Forget every request counted by the real rate limits."""
        for limiter in self._limiters:
            limiter.reset()

    @property
    def pending_faults(self) -> int:
        with self._lock:
            return sum(f.remaining for f in self._faults)

    def take_fault(self, operation: str | None) -> Fault | None:
        """The server's side: consume the first queued fault matching `operation`."""
        with self._lock:
            for fault in self._faults:
                if fault.operation is None or fault.operation == operation:
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def _queue(self, fault: Fault) -> None:
        if fault.remaining:
            with self._lock:
                self._faults.append(fault)


def _count(n: int) -> int:
    if n < 0:
        raise ValueError("n must not be negative")
    return n
