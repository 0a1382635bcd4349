"""An async caller cancelled while it waits for a shared store's renewal lock:
the lock its worker thread takes afterwards is released all the same, so the
fleet is not blocked until the lock expires. Against a real redis-server."""

from __future__ import annotations

import asyncio
import time

import pytest

from nextschool import AsyncNextSchool, RedisTokenStore
from nextschool.testing import DEMO_PASSWORD, DEMO_USERNAME, LocalServer
from nextschool.testing.redis_server import RedisServer

# Long enough that a lock left held would outlast the test by far.
LOCK_TIMEOUT = 60.0


def _commands_run(store: RedisTokenStore, *commands: str) -> int:
    """How many times the Redis server has run these commands."""
    stats = store.redis.info("commandstats")
    return sum(int(stats.get(f"cmdstat_{name}", {}).get("calls", 0)) for name in commands)


def _lock_attempts(store: RedisTokenStore) -> int:
    """Each try at the lock is one SET."""
    return _commands_run(store, "set")


def _scripts_run(store: RedisTokenStore) -> int:
    """redis-py releases a lock with one Lua script."""
    return _commands_run(store, "eval", "evalsha")


async def _until(condition: object, seconds: float = 30.0) -> None:
    assert callable(condition)
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


@pytest.mark.parametrize("call", ["login", "students"])
async def test_a_caller_cancelled_while_waiting_for_the_lock_leaves_it_free(
    server: LocalServer, redis_server: RedisServer, call: str
) -> None:
    store = RedisTokenStore(redis_server.url, key="t:cancel", lock_timeout=LOCK_TIMEOUT)
    holder = store.lock()
    holder.__enter__()  # another process is renewing
    client = AsyncNextSchool(
        server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, token_store=store
    )
    async with client:
        before = _lock_attempts(store)
        waiting = asyncio.ensure_future(
            client.login() if call == "login" else client.students(limit=1)
        )
        # Its worker thread is trying for the lock, again and again.
        await _until(lambda: _lock_attempts(store) >= before + 2)
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        # The holder finishes; the worker thread then takes the lock for a
        # caller that is gone, and must give it back. Waiting for that release
        # (not racing the worker for the lock) is what proves it.
        scripts = _scripts_run(store)
        await asyncio.to_thread(holder.__exit__, None, None, None)
        await _until(lambda: _scripts_run(store) >= scripts + 2)  # its release, then the worker's
        other = RedisTokenStore(redis_server.url, key="t:cancel", lock_timeout=LOCK_TIMEOUT)

        def take_and_release() -> None:
            with other.lock(5.0):
                pass

        await asyncio.to_thread(take_and_release)
        # And the client itself carries on, under the same lock.
        assert len(await client.students(limit=1)) == 1
    assert server.counters.logins == 1
