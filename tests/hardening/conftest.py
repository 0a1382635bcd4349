from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import pytest

from nextschool.testing import LocalServer, ServerSettings, run_local_server

from ._hostile_proxy import HostileProxy, hostile_proxy

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


@pytest.fixture
def proxy(server: LocalServer) -> Iterator[HostileProxy]:
    with hostile_proxy(server.url) as running:
        yield running
