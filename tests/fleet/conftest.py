"""A real redis-server per test, started on a free loopback port."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from nextschool.testing.redis_server import RedisServer, redis_server_path


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    if redis_server_path() is None:
        message = "redis-server is not installed (apt-get install redis-server)"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI installs it: a missing one is a broken set-up
        pytest.skip(message)
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()
