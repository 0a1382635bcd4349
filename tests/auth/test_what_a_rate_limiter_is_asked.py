"""What a client asks its rate limiter, over loopback: which budget each request
draws from, how long it may wait (what is left of the call's deadline), and
what happens when a limiter hands out a slot only after the deadline."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from nextschool import APITimeoutError, FileTokenStore, NextSchool
from nextschool.testing import DEMO_PASSWORD, DEMO_USERNAME, LocalServer


@pytest.fixture(autouse=True)
def _no_credentials_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NEXTSCHOOL_URL", "NEXTSCHOOL_USERNAME", "NEXTSCHOOL_PASSWORD"):
        monkeypatch.delenv(name, raising=False)


class RecordingLimiter:
    """A rate limiter that never makes anyone wait, and keeps what it was asked.

    With `late=True` it hands out each slot just after the wait it was allowed.
    """

    def __init__(self, *, late: bool = False) -> None:
        self.asked: list[tuple[bool, float | None]] = []
        self.late = late

    def acquire(self, *, login: bool = False, timeout: float | None = None) -> None:
        self.asked.append((login, timeout))
        if self.late and timeout is not None:
            time.sleep(timeout + 0.05)


def test_logins_draw_on_the_login_budget_and_calls_on_the_other(server: LocalServer) -> None:
    limiter = RecordingLimiter()
    with NextSchool(
        server.url,
        username=DEMO_USERNAME,
        password=DEMO_PASSWORD,
        rate_limiter=limiter,
        deadline=None,
    ) as client:
        client.students(limit=1)
        client.refresh_token()
    assert limiter.asked == [(True, None), (False, None), (True, None)]


def test_a_wait_for_a_slot_may_last_what_is_left_of_the_deadline(server: LocalServer) -> None:
    limiter = RecordingLimiter()
    with NextSchool(
        server.url,
        username=DEMO_USERNAME,
        password=DEMO_PASSWORD,
        rate_limiter=limiter,
        deadline=30.0,
    ) as client:
        client.students(limit=1)
    (login, for_login), (data, for_call) = limiter.asked
    assert (login, data) == (True, False)
    assert for_login is not None and for_call is not None
    assert 0 < for_call <= for_login <= 30.0


def test_a_slot_handed_out_after_the_deadline_ends_the_call(server: LocalServer) -> None:
    issued = server.issue_tokens()
    limiter = RecordingLimiter(late=True)
    with (
        NextSchool(
            server.url, access_token=issued.access_token, rate_limiter=limiter, deadline=0.3
        ) as client,
        pytest.raises(APITimeoutError) as caught,
    ):
        client.students(limit=1)
    assert str(caught.value) == "Students did not complete within its deadline"
    assert server.counters.requests_by_operation.get("Students", 0) == 0


def test_refresh_token_called_directly_waits_for_a_shared_store_within_the_deadline(
    server: LocalServer, tmp_path: Path
) -> None:
    store = FileTokenStore(tmp_path / "tokens.json")
    with NextSchool(
        server.url,
        username=DEMO_USERNAME,
        password=DEMO_PASSWORD,
        token_store=store,
        deadline=5.0,
    ) as client:
        client.login()
        refreshed = client.refresh_token()
        assert refreshed.access_token
        saved = store.load()
        assert saved is not None
        assert saved.access_token == refreshed.access_token.get_secret_value()
    assert server.counters.refreshes == 1


def test_a_deadline_spent_before_the_slot_is_asked_for_ends_the_call(server: LocalServer) -> None:
    limiter = RecordingLimiter()

    def slow_hook(tokens: object) -> None:
        time.sleep(1.1)  # the login's hook takes the rest of the call's deadline

    with (
        NextSchool(
            server.url,
            username=DEMO_USERNAME,
            password=DEMO_PASSWORD,
            rate_limiter=limiter,
            on_tokens_changed=slow_hook,
            deadline=1.0,
        ) as client,
        pytest.raises(APITimeoutError) as caught,
    ):
        client.students(limit=1)
    assert str(caught.value) == "Students did not complete within its deadline"
    assert [login for login, _ in limiter.asked] == [True]  # no slot asked for the call
