"""Hand-written auth layer over the generated clients."""

from ._async_client import AsyncBaseClient, AsyncNextSchool
from ._store import FileTokenStore, MemoryTokenStore, TokenStore
from ._sync_client import BaseClient, NextSchool
from ._tokens import StoredTokens

__all__ = [
    "AsyncBaseClient",
    "AsyncNextSchool",
    "BaseClient",
    "FileTokenStore",
    "MemoryTokenStore",
    "NextSchool",
    "StoredTokens",
    "TokenStore",
]
