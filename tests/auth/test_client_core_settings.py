"""How a client's settings shape what it does, over loopback: where its session
comes from (tokens passed in, a token store), whose timeout governs a request
on a caller's http_client, and which deadlines and per-call options it takes."""

from __future__ import annotations

import math
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

from nextschool import (
    APITimeoutError,
    AuthenticationError,
    ConfigurationError,
    FileTokenStore,
    NextSchool,
)
from nextschool.testing import DEMO_PASSWORD, DEMO_USERNAME, LocalServer


@pytest.fixture(autouse=True)
def _no_credentials_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NEXTSCHOOL_URL", "NEXTSCHOOL_USERNAME", "NEXTSCHOOL_PASSWORD"):
        monkeypatch.delenv(name, raising=False)


def _release_later(server: LocalServer, operation: str, seconds: float) -> threading.Timer:
    """Hold the next `operation` at the server and answer it after `seconds`."""
    held = server.controls.hold_next(1, operation=operation)
    timer = threading.Timer(seconds, held.release)
    timer.start()
    return timer


# -- where the session comes from ---------------------------------------------


def test_tokens_passed_in_win_over_the_token_stores(server: LocalServer, tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path / "tokens.json")
    with NextSchool(
        server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, token_store=store
    ) as first:
        first.login()
    issued = server.issue_tokens()
    with NextSchool(
        server.url,
        access_token=issued.access_token,
        refresh_token=issued.refresh_token,
        token_store=store,
    ) as client:
        assert client.tokens is not None
        assert client.tokens.access_token == issued.access_token
        assert len(client.students(limit=1)) == 1
    assert server.counters.logins == 1


def test_a_sync_client_reads_its_token_store_as_it_is_made(
    server: LocalServer, tmp_path: Path
) -> None:
    store = FileTokenStore(tmp_path / "tokens.json")
    with NextSchool(
        server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, token_store=store
    ) as first:
        first.login()
    with NextSchool(server.url, token_store=store) as client:
        assert repr(client) == f"NextSchool(url={server.url!r}, authenticated)"
        assert len(client.students(limit=1)) == 1
    assert server.counters.logins == 1


def test_a_refresh_token_alone_is_refreshed_before_anything_is_sent(server: LocalServer) -> None:
    issued = server.issue_tokens()
    with NextSchool(server.url, refresh_token=issued.refresh_token) as client:
        assert len(client.students(limit=1)) == 1
    counters = server.counters
    assert (counters.refreshes, counters.logins, counters.unauthenticated_responses) == (1, 0, 0)
    assert counters.requests_by_operation["Students"] == 1


def test_an_access_token_alone_is_sent_as_it_is(server: LocalServer) -> None:
    issued = server.issue_tokens()
    with NextSchool(server.url, access_token=issued.access_token) as client:
        assert len(client.students(limit=1)) == 1
    counters = server.counters
    assert (counters.refreshes, counters.logins, counters.unauthenticated_responses) == (0, 0, 0)


def test_a_refused_access_token_passed_in_is_renewed_with_the_refresh_token_passed_in(
    server: LocalServer,
) -> None:
    issued = server.issue_tokens()
    with NextSchool(
        server.url, access_token=issued.access_token, refresh_token=issued.refresh_token
    ) as client:
        server.controls.revoke_access_tokens()
        assert len(client.students(limit=1)) == 1
    assert (server.counters.refreshes, server.counters.logins) == (1, 0)


@pytest.mark.parametrize(("username", "password"), [("", DEMO_PASSWORD), (DEMO_USERNAME, "")])
def test_an_empty_username_or_password_is_no_credentials(
    server: LocalServer, username: str, password: str
) -> None:
    with (
        NextSchool(server.url, username=username, password=password) as client,
        pytest.raises(AuthenticationError, match="Not logged in"),
    ):
        client.students(limit=1)
    assert server.counters.login_attempts == 0


# -- timeouts on a caller's http_client ---------------------------------------


def test_a_callers_http_client_keeps_its_own_timeout(server: LocalServer) -> None:
    with (
        httpx.Client(timeout=1.0) as http,
        NextSchool(
            server.url,
            username=DEMO_USERNAME,
            password=DEMO_PASSWORD,
            http_client=http,
            max_retries=0,
        ) as client,
    ):
        client.login()
        release = _release_later(server, "Students", 3.0)
        try:
            with pytest.raises(APITimeoutError, match=r"^Students timed out \(ReadTimeout\)$"):
                client.students(limit=1)
        finally:
            release.join()


