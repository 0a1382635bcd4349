"""Per-call options: the accepted ones work, anything else is a ConfigurationError."""

from __future__ import annotations

from typing import Any

import pytest

from nextschool import AsyncNextSchool, ConfigurationError, NextSchool
from nextschool.testing import DEMO_PASSWORD, DEMO_USERNAME, LocalServer


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"timout": 2.0}, "timout"),
        ({"max_retries": 0}, "max_retries"),
        ({"timeout": 2.0, "retries": 1, "verify": False}, "retries, verify"),
    ],
)
async def test_unknown_option_is_a_configuration_error(
    server: LocalServer, options: dict[str, Any], named: str
) -> None:
    async with AsyncNextSchool(server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as aio:
        with pytest.raises(ConfigurationError, match=f"Unknown per-call option.*{named}"):
            await aio.students(limit=1, **options)
    accepted = "accepted: deadline, extensions, headers, timeout"
    with (
        NextSchool(server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as sync,
        pytest.raises(ConfigurationError, match=accepted),
    ):
        sync.students(limit=1, **options)
    assert server.counters.requests_total == 0  # rejected before anything was sent


async def test_accepted_options_still_work(server: LocalServer) -> None:
    async with AsyncNextSchool(server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as aio:
        rows = await aio.students(
            limit=2, timeout=10.0, deadline=30.0, headers={"X-Trace": "1"}, extensions={}
        )
        assert len(rows) == 2
    with NextSchool(server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as sync:
        assert len(sync.students(limit=2, timeout=10.0, headers={"X-Trace": "1"})) == 2
