"""Locks of the rate limiters and the shared session after os.fork().

A lock another thread holds at the moment of a fork is never released in the
child; the child must get fresh ones, as the clients do.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable

import pytest

from nextschool import LocalRateLimiter, RedisRateLimiter
from nextschool.auth._shared import SharedSession
from nextschool.auth._store import MemoryTokenStore
from nextschool.testing.redis_server import RedisServer

pytestmark = [
    pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork"),
    # pytest-timeout's thread makes this process multi-threaded; the child
    # only takes locks, which is what the fork support is for.
    pytest.mark.filterwarnings("ignore:This process .* fork:DeprecationWarning"),
]


def _in_child(work: Callable[[], None], timeout: float = 20.0) -> int | None:
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        code = 3
        try:
            work()
            code = 0
        finally:
            os._exit(code)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.02)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return None


def test_a_forked_child_gets_fresh_limiter_locks(redis_server: RedisServer) -> None:
    local = LocalRateLimiter()
    shared = RedisRateLimiter(redis_server.url, key="t:fork")
    session = SharedSession(MemoryTokenStore(), "http://127.0.0.1:9/")
    held = [local._lock, shared._down_lock, shared._fallback._lock, session._down_lock]
    for lock in held:
        lock.acquire()  # as if another thread were inside at the fork
    try:

        def child() -> None:
            assert local.try_acquire() == 0.0
            assert shared.try_acquire() == 0.0
            shared._went_down(OSError())
            shared._came_back()
            session.unavailable(OSError(), "read")
            session.available()

        assert _in_child(child) == 0
    finally:
        for lock in held:
            lock.release()
