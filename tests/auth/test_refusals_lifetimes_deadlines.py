"""Refused refresh tokens, saved expiries and deadlines, at the edges of their rules."""

from __future__ import annotations

import logging

import pytest

from nextschool import (
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    ConfigurationError,
    GraphQLError,
    GraphQLErrorDetail,
    HTTPStatusError,
    InvalidResponseError,
    NextSchool,
    NextSchoolError,
    RateLimitError,
    SessionExpiredError,
)
from nextschool._constants import FALLBACK_TOKEN_LIFETIME, MAX_TOKEN_LIFETIME
from nextschool.auth._tokens import StoredTokens, TokenManager, refresh_refused
from nextschool.testing import DEMO_PASSWORD, DEMO_USERNAME, LocalServer

from .test_token_edges import _jwt

WALL = 1_700_000_000.0


def _manager() -> TokenManager:
    return TokenManager(credentials=None, clock=lambda: 1000.0, wall_clock=lambda: WALL)


@pytest.mark.parametrize(
    ("error", "refused"),
    [
        (GraphQLError("Invalid or expired refresh token", status_code=200), True),
        (GraphQLError("no", status_code=None), True),
        (HTTPStatusError("HTTP 499", status_code=499), True),
        (HTTPStatusError("HTTP 500", status_code=500), False),
        (HTTPStatusError("HTTP 503", status_code=503), False),
        (RateLimitError("slow down", retry_after=1, status_code=429), False),
        (InvalidResponseError("garbled", status_code=200), False),
        (APIConnectionError("reset"), False),
        (ConfigurationError("not an answer"), False),
        (NextSchoolError("not an answer"), False),
    ],
)
def test_which_refresh_failures_mean_a_dead_refresh_token(
    error: NextSchoolError, refused: bool
) -> None:
    assert refresh_refused(error) is refused


def test_a_dead_refresh_token_without_credentials_ends_the_session(
    server: LocalServer,
) -> None:
    issued = server.issue_tokens()
    server.controls.revoke_refresh_tokens()
    with (
        NextSchool(server.url, refresh_token=issued.refresh_token) as client,
        pytest.raises(SessionExpiredError) as caught,
    ):
        client.students(limit=1)
    error = caught.value
    assert str(error) == "Invalid or expired refresh token"
    assert (error.operation, error.status_code) == ("RefreshToken", 200)


def test_a_refusal_in_other_words_becomes_a_session_expired_error() -> None:
    tokens = _manager()
    tokens.restore_refresh_only("refresh-1")
    flow = tokens.renew(proactive=False)
    next(flow)
    detail = GraphQLErrorDetail("Not authenticated", code="UNAUTHENTICATED")
    refusal = AuthenticationError(
        "Not authenticated", operation="RefreshToken", status_code=401, errors=[detail]
    )
    with pytest.raises(SessionExpiredError) as caught:
        flow.throw(refusal)
    error = caught.value
    assert str(error) == (
        "The refresh token was refused (Not authenticated) and there are no credentials "
        "to log in again"
    )
    assert (error.operation, error.status_code) == ("RefreshToken", 401)
    assert list(error.errors) == [detail]
    assert error.__cause__ is None and error.__suppress_context__
    assert tokens.current is None


def test_a_saved_expiry_exactly_at_the_cap_is_used() -> None:
    tokens = _manager()
    tokens.restore(StoredTokens("opaque", "r", WALL + MAX_TOKEN_LIFETIME))
    assert tokens.current is not None
    assert tokens.current.expires_at == 1000.0 + MAX_TOKEN_LIFETIME


@pytest.mark.parametrize("saved", ["soon", True, float("nan"), WALL + MAX_TOKEN_LIFETIME + 1])
def test_an_unusable_saved_expiry_falls_back_to_the_jwt_with_one_warning(
    saved: object, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="nextschool")
    tokens = _manager()
    jwt = _jwt(f'{{"exp": {WALL + 600}}}'.encode())
    tokens.restore(StoredTokens(jwt, "r", saved))  # type: ignore[arg-type]
    assert tokens.current is not None
    assert tokens.current.expires_at == 1000.0 + 600
    tokens.restore(StoredTokens("opaque", "r", saved))  # type: ignore[arg-type]
    assert tokens.current.expires_at == 1000.0 + FALLBACK_TOKEN_LIFETIME
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "(saved expiry)" in warnings[0]


def test_no_saved_expiry_is_no_reason_to_warn(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="nextschool")
    tokens = _manager()
    tokens.restore(StoredTokens(_jwt(f'{{"exp": {WALL + 600}}}'.encode()), "r", None))
    tokens.restore(StoredTokens("opaque", "r", None))
    assert tokens.current is not None and tokens.current.expires_at is None
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_a_call_past_its_deadline_names_the_operation(server: LocalServer) -> None:
    with NextSchool(server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as client:
        client.login()
        with pytest.raises(APITimeoutError) as caught:
            client.students(limit=1, deadline=1e-9)
        assert str(caught.value) == "Students did not complete within its deadline"
        assert caught.value.operation == "Students"
        with pytest.raises(APITimeoutError) as caught:
            client.execute("{ __typename }", deadline=1e-9)
        assert str(caught.value) == "Request did not complete within its deadline"
        assert caught.value.operation is None


def test_without_a_deadline_a_forced_refresh_still_works(server: LocalServer) -> None:
    with NextSchool(
        server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, deadline=None
    ) as client:
        client.login()
        payload = client.refresh_token()
    assert payload.expires_in > 0
    assert server.counters.refreshes == 1


def test_a_forced_refresh_reports_the_new_tokens_lifetime(server: LocalServer) -> None:
    now = [1000.0]
    with NextSchool(
        server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, clock=lambda: now[0]
    ) as client:
        client.login()
        now[0] += 100.0
        payload = client.refresh_token()
    assert payload.expires_in == int(server.settings.access_token_ttl)


def test_an_unnamed_request_that_times_out_is_called_request(server: LocalServer) -> None:
    issued = server.issue_tokens()
    with NextSchool(server.url, access_token=issued.access_token, max_retries=0) as client:
        held = server.controls.hold_next(1)
        with pytest.raises(APITimeoutError) as caught:
            client.execute("{ __typename }", timeout=0.2)
        held.release()
    assert str(caught.value) == "Request timed out (ReadTimeout)"
