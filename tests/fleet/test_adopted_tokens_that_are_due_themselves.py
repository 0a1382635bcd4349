"""Tokens adopted from a shared store that are due for renewal themselves.

Another process saved newer tokens, but their access token has expired too
(that process stopped before renewing again): a client that adopts them must
renew with the adopted refresh token before it sends anything, never send
the expired token and wait for the server to refuse it. Over HTTP, sync and
async, with the tokens in a file store.
"""

from __future__ import annotations

import time
from pathlib import Path

from nextschool import AsyncNextSchool, FileTokenStore, NextSchool, StoredTokens
from nextschool.testing import DEMO_PASSWORD, DEMO_USERNAME, LocalServer
from nextschool.testing.pytest_plugin import ServerFactory

LIFETIME = 1.0


def _expired_session_of_another_process(server: LocalServer, store: FileTokenStore) -> str:
    """Save, as another process would have, a newer session whose access token has expired."""
    issued = server.issue_tokens()
    time.sleep(LIFETIME + 0.2)  # the client's own token and this one both expire
    store.save(
        StoredTokens(issued.access_token, issued.refresh_token, time.time() - 0.1, server.url)
    )
    return issued.access_token


def test_a_sync_client_renews_adopted_tokens_that_have_expired(
    start_server: ServerFactory, tmp_path: Path
) -> None:
    server = start_server(access_token_ttl=LIFETIME)
    store = FileTokenStore(tmp_path / "tokens.json")
    with NextSchool(
        server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, token_store=store
    ) as client:
        client.login()
        adopted = _expired_session_of_another_process(server, store)
        assert len(client.students(limit=1)) == 1
        assert client.tokens is not None
        assert client.tokens.access_token != adopted
    counters = server.counters
    assert (counters.logins, counters.refreshes) == (1, 1)
    assert (counters.expired_token_requests, counters.unauthenticated_responses) == (0, 0)


async def test_an_async_client_renews_adopted_tokens_that_have_expired(
    start_server: ServerFactory, tmp_path: Path
) -> None:
    server = start_server(access_token_ttl=LIFETIME)
    store = FileTokenStore(tmp_path / "tokens.json")
    async with AsyncNextSchool(
        server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, token_store=store
    ) as client:
        await client.login()
        adopted = _expired_session_of_another_process(server, store)
        assert len(await client.students(limit=1)) == 1
        assert client.tokens is not None
        assert client.tokens.access_token != adopted
    counters = server.counters
    assert (counters.logins, counters.refreshes) == (1, 1)
    assert (counters.expired_token_requests, counters.unauthenticated_responses) == (0, 0)
