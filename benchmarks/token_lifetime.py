"""Row 4: a compressed hour of one call per second with 15-minute access tokens.

Time is scaled so a token still lasts 900 calls: the server's access tokens
live `TTL` seconds and a call goes out every `TTL / 900` seconds, 3,600 calls
in all (four token lifetimes). The server counts every request that arrives
with a correctly signed token past its lifetime. The SDK refreshes ahead of
expiry; the documentation's pattern finds out from an UNAUTHENTICATED answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from nextschool import AsyncNextSchool, NextSchool
from nextschool.generated_client.models.operations import STUDENTS_GQL
from nextschool.testing import DEMO_PASSWORD, DEMO_USERNAME

from . import docs_pattern
from ._contenders import LIMIT, VARIABLES
from ._server import ServerProcess, server_process
from ._table import Comparison, Row, verdict

CALLS_PER_LIFETIME = 900  # 15 minutes of one call per second


@dataclass(frozen=True)
class Hour:
    calls: int
    seconds: float
    expired_token_requests: int
    refreshes: int
    logins: int


@dataclass(frozen=True)
class Schedule:
    ttl: float
    calls: int

    @property
    def interval(self) -> float:
        return self.ttl / CALLS_PER_LIFETIME


def _counted(server: ServerProcess, calls: int, seconds: float) -> Hour:
    counters = server.counters()
    return Hour(
        calls,
        seconds,
        counters["expired_token_requests"],
        counters["refreshes"],
        counters["logins"],
    )


def _run_sync(schedule: Schedule, call: Callable[[], Any]) -> float:
    started = time.perf_counter()
    for index in range(schedule.calls):
        wait = started + index * schedule.interval - time.perf_counter()
        if wait > 0:
            time.sleep(wait)
        rows = call()
        assert len(rows) == LIMIT
    return time.perf_counter() - started


async def _run_async(schedule: Schedule, call: Callable[[], Awaitable[Any]]) -> float:
    started = time.perf_counter()
    for index in range(schedule.calls):
        wait = started + index * schedule.interval - time.perf_counter()
        if wait > 0:
            await asyncio.sleep(wait)
        rows = await call()
        assert len(rows) == LIMIT
    return time.perf_counter() - started


def _async_sdk_hour(server: ServerProcess, schedule: Schedule) -> Hour:
    async def hour() -> Hour:
        async with AsyncNextSchool(
            server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD
        ) as client:
            await client.login()
            server.reset_counters()
            seconds = await _run_async(schedule, lambda: client.students(limit=LIMIT))
            return _counted(server, schedule.calls, seconds)

    return asyncio.run(hour())


def _sync_sdk_hour(server: ServerProcess, schedule: Schedule) -> Hour:
    with NextSchool(server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as client:
        client.login()
        server.reset_counters()
        seconds = _run_sync(schedule, lambda: client.students(limit=LIMIT))
        return _counted(server, schedule.calls, seconds)


def _docs_hour(server: ServerProcess, schedule: Schedule) -> Hour:
    docs_pattern.configure(server.url)
    docs_pattern.login(DEMO_USERNAME, DEMO_PASSWORD)
    server.reset_counters()
    with contextlib.redirect_stdout(io.StringIO()):
        seconds = _run_sync(
            schedule,
            lambda: docs_pattern.fetch_with_refresh(STUDENTS_GQL, dict(VARIABLES))["students"],
        )
    return _counted(server, schedule.calls, seconds)


def run(*, quick: bool) -> list[Row]:
    # Full: the hour with 3-second tokens. Quick: 1-second tokens and 700 calls,
    # which cannot keep the pace but still cross several expiries.
    schedule = Schedule(ttl=1.0, calls=700) if quick else Schedule(ttl=3.0, calls=3_600)
    with server_process(access_token_ttl=schedule.ttl) as server:
        hours = {
            "async": _async_sdk_hour(server, schedule),
            "sync": _sync_sdk_hour(server, schedule),
            "docs": _docs_hour(server, schedule),
        }
    minutes = schedule.calls // 60
    scheduled = schedule.calls * schedule.interval
    docs = hours["docs"]
    baseline = f"docs pattern: {_summary(docs, scheduled)}"
    rows = []
    for number, name in (("4a", "async"), ("4b", "sync")):
        hour = hours[name]
        rows.append(
            Row(
                number,
                f"{minutes} min at 1 call/s, 15-min tokens as {schedule.ttl:g} s, {name}",
                _summary(hour, scheduled),
                (
                    Comparison(
                        baseline,
                        f"{hour.expired_token_requests} vs {docs.expired_token_requests}",
                        "0 expired-token requests",
                        verdict(hour.expired_token_requests == 0 and hour.logins == 0),
                    ),
                ),
            )
        )
    return rows


def _summary(hour: Hour, scheduled: float) -> str:
    refreshes = f"{hour.refreshes} refresh{'' if hour.refreshes == 1 else 'es'}"
    # A call slower than the pace delays the rest; the time shows how far.
    return (
        f"{hour.expired_token_requests} expired, {refreshes}, "
        f"{hour.seconds:.1f} s for {scheduled:.0f} s"
    )
