"""pytest fixtures for the local server.

Enable with ``pytest_plugins = ["nextschool.testing.pytest_plugin"]`` in the
top-level conftest.py.

- `nextschool_server`: a fresh server per test, rate limits off.
- `nextschool_server_factory`: call it with ServerSettings field overrides
  (or a whole ServerSettings) to start more servers; all stop at teardown.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from typing import Any, Protocol

import pytest

from nextschool.testing.server import LocalServer, run_local_server
from nextschool.testing.settings import ServerSettings


class ServerFactory(Protocol):
    def __call__(self, settings: ServerSettings | None = None, /, **overrides: Any) -> LocalServer:
        """Start a server. Rate limits are off unless `rate_limits=True` is passed."""


@pytest.fixture
def nextschool_server_factory() -> Iterator[ServerFactory]:
    with contextlib.ExitStack() as stack:

        def start(settings: ServerSettings | None = None, /, **overrides: Any) -> LocalServer:
            # Ordinary tests should not trip over the documented per-minute
            # limits, so the base switches them off; pass rate_limits=True
            # (or a ServerSettings) to test them.
            base = settings if settings is not None else ServerSettings(rate_limits=False)
            return stack.enter_context(run_local_server(dataclasses.replace(base, **overrides)))

        yield start


@pytest.fixture
def nextschool_server(nextschool_server_factory: ServerFactory) -> LocalServer:
    return nextschool_server_factory()
