"""Secrets stay out of logs, reprs and messages; tokens persist safely."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import pytest

from nextschool import (
    AsyncNextSchool,
    AuthenticationError,
    FileTokenStore,
    InvalidCredentialsError,
    NextSchool,
    NextSchoolError,
    SessionExpiredError,
    StoredTokens,
)
from nextschool.testing import DEMO_PASSWORD, DEMO_USERNAME, LocalServer
from nextschool.testing.pytest_plugin import ServerFactory

SPECIAL_PASSWORD = 'quote" back\\slash {braces}\nnewline ภาษาไทย 🎓'


async def test_a_password_with_special_characters_logs_in(start_server: ServerFactory) -> None:
    server = start_server(extra_accounts=(("special", SPECIAL_PASSWORD),))
    async with AsyncNextSchool(server.url, username="special", password=SPECIAL_PASSWORD) as client:
        assert len(await client.students(limit=1)) == 1
    with NextSchool(server.url, username="special", password=SPECIAL_PASSWORD) as sync:
        assert len(sync.students(limit=1)) == 1
    assert server.counters.logins == 2


async def test_logs_at_debug_contain_no_secret(
    server: LocalServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger: ours, httpx, httpcore
    wrong_password = "wrong-" + SPECIAL_PASSWORD
    secrets: list[str] = [DEMO_PASSWORD * 3, wrong_password]
    async with AsyncNextSchool(
        server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD * 3
    ) as rejected:
        with pytest.raises(InvalidCredentialsError):
            await rejected.login()
    async with AsyncNextSchool(server.url, username="demo", password=wrong_password) as wrong:
        with pytest.raises(InvalidCredentialsError):
            await wrong.students(limit=1)
    async with AsyncNextSchool(server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as ok:
        await ok.students(limit=1)
        first = ok.tokens
        server.controls.revoke_access_tokens()
        await ok.students(limit=1)  # reactive refresh
        second = ok.tokens
        await ok.refresh_token()
        third = ok.tokens
        server.controls.revoke_refresh_tokens()
        server.controls.revoke_access_tokens()
        await ok.students(limit=1)  # refresh refused, log in again
        fourth = ok.tokens
    for tokens in (first, second, third, fourth):
        assert tokens is not None
        secrets += [tokens.access_token, tokens.refresh_token or "-"]
    async with AsyncNextSchool(
        server.url, refresh_token=first.refresh_token if first else None
    ) as dead:
        with pytest.raises(SessionExpiredError):
            await dead.students(limit=1)
    assert len(caplog.records) > 10
    text = "\n".join(
        record.getMessage()
        + (logging.Formatter().formatException(record.exc_info) if record.exc_info else "")
        for record in caplog.records
    )
    for secret in secrets:
        assert secret not in text


async def test_reprs_and_error_messages_contain_no_secret(server: LocalServer) -> None:
    async with AsyncNextSchool(
        server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD
    ) as client:
        await client.login()
        tokens = client.tokens
        assert tokens is not None
        shown = [repr(client), str(client), repr(tokens), repr(client._tokens)]
        server.controls.revoke_refresh_tokens()
        async with AsyncNextSchool(server.url, refresh_token=tokens.refresh_token) as dead:
            with pytest.raises(NextSchoolError) as caught:
                await dead.students(limit=1)
        shown += [repr(caught.value), str(caught.value), repr(caught.value.__dict__)]
    for secret in (DEMO_PASSWORD * 2, tokens.access_token, tokens.refresh_token):
        assert secret
        assert all(secret not in text for text in shown), secret


async def test_file_store_is_private_atomic_and_resumes_a_session(
    server: LocalServer, tmp_path: Path
) -> None:
    path = tmp_path / "config" / "tokens.json"
    store = FileTokenStore(path)
    async with AsyncNextSchool(
        server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, token_store=store
    ) as client:
        await client.students(limit=1)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # No temporary files left; the lock file stays, as a lock shared by processes must.
    assert sorted(p.name for p in path.parent.iterdir()) == ["tokens.json", "tokens.json.lock"]
    assert stat.S_IMODE((path.parent / "tokens.json.lock").stat().st_mode) == 0o600
    saved = store.load()
    assert saved is not None
    assert saved.access_expires_at is not None
    # A later process: no credentials, only the file.
    with NextSchool(server.url, token_store=FileTokenStore(path)) as resumed:
        assert len(resumed.students(limit=1)) == 1
        resumed.refresh_token()
    assert server.counters.logins == 1
    reloaded = store.load()
    assert reloaded is not None
    assert reloaded.refresh_token == saved.refresh_token
    assert reloaded.access_token != saved.access_token
    with NextSchool(server.url, token_store=FileTokenStore(path)) as ending:
        ending.logout()
    assert not path.exists()


def test_unreadable_token_files_are_ignored(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    for content in ("not json", "[]", '{"access_token": 5}'):
        path.write_text(content)
        assert FileTokenStore(path).load() is None
    path.write_text(
        '{"access_token": "a", "refresh_token": null, "access_expires_at": "x", "url": "http://x/"}'
    )
    assert FileTokenStore(path).load() == StoredTokens("a", None, None, "http://x/")


def test_a_failing_store_does_not_fail_the_call(
    server: LocalServer, caplog: pytest.LogCaptureFixture
) -> None:
    class BrokenStore:
        def load(self) -> StoredTokens | None:
            return None

        def save(self, tokens: StoredTokens | None) -> None:
            raise OSError("disk full")

    with NextSchool(
        server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, token_store=BrokenStore()
    ) as client:
        assert len(client.students(limit=1)) == 1
    assert "Could not save tokens" in caplog.text


def test_file_store_replaces_atomically(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    store = FileTokenStore(path)
    store.save(StoredTokens("a1", "r1", 1.0, "http://x/"))
    inode = path.stat().st_ino
    store.save(StoredTokens("a2", "r1", 2.0, "http://x/"))
    assert path.stat().st_ino != inode  # a new file renamed over the old one
    assert store.load() == StoredTokens("a2", "r1", 2.0, "http://x/")
    assert os.stat(path).st_mode & 0o077 == 0


def test_saved_tokens_are_only_sent_to_the_api_that_issued_them(
    start_server: ServerFactory, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    first, second = start_server(), start_server()
    store = FileTokenStore(tmp_path / "tokens.json")
    with NextSchool(
        first.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, token_store=store
    ) as client:
        client.login()
    saved = store.load()
    assert saved is not None
    assert saved.url == first.url
    with NextSchool(second.url, token_store=store) as elsewhere:
        assert not elsewhere.is_authenticated
        with pytest.raises(AuthenticationError, match="Not logged in"):
            elsewhere.students(limit=1)
    assert second.counters.requests_total == 0
    assert "issued by another API URL" in caplog.text
