"""What each request carries, per-call HTTP options, and checked settings, over loopback."""

from __future__ import annotations

import httpx
import pytest

from nextschool import (
    APITimeoutError,
    AsyncNextSchool,
    AuthenticationError,
    ConfigurationError,
    HTTPStatusError,
    NextSchool,
)
from nextschool.testing import DEMO_PASSWORD, DEMO_USERNAME, LocalServer


def demo(server: LocalServer, *, max_retries: int = 2) -> NextSchool:
    return NextSchool(
        server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, max_retries=max_retries
    )


@pytest.fixture(autouse=True)
def _no_credentials_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NEXTSCHOOL_URL", "NEXTSCHOOL_USERNAME", "NEXTSCHOOL_PASSWORD"):
        monkeypatch.delenv(name, raising=False)


def record_requests(client: NextSchool) -> list[httpx.Request]:
    sent: list[httpx.Request] = []
    client._http.event_hooks["request"].append(sent.append)
    return sent


def test_every_request_declares_json_and_names_the_sdk(server: LocalServer) -> None:
    with demo(server) as client:
        sent = record_requests(client)
        client.students(limit=1)
    assert [r.headers.get("authorization", "")[:7] for r in sent] == ["", "Bearer "]
    for request in sent:
        assert request.headers["content-type"] == "application/json"
        assert request.headers["accept"] == "application/json"
        assert request.headers["user-agent"].startswith("nextschool-python/")


def test_per_call_headers_are_added_to_the_sdk_headers(server: LocalServer) -> None:
    with demo(server) as client:
        client.login()
        sent = record_requests(client)
        rows = client.students(
            limit=1, headers={"X-Request-Id": "trace-7", "Authorization": "Bearer forged"}
        )
    assert len(rows) == 1
    [request] = sent
    assert request.headers["x-request-id"] == "trace-7"
    assert request.headers["content-type"] == "application/json"
    # The session's token is what authenticates, whatever a caller's headers say.
    assert request.headers["authorization"] != "Bearer forged"
    assert request.headers["authorization"].startswith("Bearer ey")


def test_a_per_call_timeout_applies_to_that_call_only(server: LocalServer) -> None:
    with demo(server, max_retries=0) as client:
        client.login()
        held = server.controls.hold_next(1, operation="Students")
        with pytest.raises(APITimeoutError):
            client.students(limit=1, timeout=0.2)
        held.release()
        assert len(client.students(limit=1)) == 1


async def test_per_call_headers_on_the_async_client(server: LocalServer) -> None:
    sent: list[httpx.Request] = []

    async def record(request: httpx.Request) -> None:
        sent.append(request)

    client = AsyncNextSchool(server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD)
    async with client:
        client._http.event_hooks["request"].append(record)
        await client.students(limit=1, headers={"X-Request-Id": "trace-8"})
    # The login gets an id of the SDK's; the call carries the caller's, alone.
    login, call = sent
    assert login.headers["x-request-id"].startswith("ns-")
    assert call.headers.get_list("x-request-id") == ["trace-8"]
    assert all(r.headers["content-type"] == "application/json" for r in sent)


def test_negative_max_retries_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="max_retries"):
        NextSchool("http://127.0.0.1:9/", max_retries=-1)
    with pytest.raises(ConfigurationError, match="max_retries"):
        AsyncNextSchool("http://127.0.0.1:9/", max_retries=-1)


def test_zero_retries_sends_once(server: LocalServer) -> None:
    with demo(server, max_retries=0) as client:
        client.login()
        server.controls.fail_next(1, "http_503", operation="Students")
        with pytest.raises(HTTPStatusError):
            client.students(limit=1)
    assert server.counters.requests_by_operation["Students"] == 1


@pytest.mark.parametrize(
    "url", ["ftp://data.example/", "http://", "https:///graphql", "data.example:443", "file:///x"]
)
def test_only_http_urls_with_a_host_are_accepted(url: str) -> None:
    with pytest.raises(ConfigurationError, match="http"):
        NextSchool(url)


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/", "https://data.example/graphql"])
def test_http_and_https_urls_are_accepted(url: str) -> None:
    with NextSchool(url) as client:
        assert client.url == url
        assert not client.is_authenticated


def test_a_client_without_credentials_or_tokens_says_how_to_log_in(server: LocalServer) -> None:
    with NextSchool(server.url) as client:
        with pytest.raises(AuthenticationError, match="Not logged in"):
            client.students(limit=1)
        with pytest.raises(AuthenticationError, match="Not logged in"):
            client.login()
        assert client.login(DEMO_USERNAME, DEMO_PASSWORD).access_token
        assert len(client.students(limit=1)) == 1
        with pytest.raises(ConfigurationError, match="together"):
            client.login(DEMO_USERNAME)
    assert server.counters.logins == 1


def test_a_saved_refresh_token_alone_is_refreshed_before_any_call(server: LocalServer) -> None:
    issued = server.issue_tokens()
    with NextSchool(server.url, refresh_token=issued.refresh_token, max_retries=0) as client:
        assert client.is_authenticated
        assert client.tokens is not None and not client.tokens.access_token
        server.controls.fail_next(1, "http_503", operation="RefreshToken")
        # No access token to fall back on: the failed refresh is the call's error.
        with pytest.raises(HTTPStatusError):
            client.students(limit=1)
        assert server.counters.requests_by_operation.get("Students", 0) == 0
        assert len(client.students(limit=1)) == 1
    assert server.counters.requests_by_operation["RefreshToken"] == 2
