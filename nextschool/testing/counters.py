"""Counters that tests read while the server runs in another thread."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Literal

Counter = Literal[
    "logins",
    "login_attempts",
    "refreshes",
    "refresh_attempts",
    "logouts",
    "expired_token_requests",
    "unauthenticated_responses",
    "rate_limited_global",
    "rate_limited_login",
    "rate_limited_user",
]


@dataclass(frozen=True)
class CountersSnapshot:
    """The server's counters at one moment (see `ServerCounters`)."""

    logins: int = 0
    login_attempts: int = 0
    refreshes: int = 0
    refresh_attempts: int = 0
    logouts: int = 0
    requests_total: int = 0
    requests_by_operation: dict[str, int] = field(default_factory=dict[str, int])
    expired_token_requests: int = 0
    unauthenticated_responses: int = 0
    in_flight: int = 0
    peak_concurrency: int = 0
    rate_limited_global: int = 0
    rate_limited_login: int = 0
    rate_limited_user: int = 0
    connections: int = 0

    @property
    def rate_limited(self) -> int:
        return self.rate_limited_global + self.rate_limited_login + self.rate_limited_user


ANONYMOUS_OPERATION = "<anonymous>"


class ServerCounters:
    """What the server has seen.

    - `logins` / `refreshes`: successful ones; `*_attempts`: every call of the
      mutation, including failed and rate-limited ones.
    - `logouts`: every logout call.
    - `requests_total`: every HTTP request, whatever its method or outcome.
    - `requests_by_operation`: requests per operation name (from
      `operationName`, else the document's single operation; anonymous
      operations count as "<anonymous>"), including requests answered by an
      injected fault or a rate limit.
    - `expired_token_requests`: requests whose bearer token was correctly
      signed but past its precise lifetime.
    - `unauthenticated_responses`: responses carrying UNAUTHENTICATED.
    - `in_flight` / `peak_concurrency`: requests being handled now / at most.
    - `rate_limited_global` / `_login` / `_user`: requests refused by each
      rate-limit layer (per IP, login attempts per IP, per user);
      `rate_limited` is their sum. Faults injected by the controls are not
      counted here.
    - `connections`: distinct client connections (address and port) that
      sent requests: a client that keeps its connection alive counts one.

    Reads of single ints are atomic; use `snapshot()` for a consistent set.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_operation: dict[str, int] = {}
        self.logins: int = 0
        self.login_attempts: int = 0
        self.refreshes: int = 0
        self.refresh_attempts: int = 0
        self.logouts: int = 0
        self.requests_total: int = 0
        self.expired_token_requests: int = 0
        self.unauthenticated_responses: int = 0
        self.in_flight: int = 0
        self.peak_concurrency: int = 0
        self.rate_limited_global: int = 0
        self.rate_limited_login: int = 0
        self.rate_limited_user: int = 0
        self._client_addresses: set[tuple[str, int]] = set()

    @property
    def connections(self) -> int:
        with self._lock:
            return len(self._client_addresses)

    @property
    def rate_limited(self) -> int:
        return self.rate_limited_global + self.rate_limited_login + self.rate_limited_user

    @property
    def requests_by_operation(self) -> dict[str, int]:
        with self._lock:
            return dict(self._by_operation)

    def snapshot(self) -> CountersSnapshot:
        """All counters, read together."""
        with self._lock:
            return CountersSnapshot(
                logins=self.logins,
                login_attempts=self.login_attempts,
                refreshes=self.refreshes,
                refresh_attempts=self.refresh_attempts,
                logouts=self.logouts,
                requests_total=self.requests_total,
                requests_by_operation=dict(self._by_operation),
                expired_token_requests=self.expired_token_requests,
                unauthenticated_responses=self.unauthenticated_responses,
                in_flight=self.in_flight,
                peak_concurrency=self.peak_concurrency,
                rate_limited_global=self.rate_limited_global,
                rate_limited_login=self.rate_limited_login,
                rate_limited_user=self.rate_limited_user,
                connections=len(self._client_addresses),
            )

    def reset(self) -> None:
        """Set every counter back to zero."""
        with self._lock:
            self._by_operation.clear()
            self.logins = self.login_attempts = 0
            self.refreshes = self.refresh_attempts = 0
            self.logouts = self.requests_total = 0
            self.expired_token_requests = self.unauthenticated_responses = 0
            self.rate_limited_global = self.rate_limited_login = self.rate_limited_user = 0
            self._client_addresses.clear()
            # Requests still running keep counting down, so in_flight stays.
            self.peak_concurrency = self.in_flight

    # The methods below are the server's side.

    def request_started(self, client: tuple[str, int] | None = None) -> None:
        """Count a request from `client` (its address and port) and mark it in flight."""
        with self._lock:
            if client is not None:
                self._client_addresses.add(client)
            self.requests_total += 1
            self.in_flight += 1
            self.peak_concurrency = max(self.peak_concurrency, self.in_flight)

    def request_finished(self) -> None:
        """Mark a request as no longer in flight."""
        with self._lock:
            self.in_flight -= 1

    def operation(self, name: str | None) -> None:
        """Count one request for the operation `name` (anonymous when None)."""
        key = name or ANONYMOUS_OPERATION
        with self._lock:
            self._by_operation[key] = self._by_operation.get(key, 0) + 1

    def add(self, counter: Counter, amount: int = 1) -> None:
        """Add `amount` to `counter`."""
        with self._lock:
            setattr(self, counter, getattr(self, counter) + amount)
