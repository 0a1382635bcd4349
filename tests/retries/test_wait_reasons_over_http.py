"""Over HTTP: each wait before a retry says why, and a failed first send is retried once, not twice.

A handler (the CLI's countdown, for one) reads `wait_reason` from the log
record of each wait. The clients send a call with a fresh token on their own
and hand a failure to the call flow: the failed send must count as the first
attempt, so a call that fails once reaches the server exactly twice.
"""

from __future__ import annotations

import logging

import pytest

from nextschool import AsyncNextSchool, HTTPStatusError, NextSchool
from nextschool.testing import (
    DEMO_PASSWORD,
    DEMO_USERNAME,
    LocalServer,
)


def wait_reasons(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        record.__dict__["wait_reason"]
        for record in caplog.records
        if "wait_reason" in record.__dict__
    ]


FAULTS = {
    "http_503": "the API answered HTTP 503",
    "http_500": "the API answered HTTP 500",
    "html": "the API answered HTTP 502",
    "drop_connection": "no response from the API",
}


@pytest.mark.parametrize(("kind", "reason"), FAULTS.items(), ids=FAULTS.keys())
def test_a_fault_is_retried_once_with_its_reason(
    server: LocalServer, kind: str, reason: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="nextschool")
    with NextSchool(server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as sdk:
        sdk.login()
        server.controls.fail_next(1, kind, operation="Students")
        assert len(sdk.students(limit=2)) == 2
    assert wait_reasons(caplog) == [reason]
    assert server.counters.requests_by_operation["Students"] == 2


@pytest.mark.parametrize("mode", ["http", "graphql"])
async def test_a_rate_limit_is_waited_out_with_its_reason(
    server: LocalServer, mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="nextschool")
    async with AsyncNextSchool(server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as sdk:
        await sdk.login()
        server.controls.rate_limit_next(1, mode=mode, retry_after=0, operation="Teachers")
        assert len(await sdk.teachers(limit=2)) == 2
    assert wait_reasons(caplog) == ["rate limited by the API"]
    assert server.counters.requests_by_operation["Teachers"] == 2


def test_a_timed_out_send_is_retried_with_its_reason(
    server: LocalServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="nextschool")
    # The first Students request is held until released: it cannot be
    # answered within the timeout whatever the machine's load.
    held = server.controls.hold_next(1, operation="Students")
    try:
        with NextSchool(
            server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, timeout=2.0
        ) as sdk:
            sdk.login()
            assert len(sdk.students(limit=2)) == 2
    finally:
        held.release()
    assert held.arrived == 1
    assert wait_reasons(caplog) == ["the API did not answer in time"]
    assert server.counters.requests_by_operation["Students"] == 2


def test_a_bounded_retry_counts_the_first_send(server: LocalServer) -> None:
    with NextSchool(
        server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, max_retries=1
    ) as sdk:
        sdk.login()
        server.controls.fail_next(2, "http_502", operation="Students")
        with pytest.raises(HTTPStatusError, match="502"):
            sdk.students(limit=1)
    assert server.counters.requests_by_operation["Students"] == 2


async def test_a_revoked_token_on_the_first_send_is_renewed_once(server: LocalServer) -> None:
    async with AsyncNextSchool(server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as sdk:
        await sdk.login()
        server.controls.revoke_access_tokens()
        assert len(await sdk.students(limit=1)) == 1
    assert server.counters.requests_by_operation["Students"] == 2
    assert server.counters.refreshes == 1
