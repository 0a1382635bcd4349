"""One session and one rate budget for processes on many hosts, kept in Redis.

Needs the `nextschool[redis]` extra (redis-py). Both classes take a Redis URL
or, through `from_client`, a `redis.Redis` the application already has.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from types import ModuleType, TracebackType
from typing import Any

from ._exceptions import ConfigurationError
from ._json import json_object
from ._logging import logger
from ._ratelimit import (
    DEFAULT_MAX_WAIT,
    LocalRateLimiter,
    WaitBudget,
    check_budget,
    clamp_pause,
    default_margin,
    renew_locks_after_fork,
)
from .auth._file_store import cap_timeout
from .auth._tokens import StoredTokens

DEFAULT_TOKEN_KEY = "nextschool:tokens"  # noqa: S105 - a key name, not a secret
DEFAULT_RATE_KEY = "nextschool:rate"
DEFAULT_LOCK_TIMEOUT = 10.0
# A Redis that does not answer within this is treated as down.
SOCKET_TIMEOUT = 2.0
_INSTALL_HINT = 'Redis support needs the redis extra: pip install "nextschool[redis]"'


def _redis_module() -> ModuleType:
    try:
        import redis
    except ImportError:
        raise ConfigurationError(_INSTALL_HINT) from None
    return redis


def _client_from_url(url: str) -> Any:
    redis = _redis_module()
    if not isinstance(url, str) or not url:  # pyright: ignore[reportUnnecessaryIsInstance]
        raise ConfigurationError("url must be a Redis URL such as redis://localhost:6379/0")
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    try:
        return redis.Redis.from_url(
            url,
            socket_timeout=SOCKET_TIMEOUT,
            socket_connect_timeout=SOCKET_TIMEOUT,
            # Fail fast while Redis is down: the caller falls back in-process
            # rather than waiting through redis-py's retries on every call.
            retry=Retry(NoBackoff(), 0),
        )
    except ValueError as exc:
        raise ConfigurationError(f"Not a usable Redis URL: {exc}") from None


class RedisTokenStore:
    """The session's tokens in one Redis key, shared by every process that uses it.

    Renewal happens under a Redis lock (`<key>:lock`) that expires after
    `lock_timeout` seconds, so a holder that crashed blocks the fleet no
    longer than that. The tokens are stored as they are: protect the Redis
    server as you would the password.
    """

    def __init__(
        self,
        url: str,
        *,
        key: str = DEFAULT_TOKEN_KEY,
        lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    ) -> None:
        self._init(_client_from_url(url), key, lock_timeout)

    @classmethod
    def from_client(
        cls,
        client: Any,
        *,
        key: str = DEFAULT_TOKEN_KEY,
        lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    ) -> RedisTokenStore:
        """Use a `redis.Redis` the application already has (sync client, any decoding)."""
        _redis_module()
        store = cls.__new__(cls)
        store._init(client, key, lock_timeout)
        return store

    def _init(self, client: Any, key: str, lock_timeout: float) -> None:
        if not isinstance(key, str) or not key:  # pyright: ignore[reportUnnecessaryIsInstance]
            raise ConfigurationError("key must be a non-empty string")
        if not 0 < lock_timeout < float("inf"):
            raise ConfigurationError("lock_timeout must be a positive number of seconds")
        self.redis = client
        self.key = key
        self.lock_timeout = float(lock_timeout)

    def __repr__(self) -> str:
        return f"RedisTokenStore(key={self.key!r})"

    def load(self) -> StoredTokens | None:
        """The tokens in the Redis key; None when it is missing or does not name an API URL."""
        raw = self.redis.get(self.key)
        if raw is None:
            return None
        try:
            content = json_object(json.loads(raw))
        except (ValueError, TypeError, RecursionError):
            content = None
        if content is None or not isinstance(content.get("access_token"), str):
            logger.warning("Ignoring the tokens in Redis key %s: unexpected content", self.key)
            return None
        url = content.get("url")
        if not isinstance(url, str) or not url:
            logger.warning("Ignoring the tokens in Redis key %s: they name no API URL", self.key)
            return None
        refresh_token = content.get("refresh_token")
        expires_at = content.get("access_expires_at")
        return StoredTokens(
            content["access_token"],
            refresh_token if isinstance(refresh_token, str) else None,
            float(expires_at)
            if isinstance(expires_at, (int, float)) and not isinstance(expires_at, bool)
            else None,
            url,
        )

    def save(self, tokens: StoredTokens | None) -> None:
        """Store `tokens` in the Redis key; None deletes it."""
        if tokens is None:
            self.redis.delete(self.key)
            return
        self.redis.set(
            self.key,
            json.dumps(
                {
                    "access_token": tokens.access_token,
                    "refresh_token": tokens.refresh_token,
                    "access_expires_at": tokens.access_expires_at,
                    "url": tokens.url,
                }
            ),
        )

    def lock(self, timeout: float | None = None) -> RedisRenewalLock:
        """The fleet-wide renewal lock, for `with store.lock(): ...`."""
        return RedisRenewalLock(self, cap_timeout(self.lock_timeout, timeout))


class RedisRenewalLock:
    """One hold of the renewal lock (redis-py's Lock: a token in a key with a TTL).

    Not thread-local, so the async client may release it from another worker
    thread than the one that took it.
    """

    def __init__(self, store: RedisTokenStore, timeout: float) -> None:
        self._lock = store.redis.lock(
            f"{store.key}:lock",
            timeout=store.lock_timeout,
            sleep=0.02,
            blocking_timeout=max(0.0, timeout),
            thread_local=False,
        )
        self._name = f"{store.key}:lock"
        self._timeout = timeout

    def __enter__(self) -> RedisRenewalLock:
        if not self._lock.acquire():
            raise TimeoutError(
                f"the renewal lock {self._name} was held for more than {self._timeout:g} s"
            )
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        redis = _redis_module()
        try:
            self._lock.release()
        except redis.exceptions.LockError:
            # It expired while held (a renewal slower than lock_timeout), and
            # another process may hold it now: nothing of ours to release.
            logger.warning("The renewal lock %s expired before it was released", self._name)


# Sliding log of slots in a sorted set, on the Redis server's clock so hosts
# with skewed clocks share one timeline. Returns 0 for a slot taken, else the
# milliseconds to wait. KEYS: log, pause. ARGV: limit, window ms, member.
_TAKE_SLOT = """
if redis.replicate_commands then pcall(redis.replicate_commands) end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local paused = tonumber(redis.call('GET', KEYS[2]) or '0')
if paused > now then return paused - now end
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window - now)
"""

# KEYS: pause. ARGV: milliseconds. Extends a pause, never shortens it.
_PAUSE = """
if redis.replicate_commands then pcall(redis.replicate_commands) end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ms = tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if now + ms > current then
  redis.call('SET', KEYS[1], now + ms, 'PX', ms)
