"""Two clients on one shared token store, over HTTP: one renews, the other adopts.

The clients stand for two processes (each has its own in-process session);
only the store and its lock are shared. A client whose token the server
refused re-reads the store under the lock: tokens another client renewed
meanwhile are adopted without a refresh, while the very token that was
refused, or its own, is never taken for a newer one.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from nextschool import FileTokenStore, NextSchool, StoredTokens
from nextschool.testing import (
    DEMO_PASSWORD,
    DEMO_USERNAME,
    LocalServer,
)


def client(server: LocalServer, path: Path) -> NextSchool:
    return NextSchool(
        server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, token_store=FileTokenStore(path)
    )


def test_a_client_adopts_the_tokens_another_renewed(server: LocalServer, tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    with client(server, path) as first, client(server, path) as second:
        first.login()
        assert len(second.students(limit=1)) == 1  # the saved session, no login of its own
        assert server.counters.logins == 1
        server.controls.revoke_access_tokens()
        assert len(first.students(limit=1)) == 1  # refused, renews, saves
        assert server.counters.refreshes == 1
        assert len(second.students(limit=1)) == 1  # refused, finds the renewed tokens
        assert server.counters.refreshes == 1
        assert server.counters.logins == 1
        assert first.tokens is not None
        assert second.tokens is not None
        assert second.tokens.access_token == first.tokens.access_token


def test_the_refused_token_found_in_the_store_is_renewed_not_adopted(
    server: LocalServer, tmp_path: Path
) -> None:
    path = tmp_path / "tokens.json"
    with client(server, path) as first, client(server, path) as second:
        first.login()
        second.students(limit=1)
        server.controls.revoke_access_tokens()
        # The store still holds the token both clients hold, which the
        # server now refuses: the second client must renew it itself.
        assert len(second.students(limit=1)) == 1
        assert server.counters.refreshes == 1
        saved = FileTokenStore(path).load()
        assert saved is not None
        assert second.tokens is not None
        assert saved.access_token == second.tokens.access_token


def test_a_store_holding_another_apis_tokens_is_not_adopted(
    server: LocalServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "tokens.json"
    with client(server, path) as first:
        first.login()
        issued = server.issue_tokens()
        FileTokenStore(path).save(
            StoredTokens(issued.access_token, issued.refresh_token, None, "https://other.example/")
        )
        server.controls.revoke_access_tokens()
        with caplog.at_level(logging.WARNING, logger="nextschool"):
            assert len(first.students(limit=1)) == 1
        assert first.tokens is not None
        assert first.tokens.access_token != issued.access_token
    assert "issued by another API URL" in caplog.text
    assert server.counters.refreshes == 1


def test_a_token_due_for_renewal_is_renewed_even_when_the_store_holds_it_too(
    server: LocalServer, tmp_path: Path
) -> None:
    # Proactive renewal: nothing was refused, and the store holds the very
    # token the client has; that is no newer token to adopt.
    now = [1000.0]
    with NextSchool(
        server.url,
        username=DEMO_USERNAME,
        password=DEMO_PASSWORD,
        token_store=FileTokenStore(tmp_path / "tokens.json"),
        clock=lambda: now[0],
    ) as client:
        client.login()
        now[0] += server.settings.access_token_ttl - 30  # inside the refresh margin
        assert len(client.students(limit=1)) == 1
    assert server.counters.refreshes == 1
    assert server.counters.unauthenticated_responses == 0
