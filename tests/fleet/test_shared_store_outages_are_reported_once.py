"""A shared token store of the application's own that fails, over HTTP.

`SharedTokenStore` is a protocol an application may implement (a database,
a vault). When it fails, no call fails: the client carries on with its own
session, and never takes the older tokens a store that missed its writes
still holds for newer ones. The warning says which operation failed (read,
write to, lock, unlock) and the error's type, once per outage, and the
store's return is reported once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from nextschool import AsyncNextSchool, NextSchool, SharedTokenStore, StoredTokens
from nextschool.testing import (
    DEMO_PASSWORD,
    DEMO_USERNAME,
    LocalServer,
)


class FlakyStore:
    """Tokens in memory, behind operations a test can make fail."""

    def __init__(self) -> None:
        self.tokens: StoredTokens | None = None
        self.failing: set[str] = set()

    def __repr__(self) -> str:
        return "FlakyStore()"

    def _check(self, operation: str) -> None:
        if operation in self.failing:
            raise ConnectionRefusedError(f"{operation} refused")

    def load(self) -> StoredTokens | None:
        self._check("load")
        return self.tokens

    def save(self, tokens: StoredTokens | None) -> None:
        self._check("save")
        self.tokens = tokens

    @contextmanager
    def lock(self, timeout: float | None = None) -> Iterator[None]:
        self._check("lock")
        yield
        self._check("unlock")


def store_messages(caplog: pytest.LogCaptureFixture) -> list[tuple[int, str]]:
    return [
        (r.levelno, r.getMessage())
        for r in caplog.records
        if "shared token store" in r.getMessage()
    ]


DOWN = "the shared token store FlakyStore() (ConnectionRefusedError): carrying on with this "
DOWN_END = "process's own session until it is back"
BACK = "The shared token store FlakyStore() is back: renewals are shared again"


@pytest.mark.parametrize(
    ("failing", "what"),
    [("load", "read"), ("save", "write to"), ("lock", "lock"), ("unlock", "unlock")],
)
def test_a_failing_store_operation_fails_no_call_and_is_named_in_a_warning(
    server: LocalServer, failing: str, what: str, caplog: pytest.LogCaptureFixture
) -> None:
    store = FlakyStore()
    assert isinstance(store, SharedTokenStore)
    with (
        caplog.at_level(logging.INFO, logger="nextschool"),
        NextSchool(
            server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, token_store=store
        ) as client,
    ):
        client.login()
        store.failing = {failing}
        for _ in range(3):
            server.controls.revoke_access_tokens()
            assert len(client.students(limit=1)) == 1
    assert server.counters.logins == 1
    assert store_messages(caplog)[0] == (logging.WARNING, f"Could not {what} {DOWN}{DOWN_END}")


def test_each_outage_is_reported_once_and_each_return_once(
    server: LocalServer, caplog: pytest.LogCaptureFixture
) -> None:
    store = FlakyStore()
    with (
        caplog.at_level(logging.INFO, logger="nextschool"),
        NextSchool(
            server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, token_store=store
        ) as client,
    ):
        client.login()
        assert store_messages(caplog) == []  # a healthy start is no return
        for _ in range(2):
            store.failing = {"load", "save", "lock", "unlock"}
            client.refresh_token()
            client.refresh_token()
            store.failing = set()
            client.refresh_token()
            client.refresh_token()
    down = (logging.WARNING, f"Could not lock {DOWN}{DOWN_END}")
    back = (logging.INFO, BACK)
    assert store_messages(caplog) == [down, back, down, back]
    assert store.tokens is not None
    assert client.tokens is not None
    assert store.tokens.access_token == client.tokens.access_token


async def test_an_async_client_on_a_store_that_missed_its_writes_keeps_working(
    server: LocalServer,
) -> None:
    store = FlakyStore()
    async with AsyncNextSchool(
        server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, token_store=store
    ) as client:
        await client.login()
        store.failing = {"save"}
        for _ in range(3):
            server.controls.revoke_access_tokens()
            assert len(await client.students(limit=1)) == 1
    assert server.counters.logins == 1


def test_once_the_store_takes_writes_again_its_tokens_are_adopted_again(
    server: LocalServer,
) -> None:
    store = FlakyStore()
    with NextSchool(
        server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, token_store=store
    ) as first:
        first.login()
        store.failing = {"save"}
        first.refresh_token()  # the store missed this one
        store.failing = set()
        first.refresh_token()  # and has this one
        with NextSchool(server.url, token_store=store) as second:
            server.controls.revoke_access_tokens()
            assert len(second.students(limit=1)) == 1  # renews and saves
            assert len(first.students(limit=1)) == 1  # adopts it
            assert first.tokens is not None
            assert second.tokens is not None
            assert first.tokens.access_token == second.tokens.access_token
    assert server.counters.refreshes == 3
