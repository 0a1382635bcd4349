"""RedisRateLimiter built on an application's client, its budgets during and
after an outage, and how fast both Redis classes give up on a Redis that
does not answer, against a real redis-server and real loopback sockets.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import redis
import redis.exceptions

from nextschool import APITimeoutError, RedisRateLimiter, RedisTokenStore
from nextschool._redis import SOCKET_TIMEOUT
from nextschool.testing.redis_server import RedisServer

# redis-py's own connect and read timeouts are 5 s: a call that took less than
# this ended on the SDK's SOCKET_TIMEOUT, not on redis-py's defaults.
WELL_BEFORE_REDIS_PY_DEFAULTS = 4.0


def _server_now_ms(client: redis.Redis) -> int:
    seconds, micros = client.time()
    return int(seconds) * 1000 + int(micros) // 1000


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


# -- from_client --------------------------------------------------------------


def test_a_limiter_on_an_applications_client_keeps_every_setting(
    redis_server: RedisServer,
) -> None:
    client = redis.Redis.from_url(redis_server.url)
    limiter = RedisRateLimiter.from_client(
        client, requests=2, per=3.0, key="t:app", login_requests=1, margin=2.0, max_wait=0.25
    )
    assert limiter.redis is client
    assert repr(limiter) == "RedisRateLimiter(key='t:app', requests=2, per=3)"
    assert [limiter.try_acquire(), limiter.try_acquire()] == [0.0, 0.0]
    assert limiter.try_acquire(login=True) == 0.0
    # The window is per + margin, in keys of the limiter's own.
    assert 4500 < client.pttl("t:app:requests") <= 5000
    assert 4.5 < limiter.try_acquire() <= 5.0
    assert 4.5 < limiter.try_acquire(login=True) <= 5.0
    # No timeout: the wait is capped by max_wait.
    with pytest.raises(APITimeoutError, match=r"within 0.25 s"):
        limiter.acquire()
    with pytest.raises(APITimeoutError, match=r"within 0 s"):
        limiter.acquire(timeout=0)


def test_a_limiter_on_an_applications_client_has_the_apis_budget_by_default(
    redis_server: RedisServer,
) -> None:
    client = redis.Redis.from_url(redis_server.url, decode_responses=True)
    limiter = RedisRateLimiter.from_client(client)
    assert repr(limiter) == "RedisRateLimiter(key='nextschool:rate', requests=60, per=60)"
    assert [limiter.try_acquire(login=True) for _ in range(5)] == [0.0] * 5
    assert 60.0 < limiter.try_acquire(login=True) <= 61.0
    assert [limiter.try_acquire() for _ in range(60)] == [0.0] * 60
    # The default margin: a tenth of the window, at most one second.
    assert 60_000 < client.pttl("nextschool:rate:requests") <= 61_000
    with pytest.raises(APITimeoutError, match=r"within 60 s"):
        limiter.acquire()  # the oldest slot frees in 61 s: more than max_wait


def test_a_limiter_from_a_url_keeps_its_margin_and_max_wait(redis_server: RedisServer) -> None:
    limiter = RedisRateLimiter(
        redis_server.url, requests=1, per=3.0, margin=2.0, max_wait=0.25, key="t:url"
    )
    assert limiter.try_acquire() == 0.0
    assert 4500 < limiter.redis.pttl("t:url:requests") <= 5000
    with pytest.raises(APITimeoutError, match=r"within 0.25 s"):
        limiter.acquire()


def test_a_wait_is_given_in_seconds_to_the_millisecond(redis_server: RedisServer) -> None:
    limiter = RedisRateLimiter(redis_server.url, key="t:ms")
    # A pause far ahead, written as another process's limiter writes it.
    until = _server_now_ms(limiter.redis) + 1_000_000
    limiter.redis.set("t:ms:pause", until)
    assert 999.5 < limiter.try_acquire() <= 1000.0


# -- outages ------------------------------------------------------------------


def test_during_an_outage_the_fallback_keeps_the_limiters_budgets(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    limiter = RedisRateLimiter(
        redis_server.url, requests=2, per=3.0, margin=2.0, login_requests=1, key="t:budget"
    )
    redis_server.stop()
    with caplog.at_level(logging.WARNING, logger="nextschool"):
        assert limiter.try_acquire(login=True) == 0.0
        # Logins have a budget of their own in the fallback too.
        assert 4.5 < limiter.try_acquire(login=True) <= 5.0
        assert [limiter.try_acquire(), limiter.try_acquire()] == [0.0, 0.0]
        assert 4.5 < limiter.try_acquire() <= 5.0
    assert _warnings(caplog) == [
        "Redis is unreachable (ConnectionError): "
        "rate limiting in this process alone until it is back"
    ]


def test_a_pause_that_cannot_reach_redis_names_the_outage(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    limiter = RedisRateLimiter(redis_server.url, key="t:pause-down")
    redis_server.stop()
    with caplog.at_level(logging.WARNING, logger="nextschool"):
        limiter.pause(2.0)
    assert _warnings(caplog) == [
        "Redis is unreachable (ConnectionError): "
        "rate limiting in this process alone until it is back"
    ]
    assert 1.5 < limiter.try_acquire() <= 2.0  # the fallback holds the pause


def test_each_outage_is_reported_once_and_each_return_once(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="nextschool")
    limiter = RedisRateLimiter(redis_server.url, key="t:twice")
    assert limiter.try_acquire() == 0.0
    assert "shared again" not in caplog.text  # it was never down
    for _ in range(2):
        redis_server.stop()
        limiter.try_acquire()
        limiter.try_acquire()
        redis_server.start()
        limiter.try_acquire()
        limiter.try_acquire()
    messages = [r.getMessage() for r in caplog.records if r.name.startswith("nextschool")]
    down = [m for m in messages if "unreachable" in m]
    back = [m for m in messages if "shared again" in m]
    assert (len(down), len(back)) == (2, 2)


def test_a_limiter_made_while_redis_is_down_reports_the_outage(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    redis_server.stop()
    limiter = RedisRateLimiter(redis_server.url, key="t:born-down")
    with caplog.at_level(logging.WARNING, logger="nextschool"):
        assert limiter.try_acquire() == 0.0
    assert len(_warnings(caplog)) == 1


# -- a Redis that does not answer ---------------------------------------------


class _SilentRedis:
    """A loopback TCP listener that accepts every connection and never answers."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"redis://127.0.0.1:{self._listener.getsockname()[1]}/0"
        self.connections: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return  # closed
            self.connections.append(connection)

    def close(self) -> None:
        self._listener.close()
        for connection in self.connections:
            connection.close()
        self._thread.join(timeout=5)


