"""pytest fixtures for the local server, loaded automatically by pytest.

Registered as a ``pytest11`` entry point, so every pytest run in an
environment with nextschool installed imports this module. It therefore
imports nothing beyond pytest until a fixture is used: the local server's
dependencies (the ``testing`` extra) are needed only by tests that ask for it.

- `nextschool_server`: a fresh server per test, rate limits off.
- `nextschool_server_factory`: call it with ServerSettings field overrides
  (or a whole ServerSettings) to start more servers; all stop at teardown.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Protocol

import pytest

if TYPE_CHECKING:
    from nextschool.testing.server import LocalServer
    from nextschool.testing.settings import ServerSettings

__all__ = ["ServerFactory", "nextschool_server", "nextschool_server_factory"]


class ServerFactory(Protocol):
    """What `nextschool_server_factory` yields: a callable starting a server."""

    def __call__(self, settings: ServerSettings | None = None, /, **overrides: Any) -> LocalServer:
        """Start a server. Rate limits are off unless `rate_limits=True` is passed."""
        ...


@pytest.fixture
def nextschool_server_factory() -> Iterator[ServerFactory]:
    """Start local servers on demand; every one of them stops at teardown."""
    from nextschool.testing.server import run_local_server
    from nextschool.testing.settings import ServerSettings

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
    """A local server of this test alone, with rate limits off."""
    return nextschool_server_factory()
