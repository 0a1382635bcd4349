"""The one exception hierarchy of the SDK, shared by the async and sync clients.

    NextSchoolError
    ├── APIConnectionError             no usable HTTP response (refused, reset, DNS)
    │   └── APITimeoutError
    └── APIError                       the server answered with an error
        ├── HTTPStatusError            non-2xx status without a more specific meaning
        ├── InvalidResponseError       not JSON, or not the shape the operation expects
        ├── GraphQLError               GraphQL errors without a more specific meaning
        ├── AuthenticationError        UNAUTHENTICATED, HTTP 401, or no way to log in
        │   ├── InvalidCredentialsError
        │   └── SessionExpiredError
        ├── ForbiddenError             FORBIDDEN (e.g. the account has no school)
        └── RateLimitError             HTTP 429 or RATE_LIMITED, with retry_after

Messages are built from the server's error messages and our own text, never from
request variables, so they hold no password or token.

Every error that follows a request names it: `request_id` is the server's
`X-Request-Id` when the answer had one, else the id the SDK sent. An `APIError`
also holds the `response` (status, headers, body), without the request that
carried the token or password.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx


@dataclass(frozen=True)
class GraphQLErrorDetail:
    """One entry of a GraphQL response's `errors` list."""

    message: str
    code: str | None = None
    path: tuple[str | int, ...] | None = None
    locations: tuple[tuple[int, int], ...] | None = None
    extensions: Mapping[str, Any] = field(default_factory=dict[str, Any])


class NextSchoolError(Exception):
    """Base of every exception the SDK raises."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only constructors defeat Exception's default pickling, which
        # Celery, multiprocessing and error trackers rely on.
        return (_rebuild, (type(self), self.message, self.__dict__))


def _rebuild(cls: type[NextSchoolError], message: str, state: dict[str, Any]) -> NextSchoolError:
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    error.__dict__.update(state)
    return error


class APIConnectionError(NextSchoolError):
    """The request got no usable HTTP response.

    `request_id` is the `X-Request-Id` the SDK sent (None when the call ended
    before a request went out), for the API's operators to look up.
    """

    request_id: str | None = None

    def __init__(self, message: str = "Connection error", *, operation: str | None = None) -> None:
        super().__init__(message)
        self.operation = operation


class APITimeoutError(APIConnectionError):
    """The request timed out, or the call's overall deadline passed."""

    def __init__(self, message: str = "Request timed out", *, operation: str | None = None) -> None:
        super().__init__(message, operation=operation)


class APIError(NextSchoolError):
    """The server answered, and the answer is an error.

    `errors` holds the GraphQL errors (empty for transport-level failures) and
    `data` any partial data that came with them. `response` is the HTTP
    response (status, headers, elapsed and the decoded body; the body is left
    out for login, refresh and logout, whose answers may hold tokens). It has
    no `.request`, which would hold the access token or password. Both it and
    `request_id` are None for an error raised without a request, such as an
    AuthenticationError when there is no way to log in.
    """

    response: httpx.Response | None = None
    request_id: str | None = None

    def __init__(
        self,
        message: str,
        *,
        operation: str | None = None,
        status_code: int | None = None,
        errors: Sequence[GraphQLErrorDetail] = (),
        data: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.operation = operation
        self.status_code = status_code
        self.errors: tuple[GraphQLErrorDetail, ...] = tuple(errors)
        self.data = data

    @property
    def headers(self) -> httpx.Headers | None:
        """The response headers (rate-limit headers, Retry-After, ...), if any."""
        return None if self.response is None else self.response.headers

    @property
    def codes(self) -> tuple[str, ...]:
        """The `extensions.code` of each GraphQL error that has one."""
        return tuple(error.code for error in self.errors if error.code)


class HTTPStatusError(APIError):
    """A non-2xx HTTP status without a more specific meaning."""

    @property
    def is_server_error(self) -> bool:
        """True for a 5xx status."""
        return self.status_code is not None and self.status_code >= 500


class InvalidResponseError(APIError):
    """The answer is not JSON, or not the shape the operation expects."""


class GraphQLError(APIError):
    """GraphQL errors without a more specific meaning; partial data in `.data`."""


class AuthenticationError(APIError):
    """The API did not accept the session (UNAUTHENTICATED), even after one renewal."""


class InvalidCredentialsError(AuthenticationError):
    """Login rejected ("Invalid credentials"). Never retried."""


class SessionExpiredError(AuthenticationError):
    """The refresh token was rejected and there are no credentials to log in again."""


class ForbiddenError(APIError):
    """The account may not do this (FORBIDDEN), e.g. it has no school."""


class RateLimitError(APIError):
    """HTTP 429 with Retry-After, or RATE_LIMITED with extensions.retryAfter."""

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None,
        operation: str | None = None,
        status_code: int | None = None,
        errors: Sequence[GraphQLErrorDetail] = (),
        data: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(
            message, operation=operation, status_code=status_code, errors=errors, data=data
        )
        self.retry_after = retry_after


class ConfigurationError(NextSchoolError, ValueError):
    """A client was constructed with arguments that cannot work."""