@contextmanager
def _silent_redis() -> Iterator[_SilentRedis]:
    server = _SilentRedis()
    try:
        yield server
    finally:
        server.close()


@contextmanager
def _redis_that_never_accepts() -> Iterator[str]:
    """A listener whose backlog is full: a connection attempt gets no answer at all."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    queued = socket.create_connection(("127.0.0.1", port), timeout=5)
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        queued.close()
        listener.close()


def _timed(call: object) -> tuple[object, float]:
    """`call()`'s result (or exception) and how long it took, run in a thread that
    must end: a call that hangs fails the test instead of hanging it."""
    assert callable(call)
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(call())
        except Exception as exc:
            outcome.append(exc)

    started = time.monotonic()
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout=30)
    assert not thread.is_alive(), "the call hung on a Redis that does not answer"
    return outcome[0], time.monotonic() - started


def test_a_limiter_on_a_silent_redis_falls_back_after_one_attempt(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with _silent_redis() as silent, caplog.at_level(logging.WARNING, logger="nextschool"):
        limiter = RedisRateLimiter(silent.url, key="t:silent")
        result, took = _timed(limiter.try_acquire)
        connections = len(silent.connections)
    assert result == 0.0  # a slot of the in-process budget
    assert connections == 1  # no retry
    assert SOCKET_TIMEOUT * 0.9 <= took < WELL_BEFORE_REDIS_PY_DEFAULTS
    assert _warnings(caplog) == [
        "Redis is unreachable (TimeoutError): rate limiting in this process alone until it is back"
    ]


def test_a_token_store_on_a_silent_redis_raises_after_one_attempt() -> None:
    with _silent_redis() as silent:
        store = RedisTokenStore(silent.url, key="t:silent")
        result, took = _timed(store.load)
        connections = len(silent.connections)
    assert isinstance(result, redis.exceptions.TimeoutError)
    assert connections == 1
    assert SOCKET_TIMEOUT * 0.9 <= took < WELL_BEFORE_REDIS_PY_DEFAULTS


def test_a_redis_that_never_accepts_is_given_up_on_within_the_socket_timeout(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with _redis_that_never_accepts() as url, caplog.at_level(logging.WARNING, logger="nextschool"):
        limiter = RedisRateLimiter(url, key="t:backlog")
        result, took = _timed(limiter.try_acquire)
    assert result == 0.0
    assert SOCKET_TIMEOUT * 0.9 <= took < WELL_BEFORE_REDIS_PY_DEFAULTS
    assert len(_warnings(caplog)) == 1


# -- the renewal lock ---------------------------------------------------------


def test_a_lock_freed_after_the_wait_ran_out_is_not_taken(redis_server: RedisServer) -> None:
    holder = RedisTokenStore(redis_server.url, key="t:late")
    hold = holder.lock()
    hold.__enter__()
    releaser = threading.Timer(0.8, hold.__exit__, args=(None, None, None))
    releaser.start()
    try:
        store = RedisTokenStore(redis_server.url, key="t:late")
        with pytest.raises(TimeoutError), store.lock(0.2):
            pass
    finally:
        releaser.join()
    with RedisTokenStore(redis_server.url, key="t:late").lock(0.5):
        pass  # free once the holder let go
