"""Typed Python SDK for the NextSchool Data API.

from nextschool import AsyncNextSchool

async with AsyncNextSchool(username="...", password="...") as client:
    for student in await client.students(limit=5):
        print(student.full_name, student.classroom_name)
"""

from typing import TYPE_CHECKING, Any

from ._constants import PRODUCTION_URL, SANDBOX_URL
from ._exceptions import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    ConfigurationError,
    ForbiddenError,
    GraphQLError,
    GraphQLErrorDetail,
    HTTPStatusError,
    InvalidCredentialsError,
    InvalidResponseError,
    NextSchoolError,
    RateLimitError,
    SessionExpiredError,
)
from ._log_config import configure_logging_from_env
from ._logging import RedactingFilter
from ._options import ClientOptions, RequestOptions
from ._ratelimit import LocalRateLimiter, RateLimiter
from ._raw import RawResponse
from ._urls import PlainHTTPWarning
from ._version import __version__
from .auth import (
    BaseClient,
    FileTokenStore,
    MemoryTokenStore,
    SharedTokenStore,
    StoredTokens,
    TokenStore,
)

configure_logging_from_env()

if TYPE_CHECKING:
    from ._redis import RedisRateLimiter, RedisTokenStore
    from .auth import AsyncBaseClient, AsyncNextSchool, NextSchool

__all__ = [
    "PRODUCTION_URL",
    "SANDBOX_URL",
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AsyncBaseClient",
    "AsyncNextSchool",
    "AuthenticationError",
    "BaseClient",
    "ClientOptions",
    "ConfigurationError",
    "FileTokenStore",
    "ForbiddenError",
    "GraphQLError",
    "GraphQLErrorDetail",
    "HTTPStatusError",
    "InvalidCredentialsError",
    "InvalidResponseError",
    "LocalRateLimiter",
    "MemoryTokenStore",
    "NextSchool",
    "NextSchoolError",
    "PlainHTTPWarning",
    "RateLimitError",
    "RateLimiter",
    "RawResponse",
    "RedactingFilter",
    "RedisRateLimiter",
    "RedisTokenStore",
    "RequestOptions",
    "SessionExpiredError",
    "SharedTokenStore",
    "StoredTokens",
    "TokenStore",
    "__version__",
]


def __getattr__(name: str) -> Any:
    # The async client brings asyncio and the generated async client with it;
    # it loads on first use, so programs that only use NextSchool never pay.
    # The clients generated onto the bases load on first use too: the code
    # generator imports the bases (nextschool.base) before the clients exist.
    if name in ("AsyncBaseClient", "AsyncNextSchool", "NextSchool"):
        from . import auth

        value = getattr(auth, name)
        globals()[name] = value
        return value
    # The Redis stores are for fleets of processes; most programs never use them.
    if name in ("RedisRateLimiter", "RedisTokenStore"):
        from . import _redis

        value = getattr(_redis, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
