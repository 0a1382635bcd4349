"""Item 1: a refused refresh token leads to one re-login, whatever its wording.

Any refusal of `refreshToken` that is not a transport error, a 5xx or a rate
limit means the refresh token is dead: the client logs in once if it has
credentials, else raises SessionExpiredError and drops the saved tokens.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nextschool import (
    AsyncNextSchool,
    FileTokenStore,
    HTTPStatusError,
    InvalidCredentialsError,
    NextSchool,
    SessionExpiredError,
    StoredTokens,
)
from nextschool.testing import DEMO_PASSWORD, DEMO_USERNAME, LocalServer

from ._hostile_proxy import Canned, HostileProxy

REFUSALS = {
    "unauthenticated-code": Canned.errors(
        {"message": "Unauthorized", "extensions": {"code": "UNAUTHENTICATED"}}
    ),
    "unauthenticated-code-http-401": Canned.errors(
        {"message": "Unauthorized", "extensions": {"code": "UNAUTHENTICATED"}}, status=401
    ),
    "documented-message-http-401": Canned.errors(
        {"message": "Invalid or expired refresh token"}, status=401
    ),
    "other-wording": Canned.errors({"message": "Refresh token expired"}),
    "trailing-period": Canned.errors({"message": "Invalid or expired refresh token."}),
    "http-401-without-errors": Canned(401, b'{"message": "Unauthorized"}'),
    "http-400": Canned(400, b"bad request"),
}


@pytest.mark.parametrize("refusal", sorted(REFUSALS))
def test_sync_client_logs_in_again_once(
    server: LocalServer, proxy: HostileProxy, refusal: str
) -> None:
    proxy.always("RefreshToken", REFUSALS[refusal])
    with NextSchool(proxy.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as client:
        client.login()
        server.controls.revoke_access_tokens()
        assert len(client.students(limit=1)) == 1
        assert len(client.students(limit=1)) == 1
    assert proxy.count("RefreshToken") == 1
    assert server.counters.logins == 2


@pytest.mark.parametrize("refusal", sorted(REFUSALS))
async def test_async_client_logs_in_again_once(
    server: LocalServer, proxy: HostileProxy, refusal: str
) -> None:
    proxy.always("RefreshToken", REFUSALS[refusal])
    async with AsyncNextSchool(proxy.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as client:
        await client.login()
        server.controls.revoke_access_tokens()
        assert len(await client.students(limit=1)) == 1
    assert proxy.count("RefreshToken") == 1
    assert server.counters.logins == 2


@pytest.mark.parametrize("refusal", sorted(REFUSALS))
def test_without_credentials_the_session_ends_and_the_saved_tokens_are_dropped(
    server: LocalServer, proxy: HostileProxy, refusal: str, tmp_path: Path
) -> None:
    proxy.always("RefreshToken", REFUSALS[refusal])
    issued = server.issue_tokens()
    store = FileTokenStore(tmp_path / "tokens.json")
    store.save(StoredTokens(issued.access_token, issued.refresh_token, None, url=proxy.url))
    server.controls.revoke_access_tokens()
    with NextSchool(proxy.url, token_store=store) as client:
        with pytest.raises(SessionExpiredError):
            client.students(limit=1)
        assert client.tokens is None
    assert store.load() is None
    # A restart on the same file does not send the dead token again.
    with NextSchool(proxy.url, token_store=store) as restarted:
        assert not restarted.is_authenticated
    assert proxy.count("RefreshToken") == 1


def test_a_failing_refresh_endpoint_is_not_a_dead_token(
    server: LocalServer, proxy: HostileProxy
) -> None:
    proxy.always("RefreshToken", Canned(502, b"<html>Bad gateway</html>"))
    with NextSchool(
        proxy.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, max_retries=0
    ) as client:
        client.login()
        server.controls.revoke_access_tokens()
        with pytest.raises(HTTPStatusError):
            client.students(limit=1)
        assert client.is_authenticated
    assert server.counters.logins == 1


@pytest.mark.parametrize("status", [200, 401])
def test_invalid_credentials_is_typed_whatever_the_status(proxy: HostileProxy, status: int) -> None:
    proxy.always("Login", Canned.errors({"message": "Invalid credentials"}, status=status))
    with (
        NextSchool(proxy.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as client,
        pytest.raises(InvalidCredentialsError),
    ):
        client.students(limit=1)
    assert proxy.count("Login") == 1
