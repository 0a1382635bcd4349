"""The auth layer against the local server, over real HTTP on loopback."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from nextschool import (
    APITimeoutError,
    AsyncNextSchool,
    AuthenticationError,
    ConfigurationError,
    ForbiddenError,
    HTTPStatusError,
    InvalidCredentialsError,
    NextSchool,
    SessionExpiredError,
    StoredTokens,
)
from nextschool.testing import DEMO_PASSWORD, DEMO_USERNAME, LocalServer
from nextschool.testing.pytest_plugin import ServerFactory

from .conftest import RequestLog


def demo_async(server: LocalServer) -> AsyncNextSchool:
    return AsyncNextSchool(server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD)


def demo_sync(server: LocalServer) -> NextSchool:
    return NextSchool(server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD)


async def test_logs_in_lazily_once(server: LocalServer) -> None:
    async with demo_async(server) as client:
        assert not client.is_authenticated
        students = await client.students(limit=3)
        await client.teachers(limit=3)
    assert len(students) == 3
    assert server.counters.logins == 1
    assert server.counters.refreshes == 0


def test_sync_client_logs_in_lazily_once(server: LocalServer) -> None:
    with demo_sync(server) as client:
        assert len(client.students(limit=3)) == 3
        client.teachers(limit=3)
    assert server.counters.logins == 1


async def test_explicit_login_returns_the_user(server: LocalServer) -> None:
    async with demo_async(server) as client:
        result = await client.login()
        assert result.user.username == DEMO_USERNAME
        assert result.expires_in == 900
        assert client.is_authenticated
        await client.students(limit=1)
    assert server.counters.logins == 1
    assert result.access_token.get_secret_value() not in repr(result)


async def test_auth_operations_carry_no_bearer_and_secrets_only_as_variables(
    server: LocalServer,
) -> None:
    log = RequestLog()
    async with (
        httpx.AsyncClient(event_hooks={"request": [log.arecord]}) as http,
        AsyncNextSchool(
            server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, http_client=http
        ) as client,
    ):
        await client.students(limit=1)
        await client.refresh_token()
        await client.students(limit=1)
        await client.logout()
        assert not http.is_closed  # the caller's client stays the caller's
    assert log.operations() == ["Login", "Students", "RefreshToken", "Students", "Logout"]
    for request in log.requests:
        body = json.loads(request.content)
        if body["operationName"] in ("Login", "RefreshToken", "Logout"):
            assert "authorization" not in request.headers
            for secret in body["variables"].values():
                assert secret not in body["query"]
        else:
            assert request.headers["authorization"].startswith("Bearer ey")
    login_body = json.loads(log.requests[0].content)
    assert login_body["variables"] == {"username": DEMO_USERNAME, "password": DEMO_PASSWORD}


@pytest.mark.parametrize("status", [200, 401])
async def test_unauthenticated_refreshes_and_retries_once(server: LocalServer, status: int) -> None:
    server.controls.auth_failure_status = status
    async with demo_async(server) as client:
        await client.students(limit=1)
        server.controls.revoke_access_tokens()
        server.counters.reset()
        students = await client.students(limit=2)
    assert len(students) == 2
    assert server.counters.refreshes == 1
    assert server.counters.logins == 0
    assert server.counters.requests_by_operation["Students"] == 2


def test_sync_client_refreshes_and_retries_once(server: LocalServer) -> None:
    with demo_sync(server) as client:
        client.students(limit=1)
        server.controls.revoke_access_tokens()
        server.counters.reset()
        assert len(client.students(limit=2)) == 2
    assert server.counters.refreshes == 1
    assert server.counters.requests_by_operation["Students"] == 2


async def test_a_server_rejecting_every_token_gets_one_retry_then_an_error(
    server: LocalServer,
) -> None:
    async with demo_async(server) as client:
        await client.login()
        server.controls.reject_all_tokens = True
        server.counters.reset()
        with pytest.raises(AuthenticationError) as caught:
            await client.students(limit=1)
    assert type(caught.value) is AuthenticationError
    assert server.counters.refreshes == 1
    assert server.counters.requests_total <= 4


def test_sync_client_against_a_server_rejecting_every_token(server: LocalServer) -> None:
    with demo_sync(server) as client:
        client.login()
        server.controls.reject_all_tokens = True
        server.counters.reset()
        with pytest.raises(AuthenticationError):
            client.students(limit=1)
    assert server.counters.requests_total <= 4


async def test_short_lived_tokens_are_refreshed_before_they_expire(
    start_server: ServerFactory,
) -> None:
    server = start_server(access_token_ttl=2.0)
    async with demo_async(server) as client:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            await client.students(limit=1)
            await asyncio.sleep(0.5)
    assert server.counters.expired_token_requests == 0
    assert server.counters.unauthenticated_responses == 0
    assert server.counters.refreshes >= 4


def test_sync_client_refreshes_short_lived_tokens_before_they_expire(
    start_server: ServerFactory,
) -> None:
    server = start_server(access_token_ttl=2.0)
    with demo_sync(server) as client:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            client.students(limit=1)
            time.sleep(0.5)
    assert server.counters.expired_token_requests == 0
    assert server.counters.refreshes >= 2


async def test_500_coroutines_on_revoked_tokens_cause_one_refresh(server: LocalServer) -> None:
    async with demo_async(server) as client:
        await client.login()
        server.controls.revoke_access_tokens()
        server.counters.reset()
        results = await asyncio.gather(*(client.students(limit=1) for _ in range(500)))
    assert all(len(rows) == 1 for rows in results)
    assert server.counters.refreshes == 1
    assert server.counters.logins == 0


def test_50_threads_on_revoked_tokens_cause_one_refresh(server: LocalServer) -> None:
    with demo_sync(server) as client:
        client.login()
        server.controls.revoke_access_tokens()
        server.counters.reset()
        with ThreadPoolExecutor(max_workers=50) as pool:
            results = list(pool.map(lambda _: client.students(limit=1), range(50)))
    assert all(len(rows) == 1 for rows in results)
    assert server.counters.refreshes == 1


async def test_a_late_rejection_of_an_older_token_does_not_refresh_again(
    server: LocalServer,
) -> None:
    async with demo_async(server) as client:
        await client.login()
        server.controls.revoke_access_tokens()
        server.counters.reset()
        # The second call goes out with the old token and is held at the
        # server until the first call has refreshed: its rejection arrives late.
        held = server.controls.hold_next(1, operation="Students")
        second = asyncio.create_task(client.students(limit=1))
        await asyncio.to_thread(held.wait_until_arrived)
        assert len(await client.students(limit=1)) == 1
        assert server.counters.refreshes == 1
        held.release()
        assert len(await second) == 1
    assert server.counters.refreshes == 1
    assert server.counters.requests_by_operation["Students"] == 4


async def test_rejected_refresh_token_logs_in_again_once(server: LocalServer) -> None:
    async with demo_async(server) as client:
        await client.login()
        server.controls.revoke_access_tokens()
        server.controls.revoke_refresh_tokens()
        server.counters.reset()
        assert len(await client.students(limit=1)) == 1
    assert server.counters.refresh_attempts == 1
    assert server.counters.refreshes == 0
    assert server.counters.logins == 1


async def test_rejected_refresh_token_without_credentials_ends_the_session(
    server: LocalServer,
) -> None:
    async with demo_async(server) as client:
        await client.login()
        saved = client.tokens
    assert saved is not None
    server.controls.revoke_access_tokens()
    server.controls.revoke_refresh_tokens()
    async with AsyncNextSchool(
        server.url, access_token=saved.access_token, refresh_token=saved.refresh_token
    ) as resumed:
        with pytest.raises(SessionExpiredError):
            await resumed.students(limit=1)
        assert resumed.tokens is None


async def test_resumed_tokens_are_used_without_logging_in(server: LocalServer) -> None:
    async with demo_async(server) as client:
        await client.login()
        saved = client.tokens
    assert saved is not None and saved.refresh_token is not None
    server.counters.reset()
    async with AsyncNextSchool(
        server.url, access_token=saved.access_token, refresh_token=saved.refresh_token
    ) as resumed:
        assert len(await resumed.students(limit=1)) == 1
    async with AsyncNextSchool(server.url, refresh_token=saved.refresh_token) as refresh_only:
        assert len(await refresh_only.students(limit=1)) == 1
    assert server.counters.logins == 0
    assert server.counters.refreshes == 1


async def test_wrong_password_is_invalid_credentials_and_not_retried(
    server: LocalServer,
) -> None:
    password = "not-the-Password-123"
    async with AsyncNextSchool(server.url, username=DEMO_USERNAME, password=password) as client:
        with pytest.raises(InvalidCredentialsError) as caught:
            await client.students(limit=1)
        assert password not in repr(client)
    assert server.counters.login_attempts == 1
    error = caught.value
    assert password not in str(error)
    assert password not in repr(error)
    assert "Invalid credentials" in str(error)


async def test_account_without_a_school_is_forbidden(server: LocalServer) -> None:
    async with AsyncNextSchool(server.url, username="noschool", password="noschool") as client:
        with pytest.raises(ForbiddenError) as caught:
            await client.students(limit=1)
    assert caught.value.codes == ("FORBIDDEN",)


async def test_logout_revokes_the_refresh_token(server: LocalServer) -> None:
    async with demo_async(server) as client:
        await client.login()
        saved = client.tokens
        assert await client.logout() is True
        assert client.tokens is None
    assert saved is not None
    async with AsyncNextSchool(server.url, refresh_token=saved.refresh_token) as resumed:
        with pytest.raises(SessionExpiredError):
            await resumed.students(limit=1)


async def test_token_hooks_fire_after_login_refresh_and_logout(server: LocalServer) -> None:
    seen: list[StoredTokens | None] = []
    awaited: list[StoredTokens | None] = []

    async def async_hook(tokens: StoredTokens | None) -> None:
        await asyncio.sleep(0)
        awaited.append(tokens)

    async with AsyncNextSchool(
        server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, on_tokens_changed=async_hook
    ) as client:
        await client.students(limit=1)
        await client.refresh_token()
        await client.logout()
    with NextSchool(
        server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, on_tokens_changed=seen.append
    ) as sync:
        sync.login()
        sync.refresh_token()
        sync.logout()
    for events in (awaited, seen):
        assert len(events) == 3
        login, refresh, logout = events
        assert login is not None and refresh is not None and logout is None
        assert refresh.refresh_token == login.refresh_token  # not rotated
        assert refresh.access_token != login.access_token


def test_environment_variables_configure_the_client(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEXTSCHOOL_URL", server.url)
    monkeypatch.setenv("NEXTSCHOOL_USERNAME", DEMO_USERNAME)
    monkeypatch.setenv("NEXTSCHOOL_PASSWORD", DEMO_PASSWORD)
    with NextSchool() as client:
        assert client.url == server.url
        assert len(client.students(limit=1)) == 1
    assert server.counters.logins == 1


def test_half_a_credential_pair(server: LocalServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEXTSCHOOL_PASSWORD", raising=False)
    with pytest.raises(ConfigurationError, match="together"):
        NextSchool(server.url, username=DEMO_USERNAME)
    monkeypatch.setenv("NEXTSCHOOL_PASSWORD", DEMO_PASSWORD)
    with NextSchool(server.url, username=DEMO_USERNAME) as client:
        client.login()
        saved = client.tokens
    assert saved is not None
    # Only the username in the environment: ignored, the saved tokens still work.
    monkeypatch.delenv("NEXTSCHOOL_PASSWORD")
    monkeypatch.setenv("NEXTSCHOOL_USERNAME", DEMO_USERNAME)
    with NextSchool(server.url, refresh_token=saved.refresh_token) as resumed:
        assert len(resumed.students(limit=1)) == 1


class RenewalQueue:
    """Signals once `expected` calls have taken their place behind a token renewal.

    Wraps the client's `renewal_ticket`, which a call takes right after the
    server refused its token and before it waits for the renewal lock.
    """

    def __init__(
        self, client: NextSchool | AsyncNextSchool, expected: int, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        self.everyone_queued = threading.Event()
        self._expected = expected
        self._queued = 0
        self._lock = threading.Lock()
        take_ticket = client._tokens.renewal_ticket

        def counted() -> int:
            ticket = take_ticket()
            with self._lock:
                self._queued += 1
                if self._queued >= self._expected:
                    self.everyone_queued.set()
            return ticket

        monkeypatch.setattr(client._tokens, "renewal_ticket", counted)

    def wait(self) -> None:
        assert self.everyone_queued.wait(30), f"only {self._queued} calls queued"


async def test_waiters_share_the_error_of_a_failed_refresh(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    callers = 50
    async with demo_async(server) as client:
        await client.login()
        server.controls.revoke_access_tokens()
        server.controls.fail_next(1, "http_503", operation="RefreshToken")
        refresh = server.controls.hold_next(1, operation="RefreshToken")
        queue = RenewalQueue(client, callers, monkeypatch)
        server.counters.reset()
        calls = asyncio.gather(
            *(client.students(limit=1) for _ in range(callers)), return_exceptions=True
        )
        # The refresh fails only once every call is waiting for it.
        await asyncio.to_thread(queue.wait)
        refresh.release()
        outcomes = await calls
        assert all(isinstance(outcome, HTTPStatusError) for outcome in outcomes)
        assert server.counters.requests_by_operation["RefreshToken"] == 1
        # The session is intact: the next call refreshes and succeeds.
        assert len(await client.students(limit=1)) == 1
    assert server.counters.refreshes == 1
    assert server.counters.logins == 0


def test_threads_share_the_error_of_a_failed_refresh(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    callers = 20
    with demo_sync(server) as client:
        client.login()
        server.controls.revoke_access_tokens()
        server.controls.fail_next(1, "http_503", operation="RefreshToken")
        refresh = server.controls.hold_next(1, operation="RefreshToken")
        queue = RenewalQueue(client, callers, monkeypatch)
        server.counters.reset()

        def call() -> object:
            try:
                return client.students(limit=1)
            except HTTPStatusError as error:
                return error

        with ThreadPoolExecutor(max_workers=callers) as pool:
            futures = [pool.submit(call) for _ in range(callers)]
            queue.wait()
            refresh.release()
            outcomes = [future.result() for future in futures]
        assert all(isinstance(outcome, HTTPStatusError) for outcome in outcomes)
        assert server.counters.requests_by_operation["RefreshToken"] == 1
        assert len(client.students(limit=1)) == 1
    assert server.counters.refreshes == 1


async def test_timeout_applies_to_a_client_passed_in(server: LocalServer) -> None:
    # Tokens issued up front: a login under the 0.2 s timeout could time out
    # on a loaded machine; only the held request must.
    issued = server.issue_tokens()
    async with (
        httpx.AsyncClient(timeout=30) as http,
        AsyncNextSchool(
            server.url,
            access_token=issued.access_token,
            refresh_token=issued.refresh_token,
            http_client=http,
            timeout=0.2,
            max_retries=0,
        ) as client,
    ):
        held = server.controls.hold_next(1, operation="Students")
        with pytest.raises(APITimeoutError):
            await client.students(limit=1)
        held.release()
        assert len(await client.students(limit=1, timeout=5)) == 1