def test_a_timeout_given_with_a_callers_http_client_applies_to_each_request(
    server: LocalServer,
) -> None:
    with (
        httpx.Client(timeout=30.0) as http,
        NextSchool(
            server.url,
            username=DEMO_USERNAME,
            password=DEMO_PASSWORD,
            http_client=http,
            timeout=1.0,
            max_retries=0,
        ) as client,
    ):
        client.login()
        release = _release_later(server, "Students", 3.0)
        try:
            with pytest.raises(APITimeoutError, match=r"^Students timed out \(ReadTimeout\)$"):
                client.students(limit=1)
        finally:
            release.join()


def test_a_timeout_given_to_a_client_of_the_sdks_own_applies_to_its_requests(
    server: LocalServer,
) -> None:
    with NextSchool(
        server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, timeout=1.0, max_retries=0
    ) as client:
        client.login()
        release = _release_later(server, "Students", 3.0)
        try:
            with pytest.raises(APITimeoutError, match=r"^Students timed out \(ReadTimeout\)$"):
                client.students(limit=1)
        finally:
            release.join()


# -- deadlines and per-call options -------------------------------------------


@pytest.mark.parametrize("deadline", [0, -1.0, math.inf, math.nan, True, "5"])
def test_a_deadline_must_be_a_positive_number_of_seconds(deadline: Any) -> None:
    with pytest.raises(ConfigurationError) as caught:
        NextSchool("http://127.0.0.1:9/", deadline=deadline)
    assert str(caught.value) == (
        f"deadline must be a positive number of seconds or None, got {deadline!r}"
    )


def test_a_whole_number_deadline_and_every_per_call_option_at_once(server: LocalServer) -> None:
    with NextSchool(
        server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, deadline=30
    ) as client:
        rows = client.students(
            limit=1,
            timeout=10.0,
            deadline=20,
            headers={"X-Request-Id": "all-four"},
            extensions={},
        )
    assert len(rows) == 1
    assert "all-four" in server.state.received_request_ids


# -- url and credentials from arguments and the environment -------------------


def test_without_a_url_anywhere_the_client_talks_to_production() -> None:
    with NextSchool() as client:
        assert client.url == "https://data.nextschool.io/"
        assert not client.is_authenticated


@pytest.mark.parametrize(
    "given", [{"username": DEMO_USERNAME}, {"password": DEMO_PASSWORD}], ids=["user", "password"]
)
def test_half_a_pair_of_arguments_is_refused_exactly(given: dict[str, Any]) -> None:
    with pytest.raises(ConfigurationError) as caught:
        NextSchool("http://127.0.0.1:9/", **given)
    assert str(caught.value) == "username and password must be given together"


def test_a_password_from_the_environment_completes_a_username_argument(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEXTSCHOOL_PASSWORD", DEMO_PASSWORD)
    with NextSchool(server.url, username=DEMO_USERNAME) as client:
        assert len(client.students(limit=1)) == 1
    monkeypatch.delenv("NEXTSCHOOL_PASSWORD")
    monkeypatch.setenv("NEXTSCHOOL_USERNAME", DEMO_USERNAME)
    with NextSchool(server.url, password=DEMO_PASSWORD) as client:
        assert len(client.students(limit=1)) == 1
    assert server.counters.logins == 2


def test_only_a_password_in_the_environment_is_ignored(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEXTSCHOOL_PASSWORD", DEMO_PASSWORD)
    with (
        NextSchool(server.url) as client,
        pytest.raises(AuthenticationError, match="Not logged in"),
    ):
        client.students(limit=1)
    assert server.counters.login_attempts == 0


@pytest.mark.parametrize("max_retries", [True, 2.0, "2"])
def test_max_retries_must_be_a_whole_number(max_retries: Any) -> None:
    with pytest.raises(ConfigurationError) as caught:
        NextSchool("http://127.0.0.1:9/", max_retries=max_retries)
    assert str(caught.value) == f"max_retries must be an int, got {max_retries!r}"
