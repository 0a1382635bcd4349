"""Raw responses and request ids, over real HTTP against the local server.

Every call's HTTP response is reachable through `with_raw_response`, and every
error that followed a request names it: `request_id` (the server's
X-Request-Id, else the one the SDK sent) and, for an `APIError`, the
`response` without the request that carried the token or password.
"""

from __future__ import annotations

import asyncio
import json
import pickle
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from testkit.requests import RequestLog

from nextschool import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AsyncNextSchool,
    AuthenticationError,
    BaseClient,
    ConfigurationError,
    ForbiddenError,
    GraphQLError,
    HTTPStatusError,
    InvalidCredentialsError,
    InvalidResponseError,
    NextSchool,
    NextSchoolError,
    RateLimitError,
    RawResponse,
    SessionExpiredError,
)
from nextschool.testing import (
    DEMO_PASSWORD,
    DEMO_USERNAME,
    NO_SCHOOL_PASSWORD,
    NO_SCHOOL_USERNAME,
    LocalServer,
    ServerSettings,
    run_local_server,
)

ServerFactory = Callable[..., LocalServer]


@pytest.fixture
def start_server() -> Iterator[ServerFactory]:
    with ExitStack() as stack:

        def start(**overrides: Any) -> LocalServer:
            overrides.setdefault("rate_limits", False)
            return stack.enter_context(run_local_server(ServerSettings(**overrides)))

        yield start


@pytest.fixture
def server(start_server: ServerFactory) -> LocalServer:
    return start_server()


def _sync_client(server: LocalServer, sent: RequestLog, **options: Any) -> NextSchool:
    options.setdefault("username", DEMO_USERNAME)
    options.setdefault("password", DEMO_PASSWORD)
    client = NextSchool(server.url, **options)
    client._http.event_hooks["request"].append(sent)
    return client


def _async_client(server: LocalServer, sent: RequestLog, **options: Any) -> AsyncNextSchool:
    options.setdefault("username", DEMO_USERNAME)
    options.setdefault("password", DEMO_PASSWORD)
    client = AsyncNextSchool(server.url, **options)
    client._http.event_hooks["request"].append(sent.arecord)
    return client


# -- success ---------------------------------------------------------------------


def test_a_raw_response_holds_the_result_and_the_http_response(server: LocalServer) -> None:
    sent = RequestLog()
    with _sync_client(server, sent) as client:
        raw = client.with_raw_response(client.students, limit=3)
    assert isinstance(raw, RawResponse)
    students = raw.parse()
    assert [s.id for s in students] == [
        row["id"] for row in raw.http_response.json()["data"]["students"]
    ]
    assert raw.status_code == 200
    assert raw.headers["content-type"].startswith("application/json")
    assert raw.elapsed.total_seconds() > 0
    assert raw.http_response.request.headers["x-request-id"] == raw.request_id
    # The call logged in first: the raw response is the one of the call itself.
    assert sent.operations() == ["Login", "Students"]
    assert raw.request_id == sent.ids[1]
    assert repr(raw) == f"<RawResponse [200] request_id={raw.request_id!r}>"


def test_the_server_echoes_the_id_the_sdk_sent(server: LocalServer) -> None:
    sent = RequestLog()
    with _sync_client(server, sent) as client:
        raw = client.with_raw_response(client.students, limit=1)
    assert raw.headers["x-request-id"] == raw.request_id == sent.ids[-1]
    assert list(server.state.received_request_ids) == sent.ids


def test_a_server_id_of_its_own_is_the_request_id(start_server: ServerFactory) -> None:
    server = start_server(request_ids="own")
    sent = RequestLog()
    with _sync_client(server, sent) as client:
        raw = client.with_raw_response(client.students, limit=1)
    assert raw.request_id == raw.headers["x-request-id"]
    assert raw.request_id.startswith("req_")
    assert raw.request_id != sent.ids[-1]
    assert list(server.state.received_request_ids) == sent.ids


