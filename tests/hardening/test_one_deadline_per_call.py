"""Item 4: one deadline per call, covering renewal, retries and backoff sleeps.

A refresh answer that trickles in one byte at a time defeats a per-read
timeout; the call's deadline still ends it. Callers waiting for someone
else's renewal are bounded by their own deadline.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import pytest

from nextschool import APITimeoutError, AsyncNextSchool, NextSchool, RateLimitError
from nextschool.auth import _core
from nextschool.testing import DEMO_PASSWORD, DEMO_USERNAME, LocalServer

from ._hostile_proxy import HostileProxy, Trickle

SLACK = 1.5  # scheduling on a loaded two-core machine


def _timed(call: object) -> tuple[float, BaseException | None]:
    started = time.monotonic()
    try:
        call()  # type: ignore[operator]
    except Exception as error:
        return time.monotonic() - started, error
    return time.monotonic() - started, None


def test_a_trickling_refresh_ends_at_the_deadline_for_leader_and_waiters(
    server: LocalServer, proxy: HostileProxy
) -> None:
    with NextSchool(
        proxy.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, timeout=1.0, deadline=2.0
    ) as client:
        client.login()
        proxy.always("RefreshToken", Trickle(0.5))
        server.controls.revoke_access_tokens()
        with ThreadPoolExecutor(max_workers=5) as pool:
            outcomes = list(pool.map(lambda _: _timed(lambda: client.students(limit=1)), range(5)))
    for elapsed, error in outcomes:
        assert isinstance(error, APITimeoutError)
        assert elapsed < 2.0 + SLACK
    _assert_the_callers_timeouts([error for _, error in outcomes], "Students")


async def test_async_trickling_refresh_ends_at_the_deadline(
    server: LocalServer, proxy: HostileProxy
) -> None:
    async with AsyncNextSchool(
        proxy.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, timeout=1.0
    ) as client:
        await client.login()
        proxy.always("RefreshToken", Trickle(0.5))
        server.controls.revoke_access_tokens()
        loop = asyncio.get_running_loop()
        started = loop.time()
        outcomes = await asyncio.gather(
            *(client.teachers(limit=1, deadline=2.0) for _ in range(10)),
            return_exceptions=True,
        )
        elapsed = loop.time() - started
    assert [type(outcome) for outcome in outcomes] == [APITimeoutError] * 10
    assert elapsed < 2.0 + SLACK
    _assert_the_callers_timeouts(outcomes, "Teachers")


def _assert_the_callers_timeouts(errors: Sequence[object], operation: str) -> None:
    """Every caller's error names its own operation, never the refresh made for it;
    the leader's says that the deadline ended while it renewed the session."""
    timeouts = [error for error in errors if isinstance(error, APITimeoutError)]
    assert len(timeouts) == len(errors)
    assert {error.operation for error in timeouts} == {operation}
    messages = {str(error) for error in timeouts}
    leaders = (
        f"{operation} did not complete within its deadline: it ended while renewing the session"
    )
    assert leaders in messages
    assert not any("RefreshToken" in message for message in messages)


def test_a_waiter_is_bounded_by_its_own_deadline_not_the_leaders(
    server: LocalServer, proxy: HostileProxy
) -> None:
    with NextSchool(proxy.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as client:
        client.login()
        proxy.always("RefreshToken", Trickle(0.5))
        server.controls.revoke_access_tokens()
        leader = threading.Thread(
            target=lambda: _timed(lambda: client.students(limit=1, deadline=8.0))
        )
        leader.start()
        while proxy.count("RefreshToken") == 0:
            time.sleep(0.01)
        elapsed, error = _timed(lambda: client.students(limit=1, deadline=1.0))
        assert isinstance(error, APITimeoutError)
        assert elapsed < 1.0 + SLACK
        assert leader.is_alive()  # still within its own, longer deadline
        proxy.stopping.set()
        leader.join(10)


def test_a_retry_that_cannot_end_before_the_deadline_is_not_attempted(
    server: LocalServer,
) -> None:
    with NextSchool(
        server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, deadline=1.0
    ) as client:
        client.login()
        server.controls.rate_limit_next(1, mode="graphql", retry_after=5)
        elapsed, error = _timed(lambda: client.students(limit=1))
    assert isinstance(error, RateLimitError)
    assert error.retry_after == 5
    assert elapsed < 1.0


@pytest.mark.parametrize("deadline", [0, -1.0, float("nan")])
def test_a_deadline_must_be_positive(server: LocalServer, deadline: float) -> None:
    from nextschool import ConfigurationError

    with pytest.raises(ConfigurationError):
        NextSchool(server.url, deadline=deadline)


def test_a_per_call_timeout_applies_to_the_renewal_it_triggers(
    server: LocalServer, proxy: HostileProxy
) -> None:
    with NextSchool(proxy.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as client:
        client.login()
        proxy.always("RefreshToken", Trickle(30.0))  # headers at once, then a stall
        server.controls.revoke_access_tokens()
        elapsed, error = _timed(lambda: client.students(limit=1, timeout=0.5))
        proxy.stopping.set()
    assert isinstance(error, APITimeoutError)
    assert elapsed < 0.5 + SLACK
    # The caller's operation timed out, not the refresh it did not ask for.
    assert error.operation == "Students"
    assert str(error).startswith("Students timed out while renewing the session")


class _ClockPastDeadlinesUnderTheRenewalLock:
    """`time` for the clients' core: an hour later while the renewal lock is held.

    A deadline that ends just as the lock is taken (after the wait for it, before
    the store's lock) otherwise lasts microseconds, too short for a real clock.
    """

    def __init__(self, lock: threading.Lock | asyncio.Lock) -> None:
        self.lock = lock

    def monotonic(self) -> float:
        return time.monotonic() + (3600.0 if self.lock.locked() else 0.0)

    def __getattr__(self, name: str) -> object:
        return getattr(time, name)


def test_a_deadline_that_ends_as_the_renewal_lock_is_taken_names_the_call(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    with NextSchool(server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as client:
        clock = _ClockPastDeadlinesUnderTheRenewalLock(client._connections.renewal_lock)
        monkeypatch.setattr(_core, "time", clock)
        with pytest.raises(APITimeoutError) as caught:
            client.students(limit=1, deadline=30.0)
    assert caught.value.operation == "Students"
    assert str(caught.value).startswith("Students did not complete within its deadline")
    assert "Login" not in server.counters.requests_by_operation  # given up before logging in


async def test_async_deadline_that_ends_as_the_renewal_lock_is_taken_names_the_call(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with AsyncNextSchool(
        server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD
    ) as client:
        clock = _ClockPastDeadlinesUnderTheRenewalLock(client._connections.renewal_lock)
        monkeypatch.setattr(_core, "time", clock)
        with pytest.raises(APITimeoutError) as caught:
            await client.students(limit=1, deadline=30.0)
    assert caught.value.operation == "Students"
    assert str(caught.value).startswith("Students did not complete within its deadline")
    assert "Login" not in server.counters.requests_by_operation
