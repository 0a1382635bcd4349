"""Clients with a rate limiter, over HTTP: waiting for slots, and learning from the server."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import pytest

from nextschool import (
    APITimeoutError,
    AsyncNextSchool,
    ConfigurationError,
    LocalRateLimiter,
    NextSchool,
    RateLimitError,
)
from nextschool.testing import (
    DEMO_PASSWORD,
    DEMO_USERNAME,
    LocalServer,
    ServerSettings,
    run_local_server,
)

Start = Callable[..., LocalServer]


@pytest.fixture
def start() -> Iterator[Start]:
    with ExitStack() as stack:

        def start_server(**settings: Any) -> LocalServer:
            return stack.enter_context(run_local_server(ServerSettings(**settings)))

        yield start_server


def test_a_rejection_pauses_every_client_on_the_limiter(start: Start) -> None:
    server = start(user_limit_per_minute=2, rate_limit_window=2.0)
    token = server.issue_tokens().access_token
    limiter = LocalRateLimiter(requests=100, per=60.0)  # more than the server allows
    with NextSchool(server.url, access_token=token, rate_limiter=limiter, max_retries=0) as one:
        one.students(limit=1)
        one.students(limit=1)
        with pytest.raises(RateLimitError) as caught:
            one.students(limit=1)
    assert caught.value.retry_after is not None
    started = time.monotonic()
    with NextSchool(server.url, access_token=token, rate_limiter=limiter) as other:
        assert len(other.students(limit=1)) == 1
    # The other client waited out the pause instead of being rejected itself.
    assert time.monotonic() - started >= caught.value.retry_after - 1.1
    assert server.counters.rate_limited_user == 1


def test_a_spent_budget_in_the_headers_pauses_before_any_rejection(start: Start) -> None:
    server = start(global_limit_per_minute=3, rate_limit_window=2.0)
    token = server.issue_tokens().access_token
    limiter = LocalRateLimiter(requests=100, per=60.0)
    with NextSchool(server.url, access_token=token, rate_limiter=limiter) as client:
        for _ in range(6):
            assert len(client.students(limit=1)) == 1
    assert server.counters.rate_limited == 0
    assert server.counters.requests_by_operation["Students"] == 6

    # Without the limiter the same calls meet the limit.
    server.controls.reset_rate_limits()
    with NextSchool(server.url, access_token=token, max_retries=0) as client:
        for _ in range(3):
            client.students(limit=1)
        with pytest.raises(RateLimitError):
            client.students(limit=1)
    assert server.counters.rate_limited_global == 1


def test_logins_wait_for_the_login_budget(start: Start) -> None:
    server = start(rate_limits=False)
    limiter = LocalRateLimiter(login_requests=1, per=1.0, margin=0.0)
    with NextSchool(
        server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, rate_limiter=limiter
    ) as client:
        started = time.monotonic()
        client.login()
        client.refresh_token()  # refresh draws from the login budget too
        client.login()
        assert time.monotonic() - started >= 1.9
        assert len(client.students(limit=1)) == 1  # data calls have their own budget
    assert (server.counters.logins, server.counters.refreshes) == (2, 1)


def test_waiting_for_a_slot_respects_the_call_deadline(start: Start) -> None:
    server = start(rate_limits=False)
    token = server.issue_tokens().access_token
    limiter = LocalRateLimiter(requests=1, per=60.0)
    with NextSchool(server.url, access_token=token, rate_limiter=limiter, deadline=0.5) as client:
        client.students(limit=1)
        started = time.monotonic()
        with pytest.raises(APITimeoutError):
            client.students(limit=1)
        assert time.monotonic() - started < 0.5
    assert server.counters.requests_by_operation["Students"] == 1


async def test_the_async_client_takes_a_blocking_limiter_in_a_thread(start: Start) -> None:
    server = start(rate_limits=False)

    class CountingLimiter:
        def __init__(self) -> None:
            self.threads: set[int] = set()

        def acquire(self, *, login: bool = False, timeout: float | None = None) -> None:
            self.threads.add(threading.get_ident())

    limiter = CountingLimiter()
    async with AsyncNextSchool(
        server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, rate_limiter=limiter
    ) as client:
        await client.students(limit=1)
    assert limiter.threads and threading.get_ident() not in limiter.threads


async def test_async_clients_share_a_local_limiter(start: Start) -> None:
    server = start(rate_limits=False)
    token = server.issue_tokens().access_token
    limiter = LocalRateLimiter(requests=3, per=0.5, margin=0.0)
    async with AsyncNextSchool(server.url, access_token=token, rate_limiter=limiter) as client:
        started = time.monotonic()
        for _ in range(7):
            await client.students(limit=1)
        assert time.monotonic() - started >= 0.95  # 3 now, 3 at 0.5 s, 1 at 1 s


def test_a_rate_limiter_needs_an_acquire_method(start: Start) -> None:
    with pytest.raises(ConfigurationError) as caught:
        NextSchool("http://127.0.0.1:9/", rate_limiter=object())  # type: ignore[arg-type]
    assert str(caught.value) == "rate_limiter must have an acquire() method"
