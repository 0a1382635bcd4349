"""`client.with_options(...)`: other defaults, the same pool and the same session."""

from __future__ import annotations

import time
from typing import Any

import pytest

from nextschool import (
    APITimeoutError,
    AsyncNextSchool,
    ConfigurationError,
    HTTPStatusError,
    NextSchool,
)
from nextschool.testing import DEMO_PASSWORD, DEMO_USERNAME, LocalServer

from .conftest import RequestLog


def test_one_login_and_one_pool_for_the_original_and_the_derived(server: LocalServer) -> None:
    sent = RequestLog()
    with NextSchool(server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as client:
        client._http.event_hooks["request"].append(sent.record)
        quick = client.with_options(timeout=5.0, max_retries=0, headers={"X-Team": "care"})
        assert type(quick) is NextSchool
        assert len(quick.students(limit=2)) == 2  # logs in
        assert len(client.students(limit=2)) == 2  # uses the derived client's login
        assert quick.tokens is not None and client.tokens is not None
        assert quick.tokens.access_token == client.tokens.access_token
    assert server.counters.logins == 1
    # Both clients' requests went through the one pool.
    assert sent.operations() == ["Login", "Students", "Students"]
    assert [request.headers.get("X-Team") for request in sent.requests] == ["care", "care", None]


async def test_async_one_login_and_one_pool(server: LocalServer) -> None:
    sent = RequestLog()
    async with AsyncNextSchool(
        server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD
    ) as client:
        client._http.event_hooks["request"].append(sent.arecord)
        await client.students(limit=1)  # logs in
        quick = client.with_options(deadline=30.0, headers={"X-Team": "care"})
        assert type(quick) is AsyncNextSchool
        assert len(await quick.students(limit=2)) == 2
    assert server.counters.logins == 1
    assert sent.operations() == ["Login", "Students", "Students"]
    assert sent.requests[-1].headers["X-Team"] == "care"


def test_a_renewal_by_the_derived_client_serves_the_original(server: LocalServer) -> None:
    with NextSchool(server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as client:
        client.login()
        derived = client.with_options(max_retries=1)
        server.controls.revoke_access_tokens()
        assert len(derived.students(limit=1)) == 1  # UNAUTHENTICATED, refresh, retry
        assert len(client.students(limit=1)) == 1  # the refreshed token, no renewal
    assert (server.counters.logins, server.counters.refreshes) == (1, 1)


def test_headers_merge_and_a_calls_own_win(server: LocalServer) -> None:
    sent = RequestLog()
    with NextSchool(server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as client:
        client._http.event_hooks["request"].append(sent.record)
        client.login()
        first = client.with_options(headers={"X-Team": "care", "X-Trace": "a"})
        second = first.with_options(headers={"x-trace": "b"})
        second.students(limit=1)
        second.students(limit=1, headers={"X-Team": "office"})
    sent_headers = [request.headers for request in sent.requests[1:]]
    assert [(h["X-Team"], h["X-Trace"]) for h in sent_headers] == [("care", "b"), ("office", "b")]
    # Merged case-blind: one X-Trace line, not two.
    assert [len(h.get_list("X-Trace")) for h in sent_headers] == [1, 1]


def test_timeout_and_max_retries_apply_to_the_derived_client_only(server: LocalServer) -> None:
    with NextSchool(server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as client:
        client.login()
        impatient = client.with_options(timeout=0.3, max_retries=0)
        server.controls.fail_next(1, "http_503", operation="Students")
        with pytest.raises(HTTPStatusError):
            impatient.students(limit=1)  # not retried
        server.controls.fail_next(1, "http_503", operation="Students")
        assert len(client.students(limit=1)) == 1  # the original still retries
        held = server.controls.hold_next(1, operation="Students")
        started = time.monotonic()
        with pytest.raises(APITimeoutError):
            impatient.students(limit=1)
        assert time.monotonic() - started < 5.0
        held.release()


async def test_a_deadline_for_every_call_of_the_derived_client(server: LocalServer) -> None:
    async with AsyncNextSchool(
        server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD
    ) as client:
        await client.login()
        hurried = client.with_options(deadline=0.5)
        held = server.controls.hold_next(1, operation="Students")
        with pytest.raises(APITimeoutError, match="Students"):
            await hurried.students(limit=1)
        held.release()
        assert len(await hurried.students(limit=1, deadline=30.0)) == 1  # a call's own wins


def test_closing_the_derived_client_leaves_the_pool_open(server: LocalServer) -> None:
    with NextSchool(server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as client:
        with client.with_options(max_retries=0) as derived:
            derived.students(limit=1)
        assert not client._http.is_closed
        assert len(client.students(limit=1)) == 1
    assert client._http.is_closed  # the original owns the pool


async def test_async_closing_the_derived_client_leaves_the_pool_open(server: LocalServer) -> None:
    async with AsyncNextSchool(
        server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD
    ) as client:
        async with client.with_options(max_retries=0) as derived:
            await derived.students(limit=1)
        assert not client._http.is_closed
        assert len(await client.students(limit=1)) == 1
    assert client._http.is_closed


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"timout": 2.0}, r"Unknown option\(s\) for with_options\(\): timout"),
        ({"retries": 1, "verify": False}, "retries, verify"),
        ({"max_retries": -1}, "max_retries must be 0 or more"),
        ({"max_retries": "2"}, "max_retries must be an int"),
        ({"deadline": 0}, "deadline must be a positive number"),
        ({"headers": {"X-Count": 1}}, "headers must be a mapping"),
        ({"headers": "X-Count: 1"}, "headers must be a mapping"),
        ({"extensions": [("trace", None)]}, "extensions must be a dict"),
        ({"timeout": "5"}, "timeout must be a number of seconds"),
    ],
)
async def test_bad_options_are_configuration_errors(
    server: LocalServer, options: dict[str, Any], message: str
) -> None:
    async with AsyncNextSchool(server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as aio:
        with pytest.raises(ConfigurationError, match=message):
            aio.with_options(**options)
    with (
        NextSchool(server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as sync,
        pytest.raises(ConfigurationError, match=message),
    ):
        sync.with_options(**options)
    assert server.counters.requests_total == 0


def test_a_closed_client_and_those_derived_from_it_say_so(server: LocalServer) -> None:
    client = NextSchool(server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD)
    derived = client.with_options(max_retries=0)
    client.students(limit=1)
    client.close()
    for closed in (client, derived):
        with pytest.raises(ConfigurationError, match="closed") as caught:
            closed.students(limit=1)
        assert caught.value.__cause__ is None and caught.value.__context__ is None
    assert server.counters.logins == 1


async def test_async_a_closed_client_says_so(server: LocalServer) -> None:
    client = AsyncNextSchool(server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD)
    derived = client.with_options(max_retries=0)
    await client.aclose()
    for closed in (client, derived):
        with pytest.raises(ConfigurationError, match="closed") as caught:
            await closed.students(limit=1)  # the login is the first request refused
        assert caught.value.__cause__ is None and caught.value.__context__ is None
    assert server.counters.logins == 0
