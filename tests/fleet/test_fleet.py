"""Twelve processes on one account, as a service's workers would be.

Tokens live 3 s and the limits count per 6 s window, so 12 s of calls cover
four token lifetimes and two rate-limit windows.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import pytest

from nextschool.testing import LocalServer, ServerSettings, run_local_server
from nextschool.testing.fleet import FleetReport, run_fleet
from nextschool.testing.redis_server import RedisServer

PROCESSES = 12
DURATION = 12.0
TOKEN_LIFETIME = 3.0
MAX_REFRESHES = math.ceil(DURATION / TOKEN_LIFETIME) + 2


def _both_clients_called(report: FleetReport) -> None:
    # Even processes use the sync client, odd ones the async client. How the
    # budget splits between processes is first come, first served: not asserted.
    assert sum(report.per_process_calls[0::2]) > 0
    assert sum(report.per_process_calls[1::2]) > 0


@pytest.fixture
def fleet_server() -> Iterator[LocalServer]:
    settings = ServerSettings(access_token_ttl=TOKEN_LIFETIME, rate_limit_window=6.0)
    with run_local_server(settings) as server:
        yield server


def test_a_fleet_on_one_token_file_logs_in_once_and_refreshes_once_per_lifetime(
    fleet_server: LocalServer, tmp_path: Path
) -> None:
    report = run_fleet(
        fleet_server,
        mode="file",
        processes=PROCESSES,
        duration=DURATION,
        token_path=str(tmp_path / "tokens.json"),
    )
    print(report)
    assert report.errors == {}
    assert report.logins == report.login_attempts == 1
    assert report.refreshes <= MAX_REFRESHES
    _both_clients_called(report)


def test_a_fleet_on_redis_shares_session_and_budget_without_a_rejection(
    fleet_server: LocalServer, redis_server: RedisServer
) -> None:
    report = run_fleet(
        fleet_server,
        mode="redis",
        processes=PROCESSES,
        duration=DURATION,
        redis_url=redis_server.url,
    )
    print(report)
    assert report.errors == {}
    assert report.logins == report.login_attempts == 1
    assert report.refreshes <= MAX_REFRESHES
    assert report.rate_limited == 0, report.rate_limited_by_layer
    assert report.budget_use >= 0.8
    _both_clients_called(report)
