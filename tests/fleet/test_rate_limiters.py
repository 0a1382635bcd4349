"""The built-in rate limiters: a sliding budget in one process, and in Redis for a fleet."""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
import threading
import time

import pytest

from nextschool import (
    APITimeoutError,
    ConfigurationError,
    LocalRateLimiter,
    RateLimiter,
    RedisRateLimiter,
)
from nextschool.testing.redis_server import RedisServer


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_local_limiter_gives_the_budget_then_the_wait_for_the_oldest_slot() -> None:
    clock = FakeClock()
    limiter = LocalRateLimiter(3, 6.0, margin=0.5, clock=clock)
    assert [limiter.try_acquire() for _ in range(3)] == [0.0, 0.0, 0.0]
    clock.now += 2.0
    assert limiter.try_acquire() == pytest.approx(4.5)  # 6 s + margin after the first slot
    clock.now += 4.5
    assert [limiter.try_acquire() for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.try_acquire() == pytest.approx(6.5)


def test_logins_have_their_own_budget() -> None:
    clock = FakeClock()
    limiter = LocalRateLimiter(100, 60.0, login_requests=2, clock=clock)
    assert limiter.try_acquire(login=True) == 0.0
    assert limiter.try_acquire(login=True) == 0.0
    assert limiter.try_acquire(login=True) > 0
    assert limiter.try_acquire() == 0.0


def test_a_pause_holds_every_slot_and_only_ever_grows() -> None:
    clock = FakeClock()
    limiter = LocalRateLimiter(100, 60.0, clock=clock)
    limiter.pause(5.0)
    limiter.pause(1.0)
    assert limiter.try_acquire() == pytest.approx(5.0)
    assert limiter.try_acquire(login=True) == pytest.approx(5.0)
    clock.now += 5.0
    assert limiter.try_acquire() == 0.0


def test_acquire_waits_for_a_slot_within_its_timeout() -> None:
    limiter = LocalRateLimiter(2, 0.3, margin=0.0)
    started = time.monotonic()
    for _ in range(4):
        limiter.acquire(timeout=5.0)
    assert 0.25 <= time.monotonic() - started < 3.0
    full = LocalRateLimiter(1, 60.0)
    full.acquire()
    started = time.monotonic()
    with pytest.raises(APITimeoutError, match=r"within 0.5 s \(client-side rate limit\)"):
        full.acquire(timeout=0.5)
    assert time.monotonic() - started < 0.4  # no pointless sleep before giving up


def test_threads_and_coroutines_share_one_budget() -> None:
    limiter = LocalRateLimiter(40, 60.0)
    granted: list[int] = []

    def grab() -> None:
        granted.extend(1 for _ in range(20) if limiter.try_acquire() == 0.0)

    threads = [threading.Thread(target=grab) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(granted) == 40

    async def many() -> None:
        fresh = LocalRateLimiter(5, 0.4, margin=0.0)
        started = time.monotonic()
        await asyncio.gather(*(fresh.acquire_async(timeout=5.0) for _ in range(10)))
        assert time.monotonic() - started >= 0.35

    asyncio.run(many())


@pytest.mark.parametrize(
    "kwargs",
    [
        {"requests": 0},
        {"requests": True},
        {"requests": 2.5},
        {"per": 0},
        {"per": float("nan")},
        {"login_requests": 0},
        {"max_wait": -1},
    ],
)
def test_bad_budgets_are_configuration_errors(kwargs: dict[str, object]) -> None:
    with pytest.raises(ConfigurationError):
        LocalRateLimiter(**kwargs)  # type: ignore[arg-type]


def test_the_built_in_limiters_are_rate_limiters() -> None:
    assert isinstance(LocalRateLimiter(), RateLimiter)


# -- Redis -------------------------------------------------------------------


def test_redis_limiter_is_atomic_across_instances_and_threads(redis_server: RedisServer) -> None:
    # Eight "hosts", each with a client of its own, hammering one key.
    limiters = [
        RedisRateLimiter(redis_server.url, requests=50, per=30.0, key="t:atomic") for _ in range(8)
    ]
    granted: list[int] = []
    lock = threading.Lock()

    def grab(limiter: RedisRateLimiter) -> None:
        mine = sum(1 for _ in range(25) if limiter.try_acquire() == 0.0)
        with lock:
            granted.append(mine)

    threads = [threading.Thread(target=grab, args=(limiter,)) for limiter in limiters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(granted) == 50
    wait = limiters[0].try_acquire()
    assert 30.0 <= wait <= 33.5  # until the oldest slot leaves the window


def test_redis_limiter_slots_free_up_after_the_window(redis_server: RedisServer) -> None:
    limiter = RedisRateLimiter(redis_server.url, requests=3, per=0.4, margin=0.0, key="t:w")
    started = time.monotonic()
    for _ in range(6):
        limiter.acquire(timeout=5.0)
    assert time.monotonic() - started >= 0.35
    full = RedisRateLimiter(redis_server.url, requests=1, per=60.0, key="t:full")
    full.acquire(timeout=0.0)
    with pytest.raises(APITimeoutError):
        full.acquire(timeout=0.0)


def test_a_pause_reaches_every_process_on_the_key(redis_server: RedisServer) -> None:
    one = RedisRateLimiter(redis_server.url, key="t:pause")
    other = RedisRateLimiter(redis_server.url, key="t:pause")
    separate = RedisRateLimiter(redis_server.url, key="t:elsewhere")
    one.pause(2.0)
    assert 1.5 < other.try_acquire() <= 2.0
    assert 1.5 < other.try_acquire(login=True) <= 2.0
    assert separate.try_acquire() == 0.0


def test_async_acquire_does_not_block_the_loop(redis_server: RedisServer) -> None:
    limiter = RedisRateLimiter(redis_server.url, requests=2, per=0.5, margin=0.0, key="t:async")

    async def run() -> int:
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        task = asyncio.create_task(ticker())
        await asyncio.gather(*(limiter.acquire_async(timeout=5.0) for _ in range(4)))
        task.cancel()
        return ticks

    assert asyncio.run(run()) >= 20  # the loop kept running through ~0.5 s of waiting


def test_redis_down_falls_back_in_process_with_one_warning(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="nextschool")
    limiter = RedisRateLimiter(redis_server.url, requests=3, per=60.0, key="t:down")
    assert limiter.try_acquire() == 0.0
    redis_server.stop()
    # The fallback budget is a process's own: it starts full.
    assert [limiter.try_acquire() for _ in range(4)][:3] == [0.0, 0.0, 0.0]
    limiter.pause(0.01)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "unreachable" in warnings[0].getMessage()
    redis_server.start()  # an empty Redis: the shared budget is back, and full
    assert limiter.try_acquire() == 0.0
    assert "shared again" in caplog.text


def test_redis_classes_need_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "redis", None)
    from nextschool import RedisTokenStore

    for make in (
        lambda: RedisRateLimiter("redis://127.0.0.1:1/0"),
        lambda: RedisTokenStore("redis://127.0.0.1:1/0"),
        lambda: RedisTokenStore.from_client(object()),
        lambda: RedisRateLimiter.from_client(object()),
    ):
        with pytest.raises(ConfigurationError, match=r'pip install "nextschool\[redis\]"'):
            make()


def test_nextschool_imports_without_redis_or_filelock() -> None:
    code = (
        "import sys; sys.modules['redis'] = None; sys.modules['filelock'] = None\n"
        "import nextschool\n"
        "assert 'redis' not in [m for m in sys.modules if sys.modules[m] is not None]\n"
        "print('ok')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.stdout.strip() == "ok", result.stderr
