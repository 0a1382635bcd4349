"""RedisTokenStore and RedisRateLimiter at their edges, against a real redis-server.

What a key may hold, what the lock says and does when it cannot be had or has
expired, how a limiter's budget and pauses are laid out in Redis, and what
is refused at construction.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import threading
import time
from typing import Any

import pytest

from nextschool import (
    APITimeoutError,
    ConfigurationError,
    RedisRateLimiter,
    RedisTokenStore,
    StoredTokens,
)
from nextschool.testing.redis_server import RedisServer

URL = "https://api.example.org/"


@pytest.mark.parametrize(
    ("fields", "refresh_token", "expires_at"),
    [
        ({"refresh_token": "r1", "access_expires_at": 1_800_000_000}, "r1", 1_800_000_000.0),
        ({"refresh_token": 7, "access_expires_at": True}, None, None),
        ({"access_expires_at": "1800000000"}, None, None),
    ],
)
def test_fields_of_the_wrong_type_in_the_key_are_left_out(
    redis_server: RedisServer,
    fields: dict[str, object],
    refresh_token: str | None,
    expires_at: float | None,
) -> None:
    store = RedisTokenStore(redis_server.url, key="t:fields")
    store.redis.set("t:fields", json.dumps({"access_token": "a1", "url": URL, **fields}))
    loaded = store.load()
    assert loaded == StoredTokens("a1", refresh_token, expires_at, URL)
    assert loaded is not None
    assert type(loaded.access_expires_at) is type(expires_at)


@pytest.mark.parametrize(
    ("content", "warning"),
    [
        ({"access_token": 5, "url": URL}, "unexpected content"),
        (["a1", URL], "unexpected content"),
        ({"access_token": "a1", "url": ""}, "name no API URL"),
        ({"access_token": "a1", "url": 5}, "name no API URL"),
    ],
)
def test_unusable_tokens_in_the_key_are_ignored_with_a_warning(
    redis_server: RedisServer, content: object, warning: str, caplog: pytest.LogCaptureFixture
) -> None:
    store = RedisTokenStore(redis_server.url, key="t:bad")
    store.redis.set("t:bad", json.dumps(content))
    with caplog.at_level(logging.WARNING, logger="nextschool"):
        assert store.load() is None
    assert warning in caplog.text
    assert "t:bad" in caplog.text


def test_the_store_and_limiter_show_their_keys_and_budgets(redis_server: RedisServer) -> None:
    assert repr(RedisTokenStore(redis_server.url, key="t:r")) == "RedisTokenStore(key='t:r')"
    limiter = RedisRateLimiter(redis_server.url, requests=7, per=2.5, key="t:r")
    assert repr(limiter) == "RedisRateLimiter(key='t:r', requests=7, per=2.5)"
    assert repr(RedisRateLimiter(redis_server.url)) == (
        "RedisRateLimiter(key='nextschool:rate', requests=60, per=60)"
    )


@pytest.mark.parametrize(
    ("own", "asked", "waited"),
    [(0.3, None, "0.3"), (0.3, 5.0, "0.3"), (5.0, 0.2, "0.2"), (5.0, -1.0, "0")],
)
def test_a_held_lock_is_waited_for_the_shorter_of_the_two_timeouts(
    redis_server: RedisServer, own: float, asked: float | None, waited: str
) -> None:
    holder = RedisTokenStore(redis_server.url, key="t:held")
    with holder.lock():
        store = RedisTokenStore(redis_server.url, key="t:held", lock_timeout=own)
        with pytest.raises(TimeoutError) as caught, store.lock(asked):
            pass
    assert str(caught.value) == f"the renewal lock t:held:lock was held for more than {waited} s"
    with RedisTokenStore(redis_server.url, key="t:held").lock(0.5):
        pass  # free again once the holder let go


def test_the_lock_lasts_the_stores_lock_timeout(redis_server: RedisServer) -> None:
    store = RedisTokenStore(redis_server.url, key="t:ttl", lock_timeout=7.0)
    with store.lock():
        ttl = store.redis.pttl("t:ttl:lock")
    assert 6000 < ttl <= 7000


def test_the_lock_may_be_released_by_another_thread(redis_server: RedisServer) -> None:
    store = RedisTokenStore(redis_server.url, key="t:threads")
    hold = store.lock()
    hold.__enter__()
    released: list[BaseException | None] = []

    def release() -> None:
        try:
            hold.__exit__(None, None, None)
            released.append(None)
        except BaseException as exc:  # reported below, not lost in the thread
            released.append(exc)

    thread = threading.Thread(target=release)
    thread.start()
    thread.join()
    assert released == [None]
    assert store.redis.exists("t:threads:lock") == 0


def test_a_lock_that_expired_while_held_is_let_go_with_a_warning(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    store = RedisTokenStore(redis_server.url, key="t:expired")
    with caplog.at_level(logging.WARNING, logger="nextschool"), store.lock():
        store.redis.delete("t:expired:lock")  # as when lock_timeout ran out mid-renewal
        with RedisTokenStore(redis_server.url, key="t:expired").lock(0.5):
            pass  # another process could take it meanwhile
    assert "The renewal lock t:expired:lock expired before it was released" in caplog.text


@pytest.mark.parametrize("lock_timeout", [0, -1.0, math.inf, math.nan])
def test_the_lock_timeout_must_be_a_positive_number_of_seconds(
    redis_server: RedisServer, lock_timeout: float
) -> None:
    with pytest.raises(ConfigurationError) as caught:
        RedisTokenStore(redis_server.url, lock_timeout=lock_timeout)
    assert str(caught.value) == "lock_timeout must be a positive number of seconds"


def test_keys_and_urls_are_checked(redis_server: RedisServer) -> None:
    for make in (
        lambda: RedisTokenStore(redis_server.url, key=""),
        lambda: RedisRateLimiter(redis_server.url, key=""),
    ):
        with pytest.raises(ConfigurationError) as caught:
            make()
        assert str(caught.value) == "key must be a non-empty string"
    for url in ("", 5):
        with pytest.raises(ConfigurationError) as caught:
            RedisTokenStore(url)  # type: ignore[arg-type]
        assert str(caught.value) == ("url must be a Redis URL such as redis://localhost:6379/0")
    with pytest.raises(ConfigurationError, match=r"^Not a usable Redis URL: "):
        RedisTokenStore("http://127.0.0.1:1/0")


def test_the_limiter_keeps_its_slots_in_keys_of_its_own(redis_server: RedisServer) -> None:
    limiter = RedisRateLimiter(
        redis_server.url, requests=2, per=3.0, margin=0.5, login_requests=1, key="t:keys"
    )
    assert limiter.try_acquire() == 0.0
    assert limiter.try_acquire(login=True) == 0.0
    assert limiter.redis.zcard("t:keys:requests") == 1
    assert limiter.redis.zcard("t:keys:login") == 1
    # Each log expires with the window: per + margin.
    assert 3000 < limiter.redis.pttl("t:keys:requests") <= 3500
    assert limiter.try_acquire() == 0.0
    assert 3.0 < limiter.try_acquire() <= 3.5
    assert 3.0 < limiter.try_acquire(login=True) <= 3.5


def test_the_default_redis_budget_is_the_apis_documented_one(redis_server: RedisServer) -> None:
    limiter = RedisRateLimiter(redis_server.url, key="t:defaults")
    assert [limiter.try_acquire(login=True) for _ in range(5)] == [0.0] * 5
    assert 60.0 < limiter.try_acquire(login=True) <= 61.0
    assert [limiter.try_acquire() for _ in range(60)] == [0.0] * 60
    assert 60.0 < limiter.try_acquire() <= 61.0


@pytest.mark.parametrize(("asked", "millis"), [(0.0004, 1), (2.5, 2500), (10_000.0, 300_000)])
def test_a_pause_is_kept_in_redis_for_as_long_as_asked_up_to_five_minutes(
    redis_server: RedisServer, asked: float, millis: int
) -> None:
    limiter = RedisRateLimiter(redis_server.url, key="t:p")
    started = time.monotonic()
    limiter.pause(asked)
    ttl = limiter.redis.pttl("t:p:pause")
    # A loaded machine may stall between the write and the read: allow for it.
    slack_ms = max(100.0, (time.monotonic() - started) * 1000)
    assert millis - slack_ms < ttl <= millis


@pytest.mark.parametrize("asked", [0.0, -1.0, math.nan])
def test_a_pause_of_nothing_touches_nothing(redis_server: RedisServer, asked: float) -> None:
    limiter = RedisRateLimiter(redis_server.url, key="t:none")
    limiter.pause(asked)
    assert limiter.redis.exists("t:none:pause") == 0
    assert limiter.try_acquire() == 0.0


def test_an_async_wait_on_a_spent_shared_budget_gives_up_within_its_timeout(
    redis_server: RedisServer,
) -> None:
    limiter = RedisRateLimiter(redis_server.url, requests=1, login_requests=1, key="t:async")
    limiter.try_acquire()

    async def acquire(**kwargs: Any) -> None:
        await limiter.acquire_async(**kwargs)

    with pytest.raises(APITimeoutError, match=r"within 0.5 s"):
        asyncio.run(acquire(timeout=0.5))
    asyncio.run(acquire(login=True, timeout=0))  # the login budget is untouched
    with pytest.raises(APITimeoutError, match=r"within 0 s"):
        asyncio.run(acquire(login=True, timeout=0))


def test_an_async_wait_without_a_timeout_gives_up_after_the_shared_limiters_cap(
    redis_server: RedisServer,
) -> None:
    limiter = RedisRateLimiter(redis_server.url, requests=1, max_wait=0.25, key="t:async-cap")
    limiter.try_acquire()
    with pytest.raises(APITimeoutError, match=r"within 0.25 s \(client-side rate limit\)"):
        asyncio.run(limiter.acquire_async())


@pytest.mark.parametrize(
    ("per", "margin", "window_ms"),
    [(0.0004, 0.0, 1), (0.0016, 0.0, 2), (2.5, 0.25, 2750)],
)
def test_the_window_goes_to_redis_in_whole_milliseconds_and_never_as_zero(
    redis_server: RedisServer, per: float, margin: float, window_ms: int
) -> None:
    # Redis keeps time in milliseconds; a window of 0 would let every call through.
    limiter = RedisRateLimiter(redis_server.url, requests=1, per=per, margin=margin, key="t:w")
    limiter.redis.config_set("slowlog-log-slower-than", 0)  # log every command it runs
    limiter.redis.slowlog_reset()
    assert limiter.try_acquire() == 0.0
    scripts = [
        entry["command"].split()
        for entry in limiter.redis.slowlog_get(10)
        if entry["command"].startswith((b"EVALSHA", b"EVAL "))
    ]
    # EVALSHA, and EVAL when the script was not loaded yet: each with KEYS (the
    # log, the pause), then ARGV (the limit, the window, the member).
    assert scripts
    assert {tuple(args[3:6]) for args in scripts} == {(b"t:w:requests", b"t:w:pause", b"1")}
    assert {int(args[6]) for args in scripts} == {window_ms}
