"""Turn an HTTP response into typed data or a typed error. Pure: no I/O.

The fast path validates the body straight into the operation's pydantic model
in one pass (`model_validate_json` on an envelope), so a successful call decodes
its JSON once. Anything unusual takes the slow path, which decodes the body with
`json` and classifies it into the exception hierarchy.
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

UNAUTHENTICATED = "UNAUTHENTICATED"
FORBIDDEN = "FORBIDDEN"
RATE_LIMITED = "RATE_LIMITED"
# The API reports these two without an extensions.code; the message is all there is.
INVALID_CREDENTIALS_MESSAGE = "Invalid credentials"
INVALID_REFRESH_TOKEN_MESSAGE = "Invalid or expired refresh token"  # noqa: S105


class GraphQLResult:
    """A decoded successful response, in the shape the generated client expects."""

    __slots__ = ("data", "status_code")

    def __init__(self, status_code: int, data: Any) -> None:
        self.status_code = status_code
        # The operation's result model when one is known, else the `data` dict.
        self.data = data

    def json(self, **kwargs: Any) -> Any:
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
    if model is not None and 200 <= status_code < 300:
        try:
            envelope = _envelope_for(model).model_validate_json(content)
        except (pydantic.ValidationError, RecursionError):
            pass  # malformed or unexpected: the slow path says what is wrong
        else:
            data = getattr(envelope, "data", None)
            if data is not None and not getattr(envelope, "errors", None):
                return GraphQLResult(status_code, data)
    return _parse_slowly(operation, status_code, headers, content, model)


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
    data = body.get("data") if isinstance(body, dict) else None
    partial = data if isinstance(data, dict) else None
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
    if not isinstance(body, dict) or body.get("errors") is None:
        return []
    raw_errors = body["errors"]
    if not isinstance(raw_errors, list):
        raise InvalidResponseError(
            "Response `errors` is not a list", operation=operation, status_code=status_code
        )
    return [_error_detail(raw) for raw in raw_errors]


def _error_detail(raw: Any) -> GraphQLErrorDetail:
    if not isinstance(raw, dict):
        return GraphQLErrorDetail(message="Malformed GraphQL error entry")
    message = raw.get("message")
    extensions = raw.get("extensions")
    extensions = extensions if isinstance(extensions, dict) else {}
    code = extensions.get("code")
    path = raw.get("path")
    return GraphQLErrorDetail(
        message=message if isinstance(message, str) else "GraphQL error without a message",
        code=code if isinstance(code, str) else None,
        path=tuple(p for p in path if isinstance(p, (str, int)))
        if isinstance(path, list)
        else None,
        locations=_locations(raw.get("locations")),
        extensions=extensions,
    )


def _locations(raw: Any) -> tuple[tuple[int, int], ...] | None:
    if not isinstance(raw, list):
        return None
    return tuple(
        (item["line"], item["column"])
        for item in raw
        if isinstance(item, dict)
        and isinstance(item.get("line"), int)
        and isinstance(item.get("column"), int)
    )


def classify_errors(
    errors: list[GraphQLErrorDetail],
    *,
    operation: str | None,
    status_code: int | None,
    data: Mapping[str, Any] | None,
) -> APIError:
    message = "; ".join(error.message for error in errors) or "GraphQL error"
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
    parts = []
    for error in exc.errors(include_input=False, include_url=False)[:3]:
        location = ".".join(str(part) for part in error["loc"]) or "data"
        parts.append(f"{location}: {error['msg']}")
    more = exc.error_count() - len(parts)
    return "; ".join(parts) + (f" (and {more} more)" if more > 0 else "")
