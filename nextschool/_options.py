"""The options every call accepts besides the operation's own arguments."""

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


PER_CALL_OPTIONS = RequestOptions.__required_keys__ | RequestOptions.__optional_keys__
