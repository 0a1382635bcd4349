"""The options every call accepts besides the operation's own arguments, and
the client-wide ones `with_options()` takes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict

import httpx


class RequestOptions(TypedDict, total=False):
    """Per-call options of every operation, e.g. `client.students(limit=5, timeout=2.0)`.

    Type checkers reject a misspelt option; at run time an unknown one is a
    `ConfigurationError`, raised before anything is sent.
    """

    timeout: float | httpx.Timeout | None
    """httpx timeout for this call's requests (seconds, or an `httpx.Timeout`)."""
    headers: Mapping[str, str]
    """Extra HTTP headers for this call."""
    extensions: dict[str, Any]
    """httpx request extensions."""
    deadline: float | None
    """Overall limit in seconds for the whole call, retries and renewal included."""


class ClientOptions(RequestOptions, total=False):
    """What `client.with_options(...)` accepts: the per-call options, as defaults
    for every call of the derived client, and `max_retries`.

    `headers` and `extensions` are merged with the ones the client already
    has (and a call's own win); the others replace them.
    """

    max_retries: int
    """How many times a failed or rate-limited query is retried (0: never)."""


PER_CALL_OPTIONS = RequestOptions.__required_keys__ | RequestOptions.__optional_keys__
CLIENT_OPTIONS = ClientOptions.__required_keys__ | ClientOptions.__optional_keys__


def merge_options(defaults: Mapping[str, Any], options: Mapping[str, Any]) -> dict[str, Any]:
    """`options` over `defaults`; headers and extensions merged, `options` winning."""
    merged = {**defaults, **options}
    if "headers" in defaults and "headers" in options:
        merged["headers"] = merge_headers(defaults["headers"], options["headers"])
    if "extensions" in defaults and "extensions" in options:
        merged["extensions"] = {**defaults["extensions"], **options["extensions"]}
    return merged


def merge_headers(defaults: Mapping[str, str], headers: Mapping[str, str]) -> dict[str, str]:
    """`headers` over `defaults`, names compared as HTTP compares them: case-blind."""
    replaced = {name.lower() for name in headers}
    kept = {name: value for name, value in defaults.items() if name.lower() not in replaced}
    return {**kept, **headers}