def test_without_a_server_id_the_sdks_own_is_the_request_id(start_server: ServerFactory) -> None:
    server = start_server(request_ids="none")
    sent = RequestLog()
    with _sync_client(server, sent) as client:
        raw = client.with_raw_response(client.students, limit=1)
    assert "x-request-id" not in raw.headers
    assert raw.request_id == sent.ids[-1]
    assert server.state.received_request_ids[-1] == raw.request_id


def test_every_request_gets_an_id_of_its_own(server: LocalServer) -> None:
    sent = RequestLog()
    with _sync_client(server, sent) as client:
        for _ in range(3):
            client.students(limit=1)
    assert len(sent.ids) == 4  # a login and three calls
    assert len(set(sent.ids)) == 4
    assert all(request_id.startswith("ns-") for request_id in sent.ids)


def test_a_callers_request_id_is_sent_and_reported(server: LocalServer) -> None:
    sent = RequestLog()
    with _sync_client(server, sent) as client:
        raw = client.with_raw_response(client.students, limit=1, headers={"x-request-id": "job-42"})
    assert raw.request_id == "job-42"
    assert sent.requests[-1].headers.get_list("x-request-id") == ["job-42"]
    assert server.state.received_request_ids[-1] == "job-42"


def test_a_retried_call_reports_its_last_attempt(server: LocalServer) -> None:
    sent = RequestLog()
    with _sync_client(server, sent, max_retries=2) as client:
        client.login()
        server.controls.rate_limit_next(1, "http", retry_after=0)
        raw = client.with_raw_response(client.students, limit=1)
    assert sent.operations() == ["Login", "Students", "Students"]
    assert raw.status_code == 200
    assert raw.request_id == sent.ids[-1] != sent.ids[-2]


def test_execute_and_the_auth_methods_have_raw_responses_too(server: LocalServer) -> None:
    sent = RequestLog()
    with _sync_client(server, sent) as client:
        login = client.with_raw_response(client.login)
        assert login.parse().access_token
        assert login.request_id == sent.ids[-1]
        raw = client.with_raw_response(client.execute, "query { students(limit: 1) { id } }")
        assert raw.parse().data == raw.http_response.json()["data"]
        assert raw.request_id == sent.ids[-1]


class Roster(BaseClient):
    """A client of its own operations, as `nextschool generate` writes them."""

    def roster(self, limit: int) -> list[dict[str, Any]]:
        result = self.execute("query R($n: Int) { students(limit: $n) { id } }", "R", {"n": limit})
        return list(self.get_data(result)["students"])


