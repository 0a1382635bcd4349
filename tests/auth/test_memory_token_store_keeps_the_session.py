"""MemoryTokenStore, over HTTP: a client resumes the tokens it was given and keeps each renewal.

The store's repr says whether it holds a session, never what the session is.
"""

from __future__ import annotations

from nextschool import MemoryTokenStore, NextSchool
from nextschool.auth._tokens import StoredTokens
from nextschool.testing import DEMO_PASSWORD, DEMO_USERNAME, LocalServer


def test_a_client_resumes_the_tokens_the_store_was_given(server: LocalServer) -> None:
    issued = server.issue_tokens()
    store = MemoryTokenStore(
        StoredTokens(issued.access_token, issued.refresh_token, None, server.url)
    )
    with NextSchool(server.url, token_store=store) as client:
        assert len(client.students(limit=1)) == 1
    assert server.counters.logins == 0
    assert server.counters.login_attempts == 0


def test_the_store_keeps_each_renewal_and_forgets_the_session_at_logout(
    server: LocalServer,
) -> None:
    store = MemoryTokenStore()
    with NextSchool(
        server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, token_store=store
    ) as client:
        client.login()
        first = store.load()
        assert first is not None
        assert client.tokens is not None
        assert first.access_token == client.tokens.access_token
        client.refresh_token()
        renewed = store.load()
        assert renewed is not None
        assert renewed.access_token != first.access_token
        client.logout()
        assert store.load() is None


def test_the_repr_says_whether_a_session_is_kept_and_shows_no_token() -> None:
    tokens = StoredTokens("access-secret-1", "refresh-secret-1", None, "https://api.example.org/")
    empty = MemoryTokenStore()
    assert repr(empty) == "MemoryTokenStore(has_tokens=False)"
    holding = MemoryTokenStore(tokens)
    assert repr(holding) == "MemoryTokenStore(has_tokens=True)"
    assert holding.load() == tokens
    holding.save(None)
    assert repr(holding) == "MemoryTokenStore(has_tokens=False)"
    empty.save(tokens)
    assert empty.load() == tokens
    assert "secret" not in repr(empty)
