"""Hand-written auth layer over the generated clients."""

from typing import TYPE_CHECKING, Any

from ._store import FileTokenStore, MemoryTokenStore, SharedTokenStore, TokenStore
from ._sync_client import BaseClient, NextSchool
from ._tokens import StoredTokens

if TYPE_CHECKING:
    from ._async_client import AsyncBaseClient, AsyncNextSchool

__all__ = [
    "AsyncBaseClient",
    "AsyncNextSchool",
    "BaseClient",
    "FileTokenStore",
    "MemoryTokenStore",
    "NextSchool",
    "SharedTokenStore",
    "StoredTokens",
    "TokenStore",
]
_ASYNC_NAMES = ("AsyncBaseClient", "AsyncNextSchool")


def __getattr__(name: str) -> Any:
    # Loaded on first use: asyncio and the generated async client are not
    # imported by programs that only use the sync client.
    if name in _ASYNC_NAMES:
        from . import _async_client

        value = getattr(_async_client, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
