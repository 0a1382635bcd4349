"""HTTP responses: GraphQL JSON bodies, error shapes and injected faults."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from graphql import FieldNode, GraphQLError

from nextschool.testing.controls import Fault
from nextschool.testing.documents import Operation, response_key
from nextschool.testing.schema import LOGIN_RATE_LIMITED

JSON = b"application/json; charset=utf-8"
TEXT = b"text/plain; charset=utf-8"
HTML = b"text/html; charset=utf-8"
USER_RATE_LIMITED = "Too many requests. Please slow down."
GLOBAL_RATE_LIMITED = "Too many requests"

Headers = tuple[tuple[bytes, bytes], ...]


@dataclass(frozen=True, slots=True)
class Response:
    """An HTTP response of the server: status, body, content type and headers."""

    status: int
    body: bytes
    content_type: bytes = JSON
    headers: Headers = ()
    # Send the headers and part of the body, then close the connection.
    drop: bool = False


def dump(payload: Any) -> bytes:
    """`payload` as compact UTF-8 JSON."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def json_response(payload: Any, status: int = 200, headers: Headers = ()) -> Response:
    """A JSON response."""
    return Response(status, dump(payload), JSON, headers)


def field_errors(
    message: str, fields: Sequence[FieldNode], extensions: dict[str, Any] | None
) -> list[dict[str, Any]]:
    """Errors located at root fields, the way a resolver-level failure reports them."""
    return [
        dict(
            GraphQLError(
                message, nodes=[field], path=[response_key(field)], extensions=extensions
            ).formatted
        )
        for field in fields
    ]


def request_error(message: str, status: int = 400) -> Response:
    """A response with one GraphQL error and no data (a request the server cannot run)."""
    return json_response({"errors": [{"message": message}]}, status)


def too_many_requests(
    retry_after: int, limit: int, remaining: int, reset_at: int, extra: Headers = ()
) -> Response:
    """HTTP 429 with `Retry-After` and the rate-limit headers."""
    headers = (
        (b"retry-after", str(retry_after).encode()),
        (b"x-ratelimit-limit", str(limit).encode()),
        (b"x-ratelimit-remaining", str(remaining).encode()),
        (b"x-ratelimit-reset", str(reset_at).encode()),
        *extra,
    )
    return json_response({"errors": [{"message": GLOBAL_RATE_LIMITED}]}, 429, headers)


def rate_limited_graphql(
    operation: Operation | None, retry_after: int, headers: Headers = ()
) -> Response:
    """The per-user (or login) limit's answer: HTTP 200 and a RATE_LIMITED error."""
    message = LOGIN_RATE_LIMITED if operation and operation.has_login else USER_RATE_LIMITED
    extensions = {"code": "RATE_LIMITED", "retryAfter": retry_after}
    fields = operation.data_fields[:1] if operation else ()
    errors = (
        field_errors(message, fields, extensions)
        if fields
        else [{"message": message, "extensions": extensions}]
    )
    return json_response({"data": None, "errors": errors}, 200, headers)


_PLAIN_ERRORS = {
    "http_500": (500, b"Internal Server Error"),
    "http_502": (502, b"Bad Gateway"),
    "http_503": (503, b"Service Unavailable"),
}
_PROXY_PAGE = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    b"</body>\r\n</html>\r\n"
)
# Cut off inside a string, as a body truncated by a broken proxy would be,
# yet still valid UTF-8: only the JSON is broken.
_MALFORMED_JSON = '{"data":{"students":[{"id":101,"fullName":"เด็กชาย'.encode()


def fault_response(fault: Fault, operation: Operation | None, global_limit: int) -> Response:
    """The response a scripted fault produces."""
    if fault.kind == "rate_limit":
        if fault.mode == "graphql":
            return rate_limited_graphql(operation, fault.retry_after)
        reset_at = int(time.time()) + fault.retry_after
        return too_many_requests(fault.retry_after, global_limit, 0, reset_at)
    if fault.kind in _PLAIN_ERRORS:
        status, text = _PLAIN_ERRORS[fault.kind]
        return Response(status, text, TEXT)
    if fault.kind == "html":
        return Response(502, _PROXY_PAGE, HTML)
    if fault.kind == "malformed_json":
        return Response(200, _MALFORMED_JSON, JSON)
    # drop_connection: a real-looking body, of which only part is ever sent.
    body = dump({"data": {"padding": "x" * 2048}})
    return Response(200, body, JSON, drop=True)
