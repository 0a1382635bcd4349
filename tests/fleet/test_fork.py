"""Locks of the rate limiters and the shared session after os.fork().

A lock another thread holds at the moment of a fork is never released in the
child; the child must get fresh ones, as the clients do.
"""

from __future__ import annotations

import os

import pytest
from testkit.forking import fork, wait

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


def test_a_forked_child_gets_fresh_limiter_locks(redis_server: RedisServer) -> None:
    local = LocalRateLimiter()
    shared = RedisRateLimiter(redis_server.url, key="t:fork")
    session = SharedSession(MemoryTokenStore(), "http://127.0.0.1:9/")
    held = [local._lock, shared._down_lock, shared._fallback._lock, session._down_lock]
    for lock in held:
        lock.acquire()  # as if another thread were inside at the fork
    try:

        def child() -> int:
            assert local.try_acquire() == 0.0
            assert shared.try_acquire() == 0.0
            shared._went_down(OSError())
            shared._came_back()
            session.unavailable(OSError(), "read")
            session.available()
            return 0

        assert wait(fork(child), 20.0) == 0
    finally:
        for lock in held:
            lock.release()
