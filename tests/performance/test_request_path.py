"""The per-call fast path, over real HTTP: constant headers set once on the SDK's
own httpx client, and calls with a fresh token sent without the call flow,
which takes over from a failed first attempt with the same bounds as ever."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from testkit.requests import RequestLog

from nextschool import AsyncNextSchool, AuthenticationError, NextSchool
from nextschool.auth import _async_client, _flow, _sync_client
from nextschool.testing import DEMO_PASSWORD, DEMO_USERNAME, LocalServer

JSON = "application/json"


def _assert_json_headers(requests: list[httpx.Request]) -> None:
    assert requests
    for request in requests:
        assert request.headers["content-type"] == JSON
        assert request.headers["accept"] == JSON


# -- constant headers -----------------------------------------------------------


def test_the_sdks_own_client_carries_the_constant_headers(server: LocalServer) -> None:
    sent = RequestLog()
    with NextSchool(server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as client:
        assert client._http.headers["content-type"] == JSON
        assert client._http.headers["accept"] == JSON
        client._http.event_hooks["request"].append(sent)
        assert len(client.students(limit=2)) == 2
    _assert_json_headers(sent.requests)
    assert sent.operations() == ["Login", "Students"]


async def test_the_async_sdks_own_client_carries_the_constant_headers(
    server: LocalServer,
) -> None:
    sent = RequestLog()
    async with AsyncNextSchool(
        server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD
    ) as client:
        assert client._http.headers["content-type"] == JSON
        client._http.event_hooks["request"].append(sent.arecord)
        assert len(await client.students(limit=2)) == 2
    _assert_json_headers(sent.requests)


def test_the_sdks_own_client_keeps_one_connection_alive_with_no_connection_header(
    server: LocalServer,
) -> None:
    # HTTP/1.1 connections persist unless a side says `close`: httpx's default
    # `Connection: keep-alive` only adds to the per-header work of every call.
    sent = RequestLog()
    with NextSchool(server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as client:
        client._http.event_hooks["request"].append(sent)
        for _ in range(5):
            assert len(client.students(limit=1)) == 1
    assert len(sent.requests) == 6
    assert all("connection" not in request.headers for request in sent.requests)
    assert server.counters.connections == 1
    assert server.counters.requests_total == 6


async def test_the_async_sdks_own_client_keeps_one_connection_alive_with_no_connection_header(
    server: LocalServer,
) -> None:
    sent = RequestLog()
    async with AsyncNextSchool(
        server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD
    ) as client:
        client._http.event_hooks["request"].append(sent.arecord)
        for _ in range(5):
            assert len(await client.students(limit=1)) == 1
    assert all("connection" not in request.headers for request in sent.requests)
    assert (server.counters.connections, server.counters.requests_total) == (1, 6)


def test_a_callers_client_keeps_its_connection_header(server: LocalServer) -> None:
    sent = RequestLog()
    with httpx.Client(event_hooks={"request": [sent]}) as http:
        with NextSchool(
            server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, http_client=http
        ) as client:
            assert len(client.students(limit=1)) == 1
        assert http.headers["connection"] == "keep-alive"
    assert [request.headers["connection"] for request in sent.requests] == ["keep-alive"] * 2


def test_a_callers_client_keeps_its_own_headers(server: LocalServer) -> None:
    sent = RequestLog()
    with httpx.Client(headers={"X-Caller": "1"}, event_hooks={"request": [sent]}) as http:
        before = dict(http.headers)
        with NextSchool(
            server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, http_client=http
        ) as client:
            assert len(client.students(limit=2)) == 2
        assert dict(http.headers) == before
    _assert_json_headers(sent.requests)
    assert all(request.headers["x-caller"] == "1" for request in sent.requests)


def test_per_call_headers_still_apply(server: LocalServer) -> None:
    sent = RequestLog()
    with NextSchool(server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as client:
        client._http.event_hooks["request"].append(sent)
        client.students(limit=1, headers={"X-Trace": "abc"})
    assert sent.requests[-1].headers["x-trace"] == "abc"
    _assert_json_headers(sent.requests)


def test_a_per_call_header_replaces_the_clients_own(server: LocalServer) -> None:
    sent = RequestLog()
    with NextSchool(server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as client:
        client._http.event_hooks["request"].append(sent)
        client.students(limit=1, headers={"user-agent": "roster-job/2", "X-Trace": "abc"})
    last = sent.requests[-1]
    assert last.headers.get_list("user-agent") == ["roster-job/2"]
    assert last.headers.get_list("x-trace") == ["abc"]
    assert len(last.headers.get_list("authorization")) == 1
    assert len(last.headers.get_list("x-request-id")) == 1


def test_a_callers_client_gets_each_header_once(server: LocalServer) -> None:
    sent = RequestLog()
    with (
        httpx.Client(headers={"Accept": "text/plain", "X-Team": "ops"}) as http,
        NextSchool(
            server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, http_client=http
        ) as client,
    ):
        http.event_hooks["request"].append(sent)
        assert len(client.students(limit=1)) == 1
    last = sent.requests[-1]
    assert last.headers.get_list("accept") == [JSON]
    assert last.headers.get_list("content-type") == [JSON]
    assert last.headers.get_list("x-team") == ["ops"]


# -- the fast path ----------------------------------------------------------------


class FlowSpy:
    """Counts the call flows started, and what they started from."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.first_attempts: list[_flow.FailedAttempt | None] = []
        real = _flow.call_flow

        def spy(**kwargs: Any) -> _flow.CallFlow:
            self.first_attempts.append(kwargs.get("first_attempt"))
            return real(**kwargs)

        for module in (_sync_client, _async_client):
            monkeypatch.setattr(module, "call_flow", spy)


