"""The shared token stores on their own: content, and the renewal lock across processes."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
from pathlib import Path

import pytest

from nextschool import FileTokenStore, RedisTokenStore, SharedTokenStore, StoredTokens
from nextschool.testing.redis_server import RedisServer

URL = "http://127.0.0.1:9/"
TOKENS = StoredTokens("a.b.c", "refresh-value", 4102444800.0, URL)


def _hold_file_lock(path: str, ready: multiprocessing.synchronize.Event) -> None:
    with FileTokenStore(path).lock():
        ready.set()
        time.sleep(60)


def test_stores_are_shared_token_stores(tmp_path: Path, redis_server: RedisServer) -> None:
    assert isinstance(FileTokenStore(tmp_path / "t.json"), SharedTokenStore)
    assert isinstance(RedisTokenStore(redis_server.url), SharedTokenStore)


def test_file_lock_excludes_threads_and_times_out(tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path / "tokens.json", lock_timeout=0.3)
    inside = 0
    peak = 0
    guard = threading.Lock()

    def work() -> None:
        nonlocal inside, peak
        for _ in range(5):
            with FileTokenStore(store.path).lock():
                with guard:
                    inside += 1
                    peak = max(peak, inside)
                time.sleep(0.002)
                with guard:
                    inside -= 1

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert peak == 1

    with store.lock():
        started = time.monotonic()
        with pytest.raises(TimeoutError, match=r"held for more than 0\.3 s"), store.lock():
            pass
        assert 0.25 < time.monotonic() - started < 2.0
    assert (tmp_path / "tokens.json.lock").stat().st_mode & 0o077 == 0


def test_a_killed_file_lock_holder_leaves_nothing_locked(tmp_path: Path) -> None:
    path = str(tmp_path / "tokens.json")
    context = multiprocessing.get_context("spawn")
    ready = context.Event()
    holder = context.Process(target=_hold_file_lock, args=(path, ready))
    holder.start()
    try:
        assert ready.wait(30)
        with pytest.raises(TimeoutError):  # it really holds the lock
            FileTokenStore(path, lock_timeout=0.2).lock().__enter__()
        assert holder.pid is not None
        os.kill(holder.pid, signal.SIGKILL)
        holder.join(10)
        started = time.monotonic()
        with FileTokenStore(path, lock_timeout=5).lock():
            assert time.monotonic() - started < 3.0  # at once, however busy the machine
    finally:
        if holder.is_alive():
            holder.kill()
            holder.join()


def test_redis_store_round_trips_and_names_its_api(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    store = RedisTokenStore(redis_server.url, key="t:tokens")
    assert store.load() is None
    store.save(TOKENS)
    assert RedisTokenStore(redis_server.url, key="t:tokens").load() == TOKENS
    assert RedisTokenStore(redis_server.url, key="t:other").load() is None
    store.save(StoredTokens("a.b.c", "r", None, None))
    assert store.load() is None
    assert "name no API URL" in caplog.text
    store.redis.set("t:tokens", b"\xff not json")
    assert store.load() is None
    store.save(None)
    assert store.redis.exists("t:tokens") == 0
    assert "refresh-value" not in repr(store) and "a.b.c" not in caplog.text


def test_redis_store_from_an_existing_client(redis_server: RedisServer) -> None:
    import redis

    client = redis.Redis.from_url(redis_server.url, decode_responses=True)
    store = RedisTokenStore.from_client(client, key="t:mine")
    store.save(TOKENS)
    assert store.load() == TOKENS
    assert RedisTokenStore(redis_server.url, key="t:mine").load() == TOKENS
    client.close()


def test_redis_lock_excludes_and_expires_after_a_crashed_holder(
    redis_server: RedisServer,
) -> None:
    store = RedisTokenStore(redis_server.url, key="t:lock", lock_timeout=1.0)
    crashed = store.lock()
    crashed.__enter__()  # a holder that dies without releasing
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        store.lock(timeout=0.2).__enter__()
    with RedisTokenStore(redis_server.url, key="t:lock").lock(timeout=5.0):
        waited = time.monotonic() - started
    assert 0.8 < waited < 3.5  # about the lock's own timeout, not the caller's 5 s
    assert store.redis.exists("t:lock:lock") == 0  # nothing left locked


def test_bad_redis_arguments_are_configuration_errors(redis_server: RedisServer) -> None:
    from nextschool import ConfigurationError

    with pytest.raises(ConfigurationError):
        RedisTokenStore("not a url")
    with pytest.raises(ConfigurationError):
        RedisTokenStore(redis_server.url, key="")
    with pytest.raises(ConfigurationError):
        RedisTokenStore(redis_server.url, lock_timeout=0)


def test_without_filelock_the_file_store_works_alone_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from nextschool.auth._file_store import FileRenewalLock

    monkeypatch.setitem(sys.modules, "filelock", None)
    monkeypatch.setattr(FileRenewalLock, "_warned_missing", False)
    store = FileTokenStore(tmp_path / "tokens.json")
    for _ in range(3):
        with store.lock():
            store.save(TOKENS)
    assert store.load() == TOKENS
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1
    assert 'pip install "nextschool[filelock]"' in warnings[0]
