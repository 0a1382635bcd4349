"""What the auth tests share; the local-server fixtures are in the top-level conftest."""

from __future__ import annotations

import json

import httpx


class RequestLog:
    """Every request a client sent, as the server received it (via an event hook)."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def record(self, request: httpx.Request) -> None:
        self.requests.append(request)

    async def arecord(self, request: httpx.Request) -> None:
        self.requests.append(request)

    def operations(self) -> list[str]:
        return [json.loads(r.content).get("operationName") for r in self.requests]
