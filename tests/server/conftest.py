"""Fixtures for the local server's conformance tests.

Every test talks to a real server over loopback HTTP. Read-only tests share one
server per module (rate limits off); tests that turn controls or depend on
counters get their own through `nextschool_server` / `nextschool_server_factory`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from nextschool.testing import LocalServer, ServerSettings
from nextschool.testing.pytest_plugin import nextschool_server, nextschool_server_factory
from nextschool.testing.server import run_local_server

from .helpers import Api, api_for

__all__ = ["nextschool_server", "nextschool_server_factory"]


@pytest.fixture(scope="module")
def shared_server() -> Iterator[LocalServer]:
    """One server per module for tests that only read."""
    with run_local_server(ServerSettings(rate_limits=False)) as server:
        yield server


@pytest.fixture
def shared_api(shared_server: LocalServer) -> Iterator[Api]:
    yield from api_for(shared_server)


@pytest.fixture
def api(nextschool_server: LocalServer) -> Iterator[Api]:
    """A client for a fresh server of this test alone."""
    yield from api_for(nextschool_server)


@pytest.fixture
def demo_token(shared_server: LocalServer) -> str:
    return shared_server.issue_tokens().access_token


@pytest.fixture
def other_token(shared_server: LocalServer) -> str:
    return shared_server.issue_tokens("other").access_token
