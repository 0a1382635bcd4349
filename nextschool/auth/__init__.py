"""Hand-written auth layer over the generated clients."""

from ._async_client import AsyncNextSchool
from ._store import FileTokenStore, MemoryTokenStore, SharedTokenStore, TokenStore
from ._sync_client import NextSchool
from ._tokens import StoredTokens

__all__ = [
    "AsyncNextSchool",
    "FileTokenStore",
    "MemoryTokenStore",
    "NextSchool",
    "SharedTokenStore",
    "StoredTokens",
    "TokenStore",
]