def test_a_fresh_token_sends_without_the_call_flow(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    with NextSchool(server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as client:
        client.login()
        spy = FlowSpy(monkeypatch)
        for _ in range(3):
            assert len(client.students(limit=2)) == 2
    assert spy.first_attempts == []


def test_a_call_without_a_token_yet_takes_the_call_flow(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    spy = FlowSpy(monkeypatch)
    with NextSchool(server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as client:
        assert len(client.students(limit=2)) == 2
    # Students needs the flow (login first); the login itself went straight out.
    assert spy.first_attempts == [None]
    assert server.counters.logins == 1


def test_a_rejected_fresh_token_is_renewed_once_by_the_flow(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent = RequestLog()
    with NextSchool(server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as client:
        client.login()
        client._http.event_hooks["request"].append(sent)
        spy = FlowSpy(monkeypatch)
        server.controls.revoke_access_tokens()
        assert len(client.students(limit=2)) == 2
    assert sent.operations() == ["Students", "RefreshToken", "Students"]
    assert len(spy.first_attempts) == 1
    first = spy.first_attempts[0]
    assert first is not None and type(first.error) is AuthenticationError


def test_a_second_rejection_still_raises_within_four_requests(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent = RequestLog()
    with NextSchool(server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as client:
        client.login()
        client._http.event_hooks["request"].append(sent)

        def revoke(request: httpx.Request) -> None:
            if json.loads(request.content)["operationName"] == "Students":
                server.controls.revoke_access_tokens()

        client._http.event_hooks["request"].append(revoke)
        with pytest.raises(AuthenticationError):
            client.students(limit=2)
    assert sent.operations()[0] == "Students"
    assert sent.operations().count("Students") == 2
    assert len(sent.requests) <= 4


def test_a_failed_fresh_attempt_is_retried_by_the_flows_bounds(server: LocalServer) -> None:
    sent = RequestLog()
    with NextSchool(
        server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, max_retries=1
    ) as client:
        client.login()
        client._http.event_hooks["request"].append(sent)
        server.controls.fail_next(1, "http_502")
        assert len(client.students(limit=2)) == 2
        server.controls.fail_next(2, "http_502")
        with pytest.raises(Exception, match="502"):
            client.students(limit=2)
    # One retry each: 2 requests for the first call, 2 (both failed) for the second.
    assert sent.operations() == ["Students"] * 4


async def test_async_rejected_fresh_token_is_renewed_once_by_the_flow(
    server: LocalServer,
) -> None:
    sent = RequestLog()
    async with AsyncNextSchool(
        server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD
    ) as client:
        await client.login()
        client._http.event_hooks["request"].append(sent.arecord)
        server.controls.revoke_access_tokens()
        assert len(await client.students(limit=2)) == 2
    assert sent.operations() == ["Students", "RefreshToken", "Students"]
