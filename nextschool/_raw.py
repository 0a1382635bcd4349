"""The HTTP response of a call: `with_raw_response`, and on every `APIError`.

`client.with_raw_response(client.students, limit=5)` calls the method as
usual and returns a `RawResponse` holding its result and the HTTP response
that carried it. It is typed for any method of any client built on the SDK's
bases (the generated operations, `nextschool generate` clients, `execute`),
with no wrapper class to generate, and it keeps no "last response" on the
client: the capture lives in a context variable for the length of the call,
so threads and tasks calling at once each get their own.

The request path pays one context-variable read per call for this; the copy
of the response is made only for the call that asked for it.
"""

from __future__ import annotations

import contextlib
import datetime
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import httpx

from ._exceptions import APIError, ConfigurationError
from ._request_id import REQUEST_ID_HEADER

if TYPE_CHECKING:
    from .auth._core import ClientCore

T = TypeVar("T")

# Describe the body as it came over the wire; the copy holds it decoded.
_WIRE_HEADERS = frozenset({b"content-encoding", b"content-length"})


class RawResponse(Generic[T]):
    """The result of one call and the HTTP response it came in.

    `parse()` returns what the method returns (decoded once, already), and
    `request_id` names the request to the API's operators: the server's
    `X-Request-Id` when it sends one, else the one the SDK sent. When a call
    was retried, this is the response of its last, successful attempt.
    """

    __slots__ = ("_http_response", "_parsed", "_request_id")

    def __init__(self, parsed: T, http_response: httpx.Response, request_id: str) -> None:
        self._parsed = parsed
        self._http_response = http_response
        self._request_id = request_id

    def parse(self) -> T:
        """What the method returned: for generated operations, the typed result."""
        return self._parsed

    @property
    def status_code(self) -> int:
        """The HTTP status code."""
        return self._http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        """The response headers, the rate-limit headers among them when sent."""
        return self._http_response.headers

    @property
    def elapsed(self) -> datetime.timedelta:
        """Time from sending the request to the end of the response body."""
        return self._http_response.elapsed

    @property
    def request_id(self) -> str:
        """The server's `X-Request-Id`, or the one the SDK sent when it sent none."""
        return self._request_id

    @property
    def http_response(self) -> httpx.Response:
        """The httpx response, with its request; `.content` is the decoded body."""
        return self._http_response

    def __repr__(self) -> str:
        return f"<RawResponse [{self.status_code}] request_id={self._request_id!r}>"


class RawCapture:
    """Where the request path leaves the response of the call that asked for it."""

    __slots__ = ("claimed", "owner", "result")

    def __init__(self, owner: ClientCore) -> None:
        self.owner = owner
        # Set by the first request of the owner's call: renewals made on its
        # behalf are requests of their own and leave it alone.
        self.claimed = False
        self.result: tuple[httpx.Response, str] | None = None

    def record(self, response: httpx.Response, content: bytes, sent_request_id: str) -> None:
        self.result = (
            copy_of(response, content, request=response.request),
            response_request_id(response, sent_request_id),
        )

    def raw_response(self, parsed: T, method: object) -> RawResponse[T]:
        if self.result is None:
            name = getattr(method, "__qualname__", repr(method))
            raise ConfigurationError(
                f"{name} sent no API request through this client, so it has no response; "
                "with_raw_response takes a method of the client it is called on"
            )
        return RawResponse(parsed, *self.result)


RAW_CAPTURE: ContextVar[RawCapture | None] = ContextVar("nextschool_raw_capture", default=None)


def response_request_id(response: httpx.Response, sent_request_id: str) -> str:
    """The server's request id when it sent one, else the SDK's."""
    return response.headers.get(REQUEST_ID_HEADER) or sent_request_id


def copy_of(
    response: httpx.Response, content: bytes, *, request: httpx.Request | None
) -> httpx.Response:
    """A closed copy of a streamed `response` holding `content`, its decoded body."""
    headers = [(k, v) for k, v in response.headers.raw if k.lower() not in _WIRE_HEADERS]
    extensions: dict[str, Any] = {
        key: response.extensions[key]
        for key in ("http_version", "reason_phrase")
        if key in response.extensions
    }
    copy = httpx.Response(
        response.status_code,
        headers=headers,
        content=bytes(content),
        request=request,
        extensions=extensions,
    )
    # A response that did not come through an httpx client's send has none.
    with contextlib.suppress(RuntimeError):
        copy.elapsed = response.elapsed
    return copy


def describe_error(
    error: APIError, response: httpx.Response, body: bytes, sent_request_id: str | None
) -> None:
    """Give `error` the response it came in and the request id.

    The copy has no request: errors are logged, pickled and sent to error
    trackers, and the request holds the access token, or a login's password.
    """
    error.response = copy_of(response, body, request=None)
    error.request_id = response.headers.get(REQUEST_ID_HEADER) or sent_request_id
