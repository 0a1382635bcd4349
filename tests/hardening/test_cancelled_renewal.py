"""Item 3: a cancelled renewal is not a failure, and never hands out an old error.

Callers queued behind a renewal share its failure only when that renewal
failed; when its leader is cancelled, the next caller renews itself.
"""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from nextschool import AsyncNextSchool, HTTPStatusError
from nextschool.testing import DEMO_PASSWORD, DEMO_USERNAME, LocalServer


async def _wait_for(condition: object, timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():  # type: ignore[operator]
        assert loop.time() < deadline, "condition not reached"
        await asyncio.sleep(0.01)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_waiters_behind_a_cancelled_leader_do_not_get_an_earlier_error(
    server: LocalServer,
) -> None:
    clock = Clock()
    async with AsyncNextSchool(
        server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, max_retries=0, clock=clock
    ) as client:
        await client.login()
        # The access token has expired (as far as the client can tell), so
        # every call renews first. An earlier, unrelated renewal fails.
        clock.now += 3600
        server.controls.fail_next(1, "http_502", operation="RefreshToken")
        with pytest.raises(HTTPStatusError):
            await client.students(limit=1)

        # A new renewal whose leader is cancelled while its refresh is in flight.
        server.controls.delay = 0.5
        attempts = server.counters.refresh_attempts

        async def leader() -> None:
            with contextlib.suppress(asyncio.CancelledError):
                await client.students(limit=1)

        leading = asyncio.create_task(leader())
        await _wait_for(lambda: server.counters.refresh_attempts > attempts)
        # These queue behind the leader's renewal.
        waiters = [asyncio.create_task(client.students(limit=1)) for _ in range(10)]
        await asyncio.sleep(0.05)
        leading.cancel()
        await leading
        outcomes = await asyncio.gather(*waiters, return_exceptions=True)
        server.controls.delay = 0
    assert [type(outcome).__name__ for outcome in outcomes] == ["list"] * 10


def test_a_renewal_closed_part_way_reports_no_failure_to_its_waiters() -> None:
    """What a cancelled leader does to the shared state machine, step by step."""
    from nextschool.auth._tokens import Credentials, TokenManager

    manager = TokenManager(
        credentials=Credentials("user", "pass"), clock=lambda: 0.0, wall_clock=lambda: 0.0
    )
    earlier = manager.renew(proactive=False)
    next(earlier)  # LogIn
    with contextlib.suppress(HTTPStatusError):
        earlier.throw(HTTPStatusError("HTTP 502", status_code=502))
    ticket = manager.renewal_ticket()  # a caller starts waiting
    leading = manager.renew(proactive=False)
    next(leading)
    leading.close()  # the leader was cancelled while its request was in flight
    assert manager.failure_since(ticket) is None
