"""Turn an HTTP response into typed data or a typed error. Pure: no I/O.

The fast path validates the body straight into the operation's pydantic model
in one pass (`model_validate_json` on an envelope), so a successful call decodes
its JSON once. Anything unusual takes the slow path, which decodes the body with
`json` and classifies it into the exception hierarchy. A body whose `errors`
member comes first or last, where GraphQL servers put it, goes there first,
before any of its data is validated: an error answer costs one `json` decode
however much partial data it carries.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from functools import cache
from typing import Any

import pydantic

from ._constants import AUTH_OPERATIONS
from ._exceptions import (
    APIError,
    AuthenticationError,
    ForbiddenError,
    GraphQLError,
    GraphQLErrorDetail,
    HTTPStatusError,
    InvalidCredentialsError,
    InvalidResponseError,
    RateLimitError,
    SessionExpiredError,
)
from ._gc import LARGE_BODY_BYTES, gc_held_for
from ._json import json_array, json_object

UNAUTHENTICATED = "UNAUTHENTICATED"
FORBIDDEN = "FORBIDDEN"
RATE_LIMITED = "RATE_LIMITED"
# The API reports these two without an extensions.code; the message is all there is.
INVALID_CREDENTIALS_MESSAGE = "Invalid credentials"
INVALID_REFRESH_TOKEN_MESSAGE = "Invalid or expired refresh token"  # noqa: S105
# Server text copied into an exception is cut to this many characters: errors
# are logged, pickled and sent to trackers, and a server decides their size.
MAX_MESSAGE_CHARS = 1000


class GraphQLResult:
    """A decoded successful response, in the shape the generated client expects."""

    __slots__ = ("data", "status_code")

    def __init__(self, status_code: int, data: Any) -> None:
        self.status_code: int = status_code
        # The operation's result model when one is known, else the `data` dict.
        self.data: Any = data

    def json(self, **kwargs: Any) -> Any:
        """The response body as the generated client reads it: `{"data": ...}`."""
        data = self.data
        if isinstance(data, pydantic.BaseModel):
            data = data.model_dump(mode="json", by_alias=True)
        return {"data": data}


@cache
def _envelope_for(model: type[pydantic.BaseModel]) -> type[pydantic.BaseModel]:
    data_type: Any = model | None
    return pydantic.create_model(
        f"{model.__name__}Envelope",
        data=(data_type, None),
        errors=(list[Any] | None, None),
    )


def parse_response(
    *,
    operation: str | None,
    status_code: int,
    headers: Mapping[str, str],
    content: bytes,
    model: type[pydantic.BaseModel] | None,
) -> GraphQLResult:
    """Return the operation's data, or raise the matching `APIError`."""
    if len(content) >= LARGE_BODY_BYTES:
        with gc_held_for(len(content)):
            return _parse(operation, status_code, headers, content, model)
    # Small bodies: the collector is left alone, without a context manager per call.
    return _parse(operation, status_code, headers, content, model)


def _parse(
    operation: str | None,
    status_code: int,
    headers: Mapping[str, str],
    content: bytes,
    model: type[pydantic.BaseModel] | None,
) -> GraphQLResult:
    if model is not None and 200 <= status_code < 300 and not may_carry_errors(content):
        try:
            envelope = _envelope_for(model).model_validate_json(content)
        except (pydantic.ValidationError, RecursionError):
            pass  # malformed or unexpected: the slow path says what is wrong
        else:
            data = getattr(envelope, "data", None)
            if data is not None and not getattr(envelope, "errors", None):
                return GraphQLResult(status_code, data)
    return _parse_slowly(operation, status_code, headers, content, model)


# How far into each end of a body an `errors` member is looked for.
_ENDS = 64


def may_carry_errors(content: bytes) -> bool:
    """Whether the body may hold an `errors` member: then it is classified first.

    Only the two ends of the body are read, whatever its size (scanning all of
    it cost as much as a tenth of a 500-row call): `"errors"` near the start,
    where servers that put errors first have it, or a last top-level member
    whose value is an array, which of the members GraphQL allows only
    `errors` is. An answer with its errors elsewhere, or a string "errors" in
    the data near an end, only takes the longer way: the envelope's own
    `errors` field, or the slow path, still finds them after validation.
    """
    if b'"errors"' in content[:_ENDS]:
        return True
    tail = content[-_ENDS:].rstrip()
    return not tail.endswith(b"}") or tail[:-1].rstrip().endswith(b"]")


def _parse_slowly(
    operation: str | None,
    status_code: int,
    headers: Mapping[str, str],
    content: bytes,
    model: type[pydantic.BaseModel] | None,
) -> GraphQLResult:
    if status_code == 429:
        raise RateLimitError(
            "Rate limit exceeded (HTTP 429)",
            retry_after=parse_retry_after(headers.get("retry-after")),
            operation=operation,
            status_code=status_code,
        )
    body = _decode_json(content)
    errors = _error_details(body, operation, status_code)
    top = json_object(body)
    partial = json_object(top.get("data")) if top is not None else None
    # Partial data of an auth operation may hold tokens; errors travel far
    # (pickled to workers, sent to error trackers), so they never carry it.
    partial_for_errors = None if operation in AUTH_OPERATIONS else partial
    if errors:
        raise classify_errors(
            errors, operation=operation, status_code=status_code, data=partial_for_errors
        )
    if status_code == 401:
        raise AuthenticationError(
            "Authentication required (HTTP 401)", operation=operation, status_code=status_code
        )
    if not 200 <= status_code < 300:
        raise HTTPStatusError(
            f"HTTP {status_code} from the NextSchool API",
            operation=operation,
            status_code=status_code,
        )
    if not isinstance(body, dict) or ("data" not in body and "errors" not in body):
        raise InvalidResponseError(
            "Response is not a GraphQL result (no `data` or `errors`)",
            operation=operation,
            status_code=status_code,
        )
    if partial is None:
        raise InvalidResponseError(
            "Response has no data and no errors", operation=operation, status_code=status_code
        )
    if model is None:
        return GraphQLResult(status_code, partial)
    try:
        return GraphQLResult(status_code, model.model_validate(partial))
    except pydantic.ValidationError as exc:
        raise InvalidResponseError(
            f"Response data does not match the {operation} operation: {_describe(exc)}",
            operation=operation,
            status_code=status_code,
        ) from None


