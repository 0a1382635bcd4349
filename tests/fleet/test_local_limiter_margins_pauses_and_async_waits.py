"""LocalRateLimiter at its edges: the default margin, which pauses count, and async waits.

Also which rate-limit headers of an answer make a rate-limited client pause.

Stepped clocks where the answer is a number of seconds; the async waits use
budgets that are spent, so nothing here depends on how fast the machine is.
"""

from __future__ import annotations

import asyncio
import math
from typing import Any

import httpx
import pytest

from nextschool import APITimeoutError, ConfigurationError, LocalRateLimiter
from nextschool._ratelimit import pause_from_headers


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(
    ("per", "wait"),
    [
        (60.0, 61.0),  # a tenth of a minute is six seconds: capped at one
        (20.0, 21.0),
        (5.0, 5.5),  # a tenth of the window
        (0.5, 0.55),
    ],
)
def test_the_default_margin_is_a_tenth_of_the_window_at_most_one_second(
    per: float, wait: float
) -> None:
    limiter = LocalRateLimiter(1, per, clock=FakeClock())
    assert limiter.try_acquire() == 0.0
    assert limiter.try_acquire() == pytest.approx(wait)


@pytest.mark.parametrize(("asked", "paused"), [(0.5, 0.5), (2.0, 2.0), (10_000.0, 300.0)])
def test_a_pause_lasts_what_the_server_asked_up_to_five_minutes(
    asked: float, paused: float
) -> None:
    limiter = LocalRateLimiter(100, 60.0, clock=FakeClock())
    limiter.pause(asked)
    assert limiter.try_acquire() == pytest.approx(paused)


@pytest.mark.parametrize("asked", [0.0, -3.0, float("nan"), float("-inf")])
def test_a_pause_of_nothing_or_nonsense_pauses_nothing(asked: float) -> None:
    limiter = LocalRateLimiter(100, 60.0, clock=FakeClock())
    limiter.pause(asked)
    assert limiter.try_acquire() == 0.0


def test_the_first_slot_after_a_pause_is_taken_from_the_budget() -> None:
    clock = FakeClock()
    limiter = LocalRateLimiter(1, 60.0, margin=0.0, clock=clock)
    limiter.pause(5.0)
    clock.now += 5.0  # the very moment the pause ends
    assert limiter.try_acquire() == 0.0
    assert limiter.try_acquire() == pytest.approx(60.0)


def test_an_async_wait_gives_up_within_its_own_timeout() -> None:
    limiter = LocalRateLimiter(1, 60.0, max_wait=30.0)
    limiter.try_acquire()

    async def acquire() -> None:
        await limiter.acquire_async(timeout=0.5)

    with pytest.raises(APITimeoutError, match=r"within 0.5 s \(client-side rate limit\)"):
        asyncio.run(acquire())


def test_an_async_wait_without_a_timeout_gives_up_after_the_limiters_cap() -> None:
    limiter = LocalRateLimiter(1, 60.0, max_wait=30.0)
    limiter.try_acquire()

    async def acquire() -> None:
        await limiter.acquire_async()

    with pytest.raises(APITimeoutError, match=r"within 30 s \(client-side rate limit\)"):
        asyncio.run(acquire())


def test_an_async_login_draws_from_the_login_budget() -> None:
    limiter = LocalRateLimiter(100, 60.0, login_requests=1)

    async def logins() -> None:
        await limiter.acquire_async(login=True, timeout=0)
        await limiter.acquire_async(timeout=0)  # the request budget is untouched
        with pytest.raises(APITimeoutError):
            await limiter.acquire_async(login=True, timeout=0)

    asyncio.run(logins())


NOW = 1_800_000_000.0


@pytest.mark.parametrize(
    ("headers", "pause"),
    [
        ({"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "12"}, 12.0),
        ({"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(NOW + 20)}, 20.0),
        ({"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(NOW + 9999)}, 300.0),
        ({"X-RateLimit-Remaining": "3", "X-RateLimit-Reset": "12"}, None),
        ({"X-RateLimit-Remaining": "1", "X-RateLimit-Reset": "12"}, None),  # one left
        ({"X-RateLimit-Remaining": "-1", "X-RateLimit-Reset": "12"}, 12.0),
        # Up to 1e9 a reset is seconds from now (then capped); beyond, epoch seconds.
        ({"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1000000000"}, 300.0),
        ({"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1000000000.5"}, None),
        ({"X-RateLimit-Remaining": "0"}, None),  # when to resume is not said: no pause
        ({"X-RateLimit-Reset": "12"}, None),
        ({"X-RateLimit-Remaining": "none", "X-RateLimit-Reset": "12"}, None),
        ({"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "inf"}, None),
        ({"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(NOW - 5)}, None),
    ],
)
def test_a_pause_is_read_from_the_headers_only_when_they_say_both_things(
    headers: dict[str, str], pause: float | None
) -> None:
    assert pause_from_headers(httpx.Headers(headers), NOW) == pause


WHOLE = "must be a whole number of 1 or more"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"requests": 0}, "requests " + WHOLE),
        ({"requests": True}, "requests " + WHOLE),
        ({"requests": 2.5}, "requests " + WHOLE),
        ({"login_requests": 0}, "login_requests " + WHOLE),
        ({"login_requests": True}, "login_requests " + WHOLE),
        ({"login_requests": 2.5}, "login_requests " + WHOLE),
        ({"login_requests": "5"}, "login_requests " + WHOLE),
        ({"per": 0}, "per must be a positive number of seconds"),
        ({"per": -1.0}, "per must be a positive number of seconds"),
        ({"per": math.inf}, "per must be a positive number of seconds"),
        ({"per": math.nan}, "per must be a positive number of seconds"),
        ({"max_wait": -0.5}, "max_wait must be a number of seconds, 0 or more"),
        ({"max_wait": math.inf}, "max_wait must be a number of seconds, 0 or more"),
    ],
)
def test_a_bad_budget_is_refused_with_what_is_wrong(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        LocalRateLimiter(**kwargs)
    assert str(caught.value) == message


def test_a_limiter_that_never_waits_is_allowed() -> None:
    limiter = LocalRateLimiter(1, 60.0, max_wait=0)
    limiter.acquire()
    with pytest.raises(APITimeoutError, match="within 0 s"):
        limiter.acquire()


def test_the_default_budget_is_the_apis_documented_one() -> None:
    clock = FakeClock()
    limiter = LocalRateLimiter(clock=clock)
    assert repr(limiter) == "LocalRateLimiter(requests=60, per=60)"
    assert [limiter.try_acquire(login=True) for _ in range(5)] == [0.0] * 5
    assert limiter.try_acquire(login=True) == pytest.approx(61.0)
    assert [limiter.try_acquire() for _ in range(60)] == [0.0] * 60
    assert limiter.try_acquire() == pytest.approx(61.0)


def test_a_new_limiter_is_not_paused_whatever_its_clock_reads() -> None:
    limiter = LocalRateLimiter(clock=lambda: 0.0)
    assert limiter.try_acquire() == 0.0
