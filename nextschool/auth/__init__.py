"""Hand-written auth layer over the generated clients."""

from typing import TYPE_CHECKING, Any

from ._store import FileTokenStore, MemoryTokenStore, TokenStore
from ._sync_client import NextSchool
from ._tokens import StoredTokens

if TYPE_CHECKING:
    from ._async_client import AsyncNextSchool

__all__ = [
    "AsyncNextSchool",
    "FileTokenStore",
    "MemoryTokenStore",
    "NextSchool",
    "StoredTokens",
    "TokenStore",
]


def __getattr__(name: str) -> Any:
    # Loaded on first use: asyncio and the generated async client are not
    # imported by programs that only use the sync client.
    if name == "AsyncNextSchool":
        from ._async_client import AsyncNextSchool

        globals()["AsyncNextSchool"] = AsyncNextSchool
        return AsyncNextSchool
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
