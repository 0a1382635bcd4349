"""Renewal shared with other processes through the token store, for both clients.

With a `SharedTokenStore` (a file on one host, Redis across hosts) a client
renews under the store's lock: it re-reads the store first and adopts tokens
that another process renewed while it waited (the stale-token guard, across
processes), and otherwise renews and saves before releasing the lock. With any
other store the lock and the re-read are skipped.

Everything here blocks; the async client runs it in a worker thread. A shared
store that fails (Redis down, a lock that cannot be had) never fails a call:
the client carries on with its in-process session, with one warning per outage.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncGenerator
from contextlib import AbstractContextManager, asynccontextmanager
from types import TracebackType

from .._logging import logger
from .._ratelimit import renew_locks_after_fork
from ._store import SharedTokenStore, TokenStore
from ._tokens import StoredTokens, TokenManager, TokenSet


class SharedSession:
    def __init__(self, store: TokenStore, url: str) -> None:
        self.store = store
        self.url = url
        self.shared = isinstance(store, SharedTokenStore)
        # Until the client restores its session from the store (at construction,
        # or at the async client's first call); shared with derived clients.
        self.unread = True
        self._down = False
        self._down_lock = threading.Lock()
        # A shared store that missed our last write holds tokens older than
        # ours: they must not be adopted as another process's newer ones.
        self._store_behind = False
        renew_locks_after_fork(self)

    def _after_fork(self) -> None:
        self._down_lock = threading.Lock()

    def lock(self, timeout: float | None = None) -> StoreLockHold:
        """The store's renewal lock, or nothing when it cannot be had (never raises).

        `timeout` caps the store's own lock timeout, e.g. to a call's deadline.
        """
        return StoreLockHold(self, timeout)

    def load(self) -> StoredTokens | None:
        """The store's tokens if they belong to this API, None if none or unusable."""
        try:
            tokens = self.store.load()
        except Exception as exc:
            self.unavailable(exc, "read")
            return None
        self.available()
        if tokens is not None and tokens.url not in (None, self.url):
            logger.warning(
                "Ignoring saved tokens: they were issued by another API URL than %s", self.url
            )
            return None
        return tokens

    def save(self, tokens: StoredTokens | None) -> None:
        try:
            self.store.save(tokens)
        except Exception as exc:
            if self.shared:
                self._store_behind = True
                self.unavailable(exc, "write to")
            else:
                # The session itself is fine; losing persistence must not fail the call.
                logger.exception("Could not save tokens to %r", self.store)
            return
        self._store_behind = False
        self.available()

    def adopt_newer(self, tokens: TokenManager, rejected: TokenSet | None) -> bool:
        """Adopt what another process saved, if it is newer than ours.

        True when the adopted token needs no renewal: the caller can use it.
        Called under the lock, so what it reads is the fleet's latest.
        """
        return self.shared and self.adopt(tokens, self.load(), rejected)

    def adopt(
        self, tokens: TokenManager, latest: StoredTokens | None, rejected: TokenSet | None
    ) -> bool:
        """`adopt_newer` with the store already read (the async client reads in a thread)."""
        if latest is None or not latest.access_token or self._store_behind:
            return False
        current = tokens.current
        if current is not None and latest.access_token == current.access_token:
            return False  # ours is the latest: it is ours to renew
        if rejected is not None and latest.access_token == rejected.access_token:
            return False
        tokens.restore(latest)
        logger.debug("Adopted the tokens another process renewed")
        return not tokens.renewal_needed(None)

    def unavailable(self, exc: BaseException, what: str) -> None:
        with self._down_lock:
            if self._down:
                return
            self._down = True
        logger.warning(
            "Could not %s the shared token store %r (%s): carrying on with this "
            "process's own session until it is back",
            what,
            self.store,
            type(exc).__name__,
        )

    def available(self) -> None:
        if self._down:
            with self._down_lock:
                self._down = False
            logger.info("The shared token store %r is back: renewals are shared again", self.store)


class StoreLockHold:
    """`with session.lock():` holds the store's lock when it can be had."""

    def __init__(self, session: SharedSession, timeout: float | None = None) -> None:
        self._session = session
        self._timeout = timeout
        self._held: AbstractContextManager[object] | None = None

    def __enter__(self) -> StoreLockHold:
        session = self._session
        if not isinstance(session.store, SharedTokenStore):
            return self
        try:
            lock = session.store.lock(self._timeout)
            lock.__enter__()
        except Exception as exc:
            session.unavailable(exc, "lock")
            return self
        self._held = lock
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        held, self._held = self._held, None
        if held is None:
            return
        try:
            held.__exit__(None, None, None)
        except Exception as error:
            self._session.unavailable(error, "unlock")


@asynccontextmanager
async def hold_in_thread(
    session: SharedSession, timeout: float | None = None
) -> AsyncGenerator[None, None]:
    """`session.lock()` for the async client: taken and released in worker threads.

    A caller cancelled while the lock is being taken still gets it released,
    by the worker that took it, so a cancellation never leaves it held.
    """
    import asyncio  # here, not at import: sync programs never load it

    if not session.shared:
        yield
        return
    hold = session.lock(timeout)
    entering = asyncio.ensure_future(asyncio.to_thread(hold.__enter__))
    try:
        await asyncio.shield(entering)
    except BaseException:
        entering.add_done_callback(lambda _: _release_in_thread(hold))
        raise
    try:
        yield
    finally:
        await asyncio.shield(asyncio.to_thread(hold.__exit__, None, None, None))


def _release_in_thread(hold: StoreLockHold) -> None:
    threading.Thread(target=hold.__exit__, args=(None, None, None), daemon=True).start()


__all__ = ["SharedSession", "StoreLockHold", "hold_in_thread"]