def _decode_json(content: bytes) -> Any:
    # JSON on the wire is UTF-8 (RFC 8259); json.loads would also guess UTF-16
    # and UTF-32 from bytes, which the fast path rightly rejects.
    try:
        return json.loads(content.decode("utf-8"))
    except (ValueError, RecursionError):
        return None


def _error_details(body: Any, operation: str | None, status_code: int) -> list[GraphQLErrorDetail]:
    top = json_object(body)
    if top is None or top.get("errors") is None:
        return []
    raw_errors = json_array(top["errors"])
    if raw_errors is None:
        raise InvalidResponseError(
            "Response `errors` is not a list", operation=operation, status_code=status_code
        )
    return [_error_detail(raw) for raw in raw_errors]


def _error_detail(raw: Any) -> GraphQLErrorDetail:
    entry = json_object(raw)
    if entry is None:
        return GraphQLErrorDetail(message="Malformed GraphQL error entry")
    message = entry.get("message")
    extensions = json_object(entry.get("extensions")) or {}
    code = extensions.get("code")
    path = json_array(entry.get("path"))
    return GraphQLErrorDetail(
        message=clip(message) if isinstance(message, str) else "GraphQL error without a message",
        code=code if isinstance(code, str) else None,
        path=tuple(p for p in path if isinstance(p, (str, int))) if path is not None else None,
        locations=_locations(entry.get("locations")),
        extensions=extensions,
    )


def _locations(raw: Any) -> tuple[tuple[int, int], ...] | None:
    items = json_array(raw)
    if items is None:
        return None
    return tuple(
        (entry["line"], entry["column"])
        for entry in map(json_object, items)
        if entry is not None
        and isinstance(entry.get("line"), int)
        and isinstance(entry.get("column"), int)
    )


def classify_errors(
    errors: list[GraphQLErrorDetail],
    *,
    operation: str | None,
    status_code: int | None,
    data: Mapping[str, Any] | None,
) -> APIError:
    message = clip("; ".join(error.message for error in errors)) or "GraphQL error"
    common: dict[str, Any] = {
        "operation": operation,
        "status_code": status_code,
        "errors": errors,
        "data": data,
    }
    codes = {error.code for error in errors}
    messages = {_normalized(error.message) for error in errors}
    # Checked before the code and the status: the API may send these two
    # message-only errors with HTTP 401 too, and they are final.
    if _normalized(INVALID_CREDENTIALS_MESSAGE) in messages:
        return InvalidCredentialsError(message, **common)
    if _normalized(INVALID_REFRESH_TOKEN_MESSAGE) in messages:
        return SessionExpiredError(message, **common)
    if UNAUTHENTICATED in codes or status_code == 401:
        return AuthenticationError(message, **common)
    if RATE_LIMITED in codes:
        retry_after = next(
            (
                parse_retry_after(error.extensions.get("retryAfter"))
                for error in errors
                if error.code == RATE_LIMITED
            ),
            None,
        )
        return RateLimitError(message, retry_after=retry_after, **common)
    if FORBIDDEN in codes:
        return ForbiddenError(message, **common)
    return GraphQLError(message, **common)


def clip(text: str) -> str:
    """`text`, cut to MAX_MESSAGE_CHARS with an ellipsis."""
    if len(text) <= MAX_MESSAGE_CHARS:
        return text
    return text[: MAX_MESSAGE_CHARS - 1] + "…"


def _normalized(message: str) -> str:
    return message.strip().rstrip(".").strip().casefold()


def parse_retry_after(value: object) -> float | None:
    """Seconds to wait, from a number, a numeric string or an HTTP date."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        try:
            seconds = float(value)
        except OverflowError:  # a JSON integer beyond float range
            return None
    elif isinstance(value, str):
        try:
            seconds = float(value.strip())
        except ValueError:
            try:
                when = parsedate_to_datetime(value)
            except (TypeError, ValueError, IndexError):
                return None
            if when.tzinfo is None:
                when = when.replace(tzinfo=timezone.utc)
            seconds = (when - datetime.now(timezone.utc)).total_seconds()
    else:
        return None
    if not math.isfinite(seconds):
        return None
    return max(0.0, seconds)


def _describe(exc: pydantic.ValidationError) -> str:
    # Never include the offending input: it may be a token from a login result.
    parts: list[str] = []
    for error in exc.errors(include_input=False, include_url=False)[:3]:
        location = ".".join(str(part) for part in error["loc"]) or "data"
        parts.append(f"{location}: {error['msg']}")
    more = exc.error_count() - len(parts)
    return "; ".join(parts) + (f" (and {more} more)" if more > 0 else "")
