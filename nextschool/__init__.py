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
from ._logging import RedactingFilter
from ._version import __version__
from .auth import (
    AsyncBaseClient,
    AsyncNextSchool,
    BaseClient,
    FileTokenStore,
    MemoryTokenStore,
    NextSchool,
    StoredTokens,
    TokenStore,
)

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
    "MemoryTokenStore",
    "NextSchool",
    "NextSchoolError",
    "RateLimitError",
    "RedactingFilter",
    "SessionExpiredError",
    "StoredTokens",
    "TokenStore",
    "__version__",
]
