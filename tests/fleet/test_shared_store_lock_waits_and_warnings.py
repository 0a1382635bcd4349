"""A shared store's renewal lock as a call meets it, over HTTP.

A lock another process holds is waited for no longer than the call's
deadline allows (not the store's own, longer lock timeout): the call ends
with its deadline, and the warning says which operation on the store failed
and why. A private store has no lock, and renewing with it warns of nothing.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest

from nextschool import APITimeoutError, FileTokenStore, MemoryTokenStore, NextSchool
from nextschool.testing import (
    DEMO_PASSWORD,
    DEMO_USERNAME,
    LocalServer,
)

STORE_LOCK_TIMEOUT = 60.0


def test_a_held_lock_is_waited_for_no_longer_than_the_calls_deadline(
    server: LocalServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    pytest.importorskip("filelock")
    path = tmp_path / "tokens.json"
    store = FileTokenStore(path, lock_timeout=STORE_LOCK_TIMEOUT)
    with NextSchool(
        server.url,
        username=DEMO_USERNAME,
        password=DEMO_PASSWORD,
        token_store=store,
        deadline=2.0,
    ) as client:
        client.login()
        server.controls.revoke_access_tokens()
        with (
            caplog.at_level(logging.WARNING, logger="nextschool"),
            FileTokenStore(path).lock(),  # another process, renewing
        ):
            started = time.monotonic()
            with pytest.raises(
                APITimeoutError, match="Students did not complete within its deadline"
            ):
                client.students(limit=1)
            waited = time.monotonic() - started
    # Well under the store's own minute, whatever the machine's load.
    assert waited < STORE_LOCK_TIMEOUT / 2
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(
        m.startswith("Could not lock the shared token store") and "(TimeoutError)" in m
        for m in warnings
    ), warnings


def test_renewing_with_a_private_store_warns_of_nothing(
    server: LocalServer, caplog: pytest.LogCaptureFixture
) -> None:
    with (
        caplog.at_level(logging.WARNING, logger="nextschool"),
        NextSchool(
            server.url,
            username=DEMO_USERNAME,
            password=DEMO_PASSWORD,
            token_store=MemoryTokenStore(),
        ) as client,
    ):
        client.login()
        server.controls.revoke_access_tokens()
        assert len(client.students(limit=1)) == 1
        client.refresh_token()
    assert server.counters.refreshes == 2
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_a_client_whose_shared_store_was_emptied_renews_on_its_own(
    server: LocalServer, tmp_path: Path
) -> None:
    path = tmp_path / "tokens.json"
    with NextSchool(
        server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, token_store=FileTokenStore(path)
    ) as client:
        client.login()
        path.unlink()  # another process's logout
        server.controls.revoke_access_tokens()
        assert len(client.students(limit=1)) == 1
    assert server.counters.refreshes + server.counters.logins == 2
    assert FileTokenStore(path).load() is not None
