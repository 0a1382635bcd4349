"""Typed Python SDK for the NextSchool Data API.

from nextschool import AsyncNextSchool

async with AsyncNextSchool(username="...", password="...") as client:
    for student in await client.students(limit=5):
        print(student.full_name, student.classroom_name)
"""

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
from ._options import RequestOptions
from ._ratelimit import LocalRateLimiter, RateLimiter
from ._redis import RedisRateLimiter, RedisTokenStore
from ._urls import PlainHTTPWarning
from ._version import __version__
from .auth import (
    AsyncBaseClient,
    AsyncNextSchool,
    BaseClient,
    FileTokenStore,
    MemoryTokenStore,
    NextSchool,
    SharedTokenStore,
    StoredTokens,
    TokenStore,
)

configure_logging_from_env()

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
