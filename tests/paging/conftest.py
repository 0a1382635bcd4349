from __future__ import annotations

from collections.abc import Iterator

import pytest

from nextschool.testing import LocalServer, ServerSettings
from nextschool.testing.server import run_local_server


@pytest.fixture(scope="module")
def paging_server() -> Iterator[LocalServer]:
    """One server for the module: the tests only read, and count requests as deltas."""
    with run_local_server(ServerSettings(rate_limits=False)) as server:
        yield server
