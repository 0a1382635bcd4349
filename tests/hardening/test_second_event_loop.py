"""Item 11: one AsyncNextSchool across two `asyncio.run()` calls.

Pooled connections (and a contended asyncio.Lock) belong to the event loop
that made them; the second loop used to get an untyped `RuntimeError: Event
loop is closed`. A client that owns its httpx client now opens a new pool and
lock for the new loop and keeps its tokens; with a caller's httpx client,
which the SDK cannot replace, it raises a ConfigurationError saying what to do.
"""

from __future__ import annotations

import asyncio
import threading

import httpx
import pytest

from nextschool import AsyncNextSchool, ConfigurationError
from nextschool.testing import (
    DEMO_PASSWORD,
    DEMO_USERNAME,
    LocalServer,
)


def demo_client(server: LocalServer, **options: object) -> AsyncNextSchool:
    return AsyncNextSchool(
        server.url,
        username=DEMO_USERNAME,
        password=DEMO_PASSWORD,
        **options,  # type: ignore[arg-type]
    )


def test_an_sdk_owned_client_works_on_a_second_event_loop(server: LocalServer) -> None:
    client = demo_client(server)

    async def fetch() -> list[int]:
        return [student.id for student in await client.students(limit=3)]

    first = asyncio.run(fetch())
    second = asyncio.run(fetch())
    third = asyncio.run(fetch())
    assert first == second == third
    assert server.counters.logins == 1  # the tokens were kept
    asyncio.run(client.aclose())


def test_a_refresh_storm_on_each_of_two_loops(server: LocalServer) -> None:
    # Concurrent callers make the renewal lock wait on a future of the loop:
    # the second loop needs a lock of its own.
    client = demo_client(server)

    async def storm() -> int:
        await client.students(limit=1)
        server.controls.revoke_access_tokens()
        results = await asyncio.gather(*(client.students(limit=1) for _ in range(20)))
        return len(results)

    assert asyncio.run(storm()) == 20
    assert asyncio.run(storm()) == 20
    assert server.counters.refreshes == 2
    assert server.counters.logins == 1
    asyncio.run(client.aclose())


def test_login_and_refresh_on_a_second_loop(server: LocalServer) -> None:
    client = demo_client(server)
    asyncio.run(client.login())
    asyncio.run(client.refresh_token())
    assert asyncio.run(client.logout()) is True
    asyncio.run(client.aclose())
    assert server.counters.refreshes == 1


def test_a_callers_http_client_on_a_second_loop_is_a_configuration_error(
    server: LocalServer,
) -> None:
    http = httpx.AsyncClient()
    client = demo_client(server, http_client=http)

    async def first_loop() -> int:
        students = await client.students(limit=1)
        await http.aclose()  # the caller's to close, on its loop
        return len(students)

    assert asyncio.run(first_loop()) == 1
    with pytest.raises(ConfigurationError) as caught:
        asyncio.run(client.students(limit=1))
    message = str(caught.value)
    assert "event loop" in message
    assert "http_client" in message
    assert server.counters.requests_total == 2  # login and the first call only


def test_a_callers_http_client_can_be_made_per_loop(server: LocalServer) -> None:
    # The documented remedy: client and httpx client inside the loop.
    async def run_once() -> int:
        async with httpx.AsyncClient() as http:
            client = demo_client(server, http_client=http)
            return len(await client.students(limit=2))

    assert asyncio.run(run_once()) == 2
    assert asyncio.run(run_once()) == 2


def test_use_from_two_running_loops_at_once_is_a_configuration_error(
    server: LocalServer,
) -> None:
    client = demo_client(server)
    started = threading.Event()
    release = threading.Event()

    async def hold_the_loop() -> None:
        await client.students(limit=1)
        started.set()
        await asyncio.to_thread(release.wait, 10)

    thread = threading.Thread(target=asyncio.run, args=(hold_the_loop(),))
    thread.start()
    try:
        assert started.wait(10)
        with pytest.raises(ConfigurationError, match="one event loop at a time"):
            asyncio.run(client.students(limit=1))
    finally:
        release.set()
        thread.join(10)
    # Once the other loop has ended, this one takes the client over.
    assert len(asyncio.run(client.students(limit=1))) == 1
    asyncio.run(client.aclose())