end
return 1
"""


class RedisRateLimiter:
    """One request budget shared by every process that uses the same Redis key.

    `RedisRateLimiter(url, requests=60, per=60.0)` is the API's per-user
    limit for a fleet on one account. While Redis is down, each process falls
    back to a budget of its own (one warning), and shares again once it is back.
    """

    def __init__(
        self,
        url: str,
        *,
        requests: int = 60,
        per: float = 60.0,
        key: str = DEFAULT_RATE_KEY,
        login_requests: int = 5,
        margin: float | None = None,
        max_wait: float = DEFAULT_MAX_WAIT,
    ) -> None:
        self._init(_client_from_url(url), requests, per, key, login_requests, margin, max_wait)

    @classmethod
    def from_client(
        cls,
        client: Any,
        *,
        requests: int = 60,
        per: float = 60.0,
        key: str = DEFAULT_RATE_KEY,
        login_requests: int = 5,
        margin: float | None = None,
        max_wait: float = DEFAULT_MAX_WAIT,
    ) -> RedisRateLimiter:
        """Use a `redis.Redis` the application already has."""
        _redis_module()
        limiter = cls.__new__(cls)
        limiter._init(client, requests, per, key, login_requests, margin, max_wait)
        return limiter

    def _init(
        self,
        client: Any,
        requests: int,
        per: float,
        key: str,
        login_requests: int,
        margin: float | None,
        max_wait: float,
    ) -> None:
        check_budget(requests, per, login_requests, max_wait)
        if not isinstance(key, str) or not key:  # pyright: ignore[reportUnnecessaryIsInstance]
            raise ConfigurationError("key must be a non-empty string")
        self.redis = client
        self.key = key
        self.requests = requests
        self.per = float(per)
        self.max_wait = float(max_wait)
        margin = default_margin(self.per) if margin is None else margin
        self._window_ms = max(1, round((self.per + margin) * 1000))
        self._limits = {False: requests, True: login_requests}
        self._take = client.register_script(_TAKE_SLOT)
        self._pause = client.register_script(_PAUSE)
        self._fallback = LocalRateLimiter(
            requests, per, login_requests=login_requests, margin=margin, max_wait=max_wait
        )
        self._down = False
        self._down_lock = threading.Lock()
        renew_locks_after_fork(self)

    def _after_fork(self) -> None:
        # redis-py gives a forked child its own connections by itself.
        self._down_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"RedisRateLimiter(key={self.key!r}, requests={self.requests}, per={self.per:g})"

    def try_acquire(self, *, login: bool = False) -> float:
        """Take a slot and return 0, or return the seconds to wait before asking again."""
        log_key = f"{self.key}:login" if login else f"{self.key}:requests"
        try:
            wait_ms = self._take(
                keys=[log_key, f"{self.key}:pause"],
                args=[self._limits[login], self._window_ms, uuid.uuid4().hex],
            )
        except Exception as exc:
            if not self._is_outage(exc):
                raise
            self._went_down(exc)
            return self._fallback.try_acquire(login=login)
        self._came_back()
        return float(wait_ms) / 1000.0

    def acquire(self, *, login: bool = False, timeout: float | None = None) -> None:
        """Wait for a slot of the shared budget (a login slot if `login`), up to `timeout` s."""
        budget = WaitBudget(timeout, self.max_wait)
        while (wait := self.try_acquire(login=login)) > 0:
            time.sleep(budget.check(wait))

    async def acquire_async(self, *, login: bool = False, timeout: float | None = None) -> None:
        """`acquire` for coroutines: waits without blocking the event loop."""
        import asyncio  # here, not at import: sync programs never load it

        budget = WaitBudget(timeout, self.max_wait)
        while True:
            wait = await asyncio.to_thread(self.try_acquire, login=login)
            if wait <= 0:
                return
            await asyncio.sleep(budget.check(wait))

    def pause(self, seconds: float) -> None:
        """Hand out no slot, to any process, for `seconds` (the server said to wait)."""
        seconds = clamp_pause(seconds)
        if not seconds:
            return
        self._fallback.pause(seconds)
        try:
            self._pause(keys=[f"{self.key}:pause"], args=[max(1, round(seconds * 1000))])
        except Exception as exc:
            if not self._is_outage(exc):
                raise
            self._went_down(exc)

    @staticmethod
    def _is_outage(exc: Exception) -> bool:
        # Any Redis error (unreachable, refused credentials, out of memory)
        # means no shared budget for now, never a failed call.
        return isinstance(exc, _redis_module().exceptions.RedisError)

    def _went_down(self, exc: Exception) -> None:
        with self._down_lock:
            if self._down:
                return
            self._down = True
        logger.warning(
            "Redis is unreachable (%s): rate limiting in this process alone until it is back",
            type(exc).__name__,
        )

    def _came_back(self) -> None:
        if self._down:
            with self._down_lock:
                self._down = False
            logger.info("Redis is reachable again: the rate budget is shared again")


__all__ = ["RedisRateLimiter", "RedisTokenStore"]
