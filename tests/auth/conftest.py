from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import httpx
import pytest

from nextschool.testing import LocalServer, ServerSettings, run_local_server

ServerFactory = Callable[..., LocalServer]


@pytest.fixture
def start_server() -> Iterator[ServerFactory]:
    """Start local servers with settings overrides; rate limits off unless asked."""
    with ExitStack() as stack:

        def start(**overrides: Any) -> LocalServer:
            overrides.setdefault("rate_limits", False)
            return stack.enter_context(run_local_server(ServerSettings(**overrides)))

        yield start


@pytest.fixture
def server(start_server: ServerFactory) -> LocalServer:
    return start_server()


class RequestLog:
    """Every request a client sent, as the server received it (via an event hook)."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    async def arecord(self, request: httpx.Request) -> None:
        self.requests.append(request)

    def operations(self) -> list[str]:
        return [json.loads(r.content).get("operationName") for r in self.requests]
