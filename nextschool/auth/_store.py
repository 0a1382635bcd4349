"""Where tokens are kept between calls and between runs."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Protocol, runtime_checkable

from ._file_store import FileTokenStore as FileTokenStore
from ._tokens import StoredTokens


@runtime_checkable
class TokenStore(Protocol):
    """Loads the saved tokens at start-up and saves them after each change.

    `save(None)` means the session ended (logout, or a refresh token that the
    server no longer accepts).
    """

    def load(self) -> StoredTokens | None:
        """The saved tokens, or None when there are none."""
        ...

    def save(self, tokens: StoredTokens | None) -> None:
        """Save `tokens`; None forgets them (after logout)."""
        ...


@runtime_checkable
class SharedTokenStore(TokenStore, Protocol):
    """A store that several processes or hosts use at once.

    The clients renew under `lock()`: they re-read the store and adopt tokens
    another process renewed meanwhile, and otherwise renew and save before
    releasing it, so the fleet renews once per expiry. `lock()` raises
    `TimeoutError` when it cannot be had within the store's own lock timeout,
    or within `timeout` seconds when that is shorter (what is left of a call's
    deadline). Any error of a shared store makes the client carry on with its
    own in-process session.
    """

    def lock(self, timeout: float | None = None) -> AbstractContextManager[object]:
        """A lock held across processes while one of them renews the session."""
        ...


class MemoryTokenStore:
    """Keeps tokens for the life of the process (the default)."""

    def __init__(self, tokens: StoredTokens | None = None) -> None:
        self._tokens = tokens

    def __repr__(self) -> str:
        return f"MemoryTokenStore(has_tokens={self._tokens is not None})"

    def load(self) -> StoredTokens | None:
        """The tokens saved last, or None."""
        return self._tokens

    def save(self, tokens: StoredTokens | None) -> None:
        """Keep `tokens` in memory; None forgets them."""
        self._tokens = tokens
