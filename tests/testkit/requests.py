"""Every request a client sent, as the server received it (an httpx event hook)."""

from __future__ import annotations

import json

import httpx


class RequestLog:
    """Append `log.record` (sync) or `log.arecord` (async) to a client's request hooks."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def record(self, request: httpx.Request) -> None:
        self.requests.append(request)

    __call__ = record

    async def arecord(self, request: httpx.Request) -> None:
        self.requests.append(request)

    def operations(self) -> list[str]:
        return [json.loads(r.content).get("operationName") for r in self.requests]

    @property
    def ids(self) -> list[str]:
        """The X-Request-Id of every request."""
        return [request.headers["x-request-id"] for request in self.requests]