def test_a_client_of_ones_own_operations_has_raw_responses(server: LocalServer) -> None:
    with Roster(server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as client:
        raw = client.with_raw_response(client.roster, 2)
    assert len(raw.parse()) == 2
    assert raw.http_response.json()["data"]["students"] == raw.parse()


def test_a_method_of_another_client_is_refused(server: LocalServer) -> None:
    with (
        NextSchool(server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as one,
        NextSchool(server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as other,
    ):
        with pytest.raises(ConfigurationError, match="no API request through this client"):
            one.with_raw_response(other.students, limit=1)
        # A call that sends nothing has no response either.
        with pytest.raises(ConfigurationError, match="no API request"):
            one.with_raw_response(lambda: None)
        # And the next call of the other client is not captured by anything.
        assert len(other.students(limit=1)) == 1


async def test_async_raw_responses_of_concurrent_calls_are_their_own(
    server: LocalServer,
) -> None:
    sent = RequestLog()
    async with _async_client(server, sent) as client:
        await client.login()
        raws = await asyncio.gather(
            *(client.with_raw_response(client.students, limit=n) for n in (1, 2, 3))
        )
    assert [len(raw.parse()) for raw in raws] == [1, 2, 3]
    for raw in raws:
        assert len(raw.http_response.json()["data"]["students"]) == len(raw.parse())
        assert raw.http_response.request.headers["x-request-id"] == raw.request_id
    assert sorted(raw.request_id for raw in raws) == sorted(sent.ids[1:])


async def test_async_without_a_server_id(start_server: ServerFactory) -> None:
    server = start_server(request_ids="none")
    sent = RequestLog()
    async with _async_client(server, sent) as client:
        raw = await client.with_raw_response(client.students, limit=2)
    assert len(raw.parse()) == 2
    assert raw.status_code == 200
    assert raw.elapsed.total_seconds() > 0
    assert raw.request_id == sent.ids[-1] == server.state.received_request_ids[-1]


# -- errors ------------------------------------------------------------------------


@dataclass
class Case:
    """How to provoke one error class against the local server."""

    error: type[NextSchoolError]
    setup: Callable[[LocalServer], None] = lambda server: None
    client: dict[str, Any] = field(default_factory=dict[str, Any])
    method: str = "students"
    kwargs: dict[str, Any] = field(default_factory=lambda: {"limit": 1})
    login_first: bool = True
    # Revoke access tokens whenever a Students request goes out: every renewal fails.
    revoke_on_send: bool = False
    status: int | None = None
    body_kept: bool = True
    # Start from tokens the server issued, without a login request.
    issued_tokens: bool = False


def _revoke_every_token(server: LocalServer) -> None:
    server.controls.revoke_access_tokens()
    server.controls.revoke_refresh_tokens()


def _hold_one(server: LocalServer) -> None:
    server.controls.hold_next(1)


def _issued_tokens(server: LocalServer) -> dict[str, Any]:
    tokens = server.issue_tokens()
    return {"access_token": tokens.access_token, "refresh_token": tokens.refresh_token}


CASES: dict[str, Case] = {
    "rate limit (HTTP 429)": Case(
        RateLimitError,
        setup=lambda s: s.controls.rate_limit_next(1, "http", retry_after=100),
        status=429,
    ),
    "rate limit (RATE_LIMITED)": Case(
        RateLimitError,
        setup=lambda s: s.controls.rate_limit_next(1, "graphql", retry_after=100),
        status=200,
    ),
    "authentication": Case(AuthenticationError, revoke_on_send=True, status=200),
    "invalid credentials": Case(
        InvalidCredentialsError,
        client={"password": "wrong"},
        method="login",
        kwargs={},
        login_first=False,
        status=200,
        body_kept=False,
    ),
    "session expired": Case(
        SessionExpiredError,
        setup=lambda s: _revoke_every_token(s),
        client={"username": None, "password": None},
        login_first=False,
        issued_tokens=True,
        status=200,
        body_kept=False,
    ),
    "forbidden": Case(
        ForbiddenError,
        client={"username": NO_SCHOOL_USERNAME, "password": NO_SCHOOL_PASSWORD},
        status=200,
    ),
    "graphql": Case(GraphQLError, method="execute", kwargs={"query": "query { nope }"}, status=200),
    "server error": Case(
        HTTPStatusError, setup=lambda s: s.controls.fail_next(1, "http_500"), status=500
    ),
    "malformed answer": Case(
        InvalidResponseError, setup=lambda s: s.controls.fail_next(1, "malformed_json"), status=200
    ),
    "answer too large": Case(
        InvalidResponseError,
        client={"max_response_bytes": 64},
        login_first=False,
        issued_tokens=True,
        status=200,
        body_kept=False,
    ),
    "connection dropped": Case(
        APIConnectionError, setup=lambda s: s.controls.fail_next(1, "drop_connection")
    ),
    "timeout": Case(APITimeoutError, setup=lambda s: _hold_one(s), client={"timeout": 0.3}),
}


def _client_options(server: LocalServer, case: Case) -> dict[str, Any]:
    options: dict[str, Any] = {"max_retries": 0, **case.client}
    if case.issued_tokens:
        options.update(_issued_tokens(server))
    return options


def _check(error: NextSchoolError, case: Case, server: LocalServer, sent: RequestLog) -> None:
    assert type(error) is case.error
    assert isinstance(error, (APIError, APIConnectionError))
    # The id of the last request the client sent, which the server received.
    assert error.request_id == sent.ids[-1]
    assert server.state.received_request_ids[-1] == sent.ids[-1]
    if isinstance(error, APIConnectionError):
        assert not hasattr(error, "response")
        return
    assert isinstance(error, APIError)
    response = error.response
    assert response is not None
    assert response.status_code == error.status_code == case.status
    assert error.headers is response.headers
    assert response.headers["x-request-id"] == error.request_id
    assert response.elapsed.total_seconds() > 0
    with pytest.raises(RuntimeError):
        _ = response.request  # it would hold the token or the password
    if case.body_kept:
        assert response.content
    else:
        assert response.content == b""
    if isinstance(error, RateLimitError) and case.status == 429:
        assert response.headers["x-ratelimit-remaining"] == "0"
        assert response.headers["retry-after"] == "100"
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes
    assert copy.request_id == error.request_id
    assert copy.response is not None and copy.response.content == response.content


@pytest.mark.parametrize("name", list(CASES))
def test_every_error_names_its_request(name: str, server: LocalServer) -> None:
    case = CASES[name]
    sent = RequestLog()
    with _sync_client(server, sent, **_client_options(server, case)) as client:
        if case.login_first:
            client.login()
        if case.revoke_on_send:
            client._http.event_hooks["request"].append(_revoker(server))
        case.setup(server)
        with pytest.raises(NextSchoolError) as caught:
            getattr(client, case.method)(**case.kwargs)
        server.controls.release_held()
    _check(caught.value, case, server, sent)


@pytest.mark.parametrize("name", list(CASES))
async def test_async_every_error_names_its_request(name: str, server: LocalServer) -> None:
    case = CASES[name]
    sent = RequestLog()
    async with _async_client(server, sent, **_client_options(server, case)) as client:
        if case.login_first:
            await client.login()
        if case.revoke_on_send:
            revoke = _revoker(server)

            async def arevoke(request: httpx.Request) -> None:
                revoke(request)

            client._http.event_hooks["request"].append(arevoke)
        case.setup(server)
        with pytest.raises(NextSchoolError) as caught:
            await getattr(client, case.method)(**case.kwargs)
        server.controls.release_held()
    _check(caught.value, case, server, sent)


def _revoker(server: LocalServer) -> Callable[[httpx.Request], None]:
    def revoke(request: httpx.Request) -> None:
        if json.loads(request.content)["operationName"] == "Students":
            server.controls.revoke_access_tokens()

    return revoke


def test_an_error_raised_through_with_raw_response_is_the_same(server: LocalServer) -> None:
    sent = RequestLog()
    with _sync_client(server, sent, max_retries=0) as client:
        client.login()
        server.controls.fail_next(1, "http_503")
        with pytest.raises(HTTPStatusError) as caught:
            client.with_raw_response(client.students, limit=1)
    assert caught.value.request_id == sent.ids[-1]
    assert caught.value.response is not None
    assert caught.value.response.status_code == 503


def test_an_error_without_a_request_has_no_id(server: LocalServer) -> None:
    with NextSchool(server.url) as client, pytest.raises(AuthenticationError) as caught:
        client.students(limit=1)
    assert caught.value.request_id is None
    assert caught.value.response is None
    assert caught.value.headers is None


def test_a_client_derived_with_options_has_raw_responses(server: LocalServer) -> None:
    sent = RequestLog()
    with _sync_client(server, sent) as client:
        derived = client.with_options(headers={"X-Team": "ops"})
        raw = derived.with_raw_response(derived.students, limit=2)
        with pytest.raises(ConfigurationError, match="no API request through this client"):
            client.with_raw_response(derived.students, limit=1)
    assert len(raw.parse()) == 2
    assert raw.http_response.request.headers["x-team"] == "ops"
    assert raw.request_id == sent.ids[1]
