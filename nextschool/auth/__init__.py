"""Hand-written auth layer: the base clients that the generated clients derive from."""

from typing import TYPE_CHECKING, Any

from ._store import FileTokenStore, MemoryTokenStore, SharedTokenStore, TokenStore
from ._sync_client import BaseClient
from ._tokens import StoredTokens

if TYPE_CHECKING:
    from ._async_client import AsyncBaseClient
    from ._async_next_school import AsyncNextSchool
    from ._next_school import NextSchool

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


def __getattr__(name: str) -> Any:
    # Loaded on first use. asyncio and the generated async client are not
    # imported by programs that only use the sync client; and the generated
    # clients are not needed to import the bases, which they are generated onto.
    value: Any
    if name == "AsyncBaseClient":
        from ._async_client import AsyncBaseClient as value
    elif name == "AsyncNextSchool":
        from ._async_next_school import AsyncNextSchool as value
    elif name == "NextSchool":
        from ._next_school import NextSchool as value
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
