"""Faults over real sockets on loopback, for both clients.

A failed call raises a typed error and leaves the session as it was: the next
call succeeds with the same access token, and the server saw no extra login or
refresh. Mutations are never re-sent after an answer that may come after the
server ran them.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Any

import httpx
import pytest

from nextschool import (
    APIConnectionError,
    APITimeoutError,
    HTTPStatusError,
    InvalidResponseError,
    NextSchoolError,
)
from nextschool.testing import (
    DEMO_PASSWORD,
    DEMO_USERNAME,
    LocalServer,
    ServerSettings,
    run_local_server,
)

from ._drivers import CLIENT_KINDS, ClientDriver, ClientKind, open_client
from ._raw_server import VALID_BODY, RawServer, run_raw_server

pytestmark = [pytest.mark.parametrize("kind", CLIENT_KINDS), pytest.mark.timeout(30)]

# Only for answers that never come in time (held or stalled for seconds);
# every call that must be answered gets ANSWER_TIMEOUT, which a loaded
# machine's loopback answers well within.
SHORT_READ_TIMEOUT = httpx.Timeout(5.0, read=0.25)
ANSWER_TIMEOUT = 10.0


@pytest.fixture
def raw_server() -> Iterator[RawServer]:
    with run_raw_server() as running:
        yield running


def _session_client(
    kind: ClientKind, server: LocalServer, **options: Any
) -> AbstractContextManager[ClientDriver]:
    """A client holding tokens the server issued (no HTTP login, counters untouched)."""
    issued = server.issue_tokens()
    options.setdefault("max_retries", 0)
    return open_client(
        kind,
        server.url,
        access_token=issued.access_token,
        refresh_token=issued.refresh_token,
        **options,
    )


def _wait_until_idle(server: LocalServer) -> None:
    # A request the client gave up on may still be running on the server.
    deadline = time.monotonic() + 5
    while server.counters.in_flight and time.monotonic() < deadline:
        time.sleep(0.01)


def _assert_session_intact(client: ClientDriver, access_token: str, server: LocalServer) -> None:
    """The next call works, with the same token and no login or refresh on the wire."""
    students = client.call("students", limit=3, timeout=ANSWER_TIMEOUT)
    assert len(students) == 3
    tokens = client.tokens
    assert tokens is not None
    assert tokens.access_token == access_token
    assert server.counters.logins == 0
    assert server.counters.refreshes == 0
    assert server.counters.login_attempts == 0
    assert server.counters.refresh_attempts == 0


def _access_token(client: ClientDriver) -> str:
    tokens = client.tokens
    assert tokens is not None
    return tokens.access_token


# --- against the local server ---------------------------------------------------------


def test_connection_refused_then_server_back(kind: ClientKind) -> None:
    settings = ServerSettings(rate_limits=False)
    with run_local_server(settings) as first_life:
        port = first_life.port
        issued = first_life.issue_tokens()
    # Same settings (same signing key) on the same port: the server "came back".
    with open_client(
        kind,
        f"http://127.0.0.1:{port}/",
        access_token=issued.access_token,
        refresh_token=issued.refresh_token,
        max_retries=0,
    ) as client:
        with pytest.raises(APIConnectionError) as caught:
            client.call("students", limit=3)
        assert not isinstance(caught.value, APITimeoutError)
        assert caught.value.operation == "Students"
        with run_local_server(settings, port=port) as second_life:
            _assert_session_intact(client, issued.access_token, second_life)


def test_connection_dropped_mid_body_without_retries(kind: ClientKind, server: LocalServer) -> None:
    with _session_client(kind, server) as client:
        access_token = _access_token(client)
        server.controls.fail_next(1, "drop_connection", operation="Students")
        with pytest.raises(APIConnectionError) as caught:
            client.call("students", limit=3)
        assert not isinstance(caught.value, APITimeoutError)
        assert server.counters.requests_by_operation["Students"] == 1
        _assert_session_intact(client, access_token, server)
        assert server.counters.requests_by_operation["Students"] == 2


def test_connection_dropped_mid_body_is_retried(kind: ClientKind, server: LocalServer) -> None:
    with _session_client(kind, server, max_retries=2) as client:
        access_token = _access_token(client)
        server.controls.fail_next(1, "drop_connection", operation="Students")
        students = client.call("students", limit=3)
        assert len(students) == 3
        assert server.counters.requests_by_operation["Students"] == 2
        assert server.controls.pending_faults == 0
        _assert_session_intact(client, access_token, server)


def test_read_timeout(kind: ClientKind, server: LocalServer) -> None:
    with _session_client(kind, server, timeout=SHORT_READ_TIMEOUT) as client:
        access_token = _access_token(client)
        held = server.controls.hold_next(1, operation="Students")
        with pytest.raises(APITimeoutError) as caught:
            client.call("students", limit=3)
        assert caught.value.operation == "Students"
        held.release()
        _assert_session_intact(client, access_token, server)
        _wait_until_idle(server)


@pytest.mark.parametrize(
    ("fault", "error_type", "status"),
    [
        ("http_500", HTTPStatusError, 500),
        ("http_502", HTTPStatusError, 502),
        ("http_503", HTTPStatusError, 503),
        ("html", HTTPStatusError, 502),
        ("malformed_json", InvalidResponseError, 200),
    ],
)
def test_error_answers_from_the_server(
    kind: ClientKind,
    server: LocalServer,
    fault: str,
    error_type: type[NextSchoolError],
    status: int,
) -> None:
    with _session_client(kind, server) as client:
        access_token = _access_token(client)
        server.controls.fail_next(1, fault, operation="Students")
        with pytest.raises(error_type) as caught:
            client.call("students", limit=3)
        assert type(caught.value) is error_type
        assert getattr(caught.value, "status_code", None) == status
        assert access_token not in str(caught.value)
        _assert_session_intact(client, access_token, server)


@pytest.mark.parametrize(
    ("fault", "error_type"),
    [
        ("http_502", HTTPStatusError),
        ("html", HTTPStatusError),
        ("drop_connection", APIConnectionError),
    ],
)
@pytest.mark.parametrize("entry", ["login", "lazy_login"])
def test_login_is_not_resent_after_an_ambiguous_failure(
    kind: ClientKind,
    server: LocalServer,
    fault: str,
    error_type: type[NextSchoolError],
    entry: str,
) -> None:
    # The server may have run the mutation before the failure: re-sending it
    # could log in twice. Retries are on, so only the mutation rule stops them.
    with open_client(
        kind, server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, max_retries=2
    ) as client:
        server.controls.fail_next(1, fault, operation="Login")
        method, arguments = ("login", {}) if entry == "login" else ("students", {"limit": 3})
        with pytest.raises(error_type) as caught:
            client.call(method, **arguments)
        assert DEMO_PASSWORD not in str(caught.value)
        assert server.counters.requests_by_operation["Login"] == 1
        assert client.tokens is None
        assert len(client.call("students", limit=3)) == 3
        assert server.counters.requests_by_operation["Login"] == 2
        assert server.counters.logins == 1


# --- against a raw TCP server -----------------------------------------------------------

CONNECTION_FAULTS = [
    "close_at_once",
    "reset",
    "partial_status_line",
    "partial_headers",
    "partial_body",
    "garbage",
    "http09_body_only",
    "bad_content_length",
    "broken_chunks",
    "lying_gzip",
    "oversized_headers",
    "informational_then_close",
]


def _raw_client(
    kind: ClientKind, raw_server: RawServer, **options: Any
) -> AbstractContextManager[ClientDriver]:
    options.setdefault("max_retries", 0)
    options.setdefault("timeout", ANSWER_TIMEOUT)
    return open_client(
        kind,
        raw_server.url,
        access_token="at-raw-session-token",
        refresh_token="rt-raw-session-token",
        **options,
    )


def _assert_raw_session_intact(client: ClientDriver, raw_server: RawServer) -> None:
    students = client.call("students", limit=3, timeout=ANSWER_TIMEOUT)
    assert [student.id for student in students] == [1, 2]
    assert client.tokens is not None
    assert client.tokens.access_token == "at-raw-session-token"
    # Only the query was ever sent (no login, no refresh), always with the one
    # original token.
    assert set(raw_server.operations()) == {"Students"}
    assert set(raw_server.authorization_headers()) == {"Bearer at-raw-session-token"}


@pytest.mark.parametrize("behaviour", CONNECTION_FAULTS)
def test_broken_http_gives_connection_error(
    kind: ClientKind, raw_server: RawServer, behaviour: str
) -> None:
    with _raw_client(kind, raw_server) as client:
        raw_server.script.append(behaviour)
        with pytest.raises(APIConnectionError) as caught:
            client.call("students", limit=3)
        assert not isinstance(caught.value, APITimeoutError)
        _assert_raw_session_intact(client, raw_server)


@pytest.mark.parametrize("behaviour", ["stall_before_headers", "stall_mid_body"])
def test_stalled_answer_gives_timeout(
    kind: ClientKind, raw_server: RawServer, behaviour: str
) -> None:
    with _raw_client(kind, raw_server, timeout=SHORT_READ_TIMEOUT) as client:
        raw_server.script.append(behaviour)
        with pytest.raises(APITimeoutError):
            client.call("students", limit=3)
        _assert_raw_session_intact(client, raw_server)


def test_unknown_status_code_gives_http_status_error(
    kind: ClientKind, raw_server: RawServer
) -> None:
    with _raw_client(kind, raw_server) as client:
        raw_server.script.append("status_999")
        with pytest.raises(HTTPStatusError) as caught:
            client.call("students", limit=3)
        assert caught.value.status_code == 999
        _assert_raw_session_intact(client, raw_server)


def test_connection_closed_at_once_is_retried(kind: ClientKind, raw_server: RawServer) -> None:
    with _raw_client(kind, raw_server, max_retries=1) as client:
        raw_server.script.append("close_at_once")
        students = client.call("students", limit=3)
        assert len(students) == 2
        assert len(raw_server.requests) == 1  # the closed attempt never got read
        assert not raw_server.script
        _assert_raw_session_intact(client, raw_server)


def test_raw_server_answers_a_valid_request(kind: ClientKind, raw_server: RawServer) -> None:
    # The baseline the fault tests rely on: without a fault the raw answer works.
    with _raw_client(kind, raw_server) as client:
        assert VALID_BODY.startswith(b'{"data"')
        _assert_raw_session_intact(client, raw_server)
        assert len(raw_server.requests) == 1
