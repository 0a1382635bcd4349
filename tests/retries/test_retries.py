"""Bounded retries for rate limits and faults, against the local server."""

from __future__ import annotations

import logging
import time

import pytest

from nextschool import (
    APIConnectionError,
    AsyncNextSchool,
    HTTPStatusError,
    NextSchool,
    RateLimitError,
)
from nextschool.testing import (
    DEMO_PASSWORD,
    DEMO_USERNAME,
    LocalServer,
    ServerSettings,
    run_local_server,
)


def client(server: LocalServer, max_retries: int = 2) -> NextSchool:
    return NextSchool(
        server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, max_retries=max_retries
    )


@pytest.mark.parametrize("mode", ["http", "graphql"])
def test_rate_limited_query_waits_and_succeeds(
    server: LocalServer, mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="nextschool")
    with client(server) as sdk:
        sdk.login()
        server.controls.rate_limit_next(1, mode=mode, retry_after=1, operation="Students")
        started = time.monotonic()
        assert len(sdk.students(limit=2)) == 2
        waited = time.monotonic() - started
    assert waited >= 0.95  # honoured the server's Retry-After / retryAfter
    assert server.counters.requests_by_operation["Students"] == 2
    assert "Retrying Students in 1.00 s" in caplog.text


@pytest.mark.parametrize("mode", ["http", "graphql"])
async def test_rate_limit_error_carries_retry_after_when_retries_run_out(
    server: LocalServer, mode: str
) -> None:
    async with AsyncNextSchool(
        server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, max_retries=0
    ) as sdk:
        await sdk.login()
        server.controls.rate_limit_next(1, mode=mode, retry_after=7, operation="Students")
        with pytest.raises(RateLimitError) as caught:
            await sdk.students(limit=1)
    assert caught.value.retry_after == 7
    assert caught.value.status_code == (429 if mode == "http" else 200)


def test_a_wait_longer_than_the_cap_is_not_slept(
    server: LocalServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="nextschool")
    with client(server) as sdk:
        sdk.login()
        server.controls.rate_limit_next(1, mode="http", retry_after=3600, operation="Students")
        started = time.monotonic()
        with pytest.raises(RateLimitError) as caught:
            sdk.students(limit=1)
    # No wait was started (each is logged before it begins) and nothing was
    # re-sent; the bound on the time is far below an hour, far above any load.
    assert "Retrying" not in caplog.text
    assert server.counters.requests_by_operation["Students"] == 1
    assert time.monotonic() - started < 60
    assert caught.value.retry_after == 3600


@pytest.mark.parametrize("kind", ["http_502", "http_503", "html", "drop_connection"])
async def test_failed_queries_are_retried(server: LocalServer, kind: str) -> None:
    async with AsyncNextSchool(server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as sdk:
        await sdk.login()
        server.controls.fail_next(1, kind, operation="Teachers")
        assert len(await sdk.teachers(limit=2)) == 2
    assert server.counters.requests_by_operation["Teachers"] == 2


def test_retries_are_bounded(server: LocalServer) -> None:
    with client(server, max_retries=2) as sdk:
        sdk.login()
        server.controls.fail_next(10, "http_502", operation="Students")
        with pytest.raises(HTTPStatusError) as caught:
            sdk.students(limit=1)
    assert caught.value.status_code == 502
    assert server.counters.requests_by_operation["Students"] == 3


@pytest.mark.parametrize("kind", ["http_502", "drop_connection"])
def test_a_failed_mutation_is_not_sent_again(server: LocalServer, kind: str) -> None:
    with client(server) as sdk:
        server.controls.fail_next(1, kind, operation="Login")
        with pytest.raises((HTTPStatusError, APIConnectionError)):
            sdk.login()
        assert server.counters.requests_by_operation["Login"] == 1
        sdk.login()  # and the session works once the server does
        server.controls.fail_next(1, kind, operation="Logout")
        with pytest.raises((HTTPStatusError, APIConnectionError)):
            sdk.logout()
    assert server.counters.requests_by_operation["Logout"] == 1


def test_a_rate_limited_mutation_is_sent_again(server: LocalServer) -> None:
    # The rate limiter rejected it before it ran, so sending it again is safe.
    with client(server) as sdk:
        server.controls.rate_limit_next(1, mode="graphql", retry_after=1, operation="Login")
        assert sdk.login().user.username == DEMO_USERNAME
    assert server.counters.requests_by_operation["Login"] == 2
    assert server.counters.logins == 1


def test_documented_login_rate_limit_is_reported() -> None:
    # Five logins a minute per IP, as documented; the sixth gets RATE_LIMITED
    # with the seconds left in the window.
    with run_local_server(ServerSettings(rate_limits=True)) as limited:
        for _ in range(5):
            with client(limited) as sdk:
                sdk.login()
        with client(limited, max_retries=0) as sdk, pytest.raises(RateLimitError) as caught:
            sdk.login()
    assert caught.value.codes == ("RATE_LIMITED",)
    assert caught.value.retry_after is not None
    assert 1 < caught.value.retry_after <= 60


REVOKE = "mutation Revoke($t: String!) { logout(refreshToken: $t) }"


@pytest.mark.parametrize(
    "document",
    [
        "# revoke a token we no longer use\n" + REVOKE,
        "query Other { visitStats { total } }\n" + REVOKE,
    ],
    ids=["after a comment", "after another operation"],
)
def test_a_mutation_anywhere_in_a_document_is_not_sent_again(
    server: LocalServer, document: str
) -> None:
    # Documents of `execute()` and `nextschool query` come from users: the
    # operation run is the one named, wherever it stands in the text.
    with client(server) as sdk:
        sdk.login()
        server.controls.fail_next(1, "http_502", operation="Revoke")
        with pytest.raises(HTTPStatusError):
            sdk.execute(document, operation_name="Revoke", variables={"t": "unknown"})
    assert server.counters.requests_by_operation["Revoke"] == 1
