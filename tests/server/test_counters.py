"""The counters tests read: auth calls, requests per operation, concurrency."""

from __future__ import annotations

import asyncio
import threading
import time

import httpx

from nextschool.testing import CountersSnapshot, LocalServer

from .helpers import LOGIN, LOGOUT, Api


def wait_until_idle(server: LocalServer) -> None:
    # The server decrements in_flight just after the client has its response.
    deadline = time.monotonic() + 2
    while server.counters.in_flight and time.monotonic() < deadline:
        time.sleep(0.005)


def test_auth_counters(api: Api, nextschool_server: LocalServer) -> None:
    counters = nextschool_server.counters
    tokens = api.login()
    api.gql(LOGIN, {"username": "demo", "password": "wrong"})
    api.refresh(tokens["refreshToken"])
    api.refresh("not-a-token")
    api.gql(LOGOUT, {"refreshToken": tokens["refreshToken"]})
    api.gql(LOGOUT, {"refreshToken": tokens["refreshToken"]})
    snapshot = counters.snapshot()
    assert (snapshot.logins, snapshot.login_attempts) == (1, 2)
    assert (snapshot.refreshes, snapshot.refresh_attempts) == (1, 2)
    assert snapshot.logouts == 2
    assert snapshot.requests_total == 6


def test_requests_by_operation(api: Api, nextschool_server: LocalServer) -> None:
    token = nextschool_server.issue_tokens().access_token
    api.login()
    for _ in range(3):
        api.gql("query Students { students { id } }", token=token)
    api.gql("{ __typename }")
    document = "query A { __typename } query B { __typename }"
    api.gql(document, operation_name="B")
    api.gql(document, operation_name="B")
    api.post("{ broken")  # a document, if not a valid one: anonymous
    api.http.post(nextschool_server.url, content=b"not json")  # no operation at all
    api.http.get(nextschool_server.url)
    counters = nextschool_server.counters
    assert counters.requests_by_operation == {
        "Login": 1,
        "Students": 3,
        "<anonymous>": 2,
        "B": 2,
    }
    assert counters.requests_total == 10


def test_faulted_and_limited_requests_still_count(api: Api, nextschool_server: LocalServer) -> None:
    nextschool_server.controls.fail_next(2, "http_503", operation="Students")
    nextschool_server.controls.rate_limit_next(1, operation="Students")
    token = nextschool_server.issue_tokens().access_token
    statuses = [
        api.post("query Students { students { id } }", token=token).status_code for _ in range(4)
    ]
    assert statuses == [503, 503, 429, 200]
    assert nextschool_server.counters.requests_by_operation == {"Students": 4}


def test_unauthenticated_and_expired_counters(api: Api, nextschool_server: LocalServer) -> None:
    token = nextschool_server.issue_tokens().access_token
    api.gql("{ students { id } }")
    api.gql("{ students { id } }", token="nope")
    nextschool_server.controls.revoke_access_tokens()
    api.gql("{ students { id } }", token=token)
    api.gql("{ __typename }")  # introspection needs no token
    counters = nextschool_server.counters
    assert counters.unauthenticated_responses == 3
    assert counters.expired_token_requests == 0


async def test_peak_concurrency_with_a_delay(nextschool_server: LocalServer) -> None:
    counters = nextschool_server.counters
    nextschool_server.controls.delay = 0.5
    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=12)) as client:
        await asyncio.gather(
            *(
                client.post(nextschool_server.url, json={"query": "{ __typename }"})
                for _ in range(12)
            )
        )
        wait_until_idle(nextschool_server)
        assert counters.peak_concurrency == 12
        assert counters.in_flight == 0
        # One at a time never overlaps.
        counters.reset()
        nextschool_server.controls.delay = 0.05
        for _ in range(3):
            await client.post(nextschool_server.url, json={"query": "{ __typename }"})
    wait_until_idle(nextschool_server)
    assert counters.peak_concurrency == 1


def test_in_flight_is_visible_while_a_request_runs(
    api: Api, nextschool_server: LocalServer
) -> None:
    nextschool_server.controls.delay = 0.5
    worker = threading.Thread(target=api.post, args=("{ __typename }",))
    worker.start()
    deadline = time.monotonic() + 2
    while nextschool_server.counters.in_flight == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert nextschool_server.counters.in_flight == 1
    worker.join()
    wait_until_idle(nextschool_server)
    assert nextschool_server.counters.in_flight == 0


def test_reset_and_snapshot(api: Api, nextschool_server: LocalServer) -> None:
    api.login()
    counters = nextschool_server.counters
    snapshot = counters.snapshot()
    assert snapshot.logins == 1
    assert snapshot.requests_by_operation == {"Login": 1}
    wait_until_idle(nextschool_server)
    counters.reset()
    assert counters.snapshot() == CountersSnapshot()
    # Snapshots are copies: later requests do not change them.
    api.login()
    assert snapshot.requests_by_operation == {"Login": 1}
    assert counters.requests_by_operation == {"Login": 1}
