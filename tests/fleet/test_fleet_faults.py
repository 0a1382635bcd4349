"""Faults of the shared parts: a lock holder killed mid-refresh, Redis going away and back."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from nextschool import (
    AsyncNextSchool,
    FileTokenStore,
    NextSchool,
    RedisRateLimiter,
    RedisTokenStore,
    SharedTokenStore,
)
from nextschool.testing import (
    DEMO_PASSWORD,
    DEMO_USERNAME,
    LocalServer,
    ServerSettings,
    run_local_server,
)
from nextschool.testing.redis_server import RedisServer

REDIS_LOCK_TIMEOUT = 2.0

# A process that starts a refresh under the shared lock and never finishes it.
RENEWING_CHILD = """
import sys
from nextschool import FileTokenStore, NextSchool, RedisTokenStore
url, kind, where, lock_timeout = sys.argv[1:5]
if kind == "file":
    store = FileTokenStore(where)
else:
    store = RedisTokenStore(where, key="t:kill", lock_timeout=float(lock_timeout))
with NextSchool(url, token_store=store) as client:
    client.refresh_token()
"""


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with run_local_server(ServerSettings(rate_limits=False, access_token_ttl=1.0)) as running:
        yield running


def _wait_until(condition: Callable[[], bool], seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def _file_lock_held(path: Path) -> bool:
    try:
        with FileTokenStore(path, lock_timeout=0.01).lock():
            return False
    except TimeoutError:
        return True


@pytest.mark.parametrize("kind", ["file", "redis"])
def test_killing_the_lock_holder_mid_refresh_blocks_nobody_for_long(
    kind: str, server: LocalServer, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    path = tmp_path / "tokens.json"
    redis_store: RedisTokenStore | None = None
    if kind == "redis":
        redis_server: RedisServer = request.getfixturevalue("redis_server")
        where = redis_server.url
        redis_store = RedisTokenStore(where, key="t:kill")
        make_store: Callable[[], SharedTokenStore] = lambda: RedisTokenStore(  # noqa: E731
            where, key="t:kill", lock_timeout=REDIS_LOCK_TIMEOUT
        )
    else:
        where = str(path)
        make_store = lambda: FileTokenStore(path)  # noqa: E731
    with NextSchool(
        server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, token_store=make_store()
    ) as first:
        first.login()

    server.controls.delay = 5.0  # the child's refresh hangs at the server
    child = subprocess.Popen(
        [sys.executable, "-c", RENEWING_CHILD, server.url, kind, where, str(REDIS_LOCK_TIMEOUT)]
    )
    try:
        if kind == "file":
            _wait_until(lambda: _file_lock_held(path))
        else:
            assert redis_store is not None
            held = redis_store
            _wait_until(lambda: bool(held.redis.exists("t:kill:lock")))
        _wait_until(lambda: server.counters.in_flight >= 1)
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
        killed_at = time.monotonic()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    server.controls.delay = 0.0

    with NextSchool(
        server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, token_store=make_store()
    ) as other:
        other.refresh_token()
        assert len(other.students(limit=1)) == 1
    waited = time.monotonic() - killed_at
    # A file lock dies with its process; a Redis lock when its timeout runs out.
    assert waited < (1.5 if kind == "file" else REDIS_LOCK_TIMEOUT + 1.5)
    assert server.counters.logins == 1
    if kind == "file":
        assert not _file_lock_held(path)
    else:
        assert redis_store is not None
        assert redis_store.redis.exists("t:kill:lock") == 0


def _store_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno == logging.WARNING and r.name.startswith("nextschool")
    ]


def test_redis_stopped_mid_run_keeps_calls_working_and_sharing_resumes(
    server: LocalServer, redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    def store() -> RedisTokenStore:
        return RedisTokenStore(redis_server.url, key="t:outage")

    limiter = RedisRateLimiter(redis_server.url, requests=1000, per=1.0, key="t:outage-rate")
    with NextSchool(
        server.url,
        username=DEMO_USERNAME,
        password=DEMO_PASSWORD,
        token_store=store(),
        rate_limiter=limiter,
    ) as client:
        assert len(client.students(limit=1)) == 1
        redis_server.stop()
        until = time.monotonic() + 2.5  # more than two token lifetimes
        while time.monotonic() < until:
            assert len(client.students(limit=1)) == 1
            time.sleep(0.05)
        assert server.counters.refreshes >= 2  # renewed in-process meanwhile
        warnings = _store_warnings(caplog)
        assert len(warnings) == 2, warnings  # one for the session, one for the budget
        assert any("shared token store" in message for message in warnings)
        assert any("rate limiting in this process" in message for message in warnings)

        redis_server.start()  # back, and empty
        until = time.monotonic() + 1.5
        while time.monotonic() < until:
            assert len(client.students(limit=1)) == 1
            time.sleep(0.05)
        saved = store().load()
        assert saved is not None
        assert client.tokens is not None and saved.access_token == client.tokens.access_token

    # Another process, without credentials: the shared session is enough.
    with NextSchool(server.url, token_store=store()) as other:
        assert len(other.students(limit=1)) == 1
    assert server.counters.logins == 1
    assert len(_store_warnings(caplog)) == 2


async def test_the_async_client_shares_a_session_through_redis(
    server: LocalServer, redis_server: RedisServer
) -> None:
    def store() -> RedisTokenStore:
        return RedisTokenStore(redis_server.url, key="t:async")

    async with (
        AsyncNextSchool(
            server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, token_store=store()
        ) as first,
        AsyncNextSchool(
            server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, token_store=store()
        ) as second,
    ):
        await first.students(limit=1)
        await second.students(limit=1)
        await asyncio.sleep(1.2)  # the access token expires
        await first.students(limit=1)
        await second.students(limit=1)  # adopts the token the first one refreshed
    assert (server.counters.logins, server.counters.refreshes) == (1, 1)
