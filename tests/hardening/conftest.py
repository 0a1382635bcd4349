"""The hostile proxy in front of a local server; the server fixtures are in the
top-level conftest."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from nextschool.testing import LocalServer

from ._hostile_proxy import HostileProxy, hostile_proxy


@pytest.fixture
def proxy(server: LocalServer) -> Iterator[HostileProxy]:
    with hostile_proxy(server.url) as running:
        yield running
