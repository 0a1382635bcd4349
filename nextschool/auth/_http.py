"""Sending one API request: no redirects, the body read up to a cap and a deadline.

A redirect would carry the request body (a login's password) to wherever the
server points, so the SDK refuses it for every request, whatever the httpx
client's own `follow_redirects` says. The body is streamed and reading stops
once it passes `max_response_bytes`, counted after content decoding, so a
hostile or broken server cannot make the client hold an unbounded answer.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import httpx

from .._exceptions import APIError, ConfigurationError, HTTPStatusError, InvalidResponseError
from .._masking import SecretBytes, mask_userinfo
from .._raw import describe_error
from ._core import deadline_exceeded

# Long enough for any real Location, short enough to keep a hostile one out of messages.
_MAX_SHOWN_LOCATION = 300


def check_max_response_bytes(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigurationError(f"max_response_bytes must be a positive int, got {value!r}")
    return value


def send(
    http: httpx.Client,
    url: httpx.URL,
    body: bytes,
    headers: Mapping[str, str],
    options: Mapping[str, Any],
    *,
    operation: str | None,
    max_bytes: int,
    deadline_at: float | None,
    secret_body: bool,
) -> tuple[httpx.Response, bytes]:
    """POST and read the answer. httpx errors propagate; see the module docstring."""
    build_options, auth = _split(options)
    request = http.build_request("POST", url, content=body, **build_options)
    _set_headers(request, headers)
    response = http.send(request, auth=auth, follow_redirects=False, stream=True)
    try:
        _check_head(response, operation, max_bytes)
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > max_bytes:
                raise _too_large(response, operation, max_bytes)
            chunks.append(chunk)
            # A server trickling bytes never trips httpx's read timeout.
            if deadline_at is not None and time.monotonic() >= deadline_at:
                raise deadline_exceeded(operation)
    except APIError as error:
        response.close()  # first: the response's elapsed time is known once it is closed
        describe_error(error, response, b"", None)
        raise
    finally:
        response.close()
    return response, _joined(chunks, secret_body)


async def send_async(
    http: httpx.AsyncClient,
    url: httpx.URL,
    body: bytes,
    headers: Mapping[str, str],
    options: Mapping[str, Any],
    *,
    operation: str | None,
    max_bytes: int,
    deadline_at: float | None,
    secret_body: bool,
) -> tuple[httpx.Response, bytes]:
    """The async twin of `send`."""
    build_options, auth = _split(options)
    request = http.build_request("POST", url, content=body, **build_options)
    _set_headers(request, headers)
    response = await http.send(request, auth=auth, follow_redirects=False, stream=True)
    try:
        _check_head(response, operation, max_bytes)
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > max_bytes:
                raise _too_large(response, operation, max_bytes)
            chunks.append(chunk)
            # A server trickling bytes never trips httpx's read timeout.
            if deadline_at is not None and time.monotonic() >= deadline_at:
                raise deadline_exceeded(operation)
    except APIError as error:
        await response.aclose()  # first: the response's elapsed time is known once it is closed
        describe_error(error, response, b"", None)
        raise
    finally:
        await response.aclose()
    return response, _joined(chunks, secret_body)


def _set_headers(request: httpx.Request, headers: Mapping[str, str]) -> None:
    # Set on the built request, each replacing the client's header of that
    # name as a merge would: build_request's merge raises and catches a
    # KeyError for every name the client does not have (the request id, the
    # token), which cost more than the rest of the per-call header work.
    for name, value in headers.items():
        request.headers[name] = value


def _joined(chunks: list[bytes], secret: bool) -> bytes:
    # The answer to an auth operation holds tokens: masked in frame locals.
    return SecretBytes(b"".join(chunks)) if secret else b"".join(chunks)


def _split(options: Mapping[str, Any]) -> tuple[Mapping[str, Any], Any]:
    """Per-call httpx options: those of build_request, and `auth` for send."""
    if not options:
        return options, httpx.USE_CLIENT_DEFAULT
    build_options = dict(options)
    auth = build_options.pop("auth", httpx.USE_CLIENT_DEFAULT)
    build_options.pop("follow_redirects", None)  # never honoured: see the module docstring
    return build_options, auth


def _check_head(response: httpx.Response, operation: str | None, max_bytes: int) -> None:
    if 300 <= response.status_code < 400 and response.is_redirect:
        raise _redirected(response, operation)
    declared = response.headers.get("content-length")
    if (
        declared is not None
        and declared.isdigit()
        and int(declared) > max_bytes
        and "content-encoding" not in response.headers
    ):
        raise _too_large(response, operation, max_bytes)


def _redirected(response: httpx.Response, operation: str | None) -> HTTPStatusError:
    location = response.headers.get("location", "")
    try:
        target = mask_userinfo(str(response.request.url.join(location)))
    except (httpx.InvalidURL, ValueError, TypeError):
        target = "an invalid URL"
    if len(target) > _MAX_SHOWN_LOCATION:
        target = target[:_MAX_SHOWN_LOCATION] + "..."
    return HTTPStatusError(
        f"{operation or 'The request'} was redirected (HTTP {response.status_code}) to "
        f"{target}. API calls never follow redirects, which would re-send the request "
        "body; if that address is right, use it as the client's url.",
        operation=operation,
        status_code=response.status_code,
    )


def _too_large(
    response: httpx.Response, operation: str | None, max_bytes: int
) -> InvalidResponseError:
    return InvalidResponseError(
        f"The response to {operation or 'the request'} is larger than max_response_bytes "
        f"({max_bytes:,} bytes); it was not read further. Raise max_response_bytes, or "
        "ask for fewer rows per call.",
        operation=operation,
        status_code=response.status_code,
    )


__all__ = ["check_max_response_bytes", "send", "send_async"]
