"""The token state machine, driven by hand with a fake clock (no I/O)."""

from __future__ import annotations

import base64
import json

import pytest
from pydantic import SecretStr

from nextschool import AuthenticationError, HTTPStatusError, SessionExpiredError
from nextschool.auth._tokens import (
    Credentials,
    LogIn,
    RefreshAccessToken,
    StoredTokens,
    TokenManager,
    jwt_expiry,
)
from nextschool.generated_client.models import LoginLogin, RefreshTokenRefreshToken


class FakeClock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def login_payload(access: str = "access-1", lifetime: int = 900) -> LoginLogin:
    return LoginLogin.model_validate(
        {
            "accessToken": access,
            "refreshToken": "refresh-1",
            "expiresIn": lifetime,
            "user": {"id": 42, "username": "demo", "name": "API User", "email": None},
        }
    )


def refresh_payload(access: str, lifetime: int = 900) -> RefreshTokenRefreshToken:
    return RefreshTokenRefreshToken.model_validate({"accessToken": access, "expiresIn": lifetime})


def manager(clock: FakeClock, *, credentials: bool = True) -> TokenManager:
    return TokenManager(
        credentials=Credentials("demo", "demo-password") if credentials else None,
        clock=clock,
        wall_clock=lambda: 1_700_000_000.0 + clock.now,
    )


def test_no_token_means_login() -> None:
    clock = FakeClock()
    tokens = manager(clock)
    assert tokens.renewal_needed(None)
    flow = tokens.renew(proactive=True)
    step = next(flow)
    assert isinstance(step, LogIn)
    assert step.credentials.username == "demo"
    with pytest.raises(StopIteration):
        flow.send(login_payload())
    assert tokens.current is not None
    assert tokens.current.access_token == "access-1"
    assert not tokens.renewal_needed(None)


def test_refresh_is_due_before_expiry_with_a_margin() -> None:
    clock = FakeClock()
    tokens = manager(clock)
    tokens.adopt_login(login_payload(lifetime=900), clock.now)
    clock.now += 900 - 61
    assert not tokens.renewal_needed(None)
    clock.now += 2  # within 60 s of expiry
    assert tokens.renewal_needed(None)


def test_short_lifetimes_refresh_at_three_quarters() -> None:
    clock = FakeClock()
    tokens = manager(clock)
    tokens.adopt_login(login_payload(lifetime=2), clock.now)
    clock.now += 1.49
    assert not tokens.renewal_needed(None)
    clock.now += 0.02
    assert tokens.renewal_needed(None)


def test_a_rejection_of_an_older_token_needs_no_renewal() -> None:
    clock = FakeClock()
    tokens = manager(clock)
    tokens.adopt_login(login_payload(), clock.now)
    old = tokens.current
    assert old is not None
    assert tokens.renewal_needed(old)
    flow = tokens.renew(proactive=False)
    assert isinstance(next(flow), RefreshAccessToken)
    with pytest.raises(StopIteration):
        flow.send(refresh_payload("access-2"))
    current = tokens.current
    assert current is not None
    assert current.generation == old.generation + 1
    assert current.refresh_token == "refresh-1"  # not rotated
    assert not tokens.renewal_needed(old)
    assert tokens.renewal_needed(current)


def test_rejected_refresh_token_falls_back_to_one_login() -> None:
    clock = FakeClock()
    tokens = manager(clock)
    tokens.adopt_login(login_payload(), clock.now)
    flow = tokens.renew(proactive=False)
    assert isinstance(next(flow), RefreshAccessToken)
    step = flow.throw(SessionExpiredError("Invalid or expired refresh token"))
    assert isinstance(step, LogIn)
    with pytest.raises(StopIteration):
        flow.send(login_payload("access-9"))
    assert tokens.current is not None
    assert tokens.current.access_token == "access-9"


def test_rejected_refresh_token_without_credentials_ends_the_session() -> None:
    clock = FakeClock()
    tokens = manager(clock, credentials=False)
    tokens.restore(StoredTokens("access-1", "refresh-1", None))
    flow = tokens.renew(proactive=False)
    next(flow)
    with pytest.raises(SessionExpiredError):
        flow.throw(SessionExpiredError("Invalid or expired refresh token"))
    assert tokens.current is None


def test_no_credentials_and_no_tokens_is_an_authentication_error() -> None:
    tokens = manager(FakeClock(), credentials=False)
    with pytest.raises(AuthenticationError, match="Not logged in"):
        next(tokens.renew(proactive=True))


def test_failed_early_refresh_keeps_the_valid_token_and_retries_later() -> None:
    clock = FakeClock()
    tokens = manager(clock)
    tokens.adopt_login(login_payload(lifetime=900), clock.now)
    clock.now += 850  # inside the refresh window, still valid
    flow = tokens.renew(proactive=True)
    next(flow)
    with pytest.raises(StopIteration):
        flow.throw(HTTPStatusError("HTTP 503", status_code=503))
    assert tokens.current is not None
    assert tokens.current.access_token == "access-1"
    assert not tokens.renewal_needed(None)
    clock.now += 5
    assert tokens.renewal_needed(None)


def test_failed_refresh_of_an_expired_token_is_raised() -> None:
    clock = FakeClock()
    tokens = manager(clock)
    tokens.adopt_login(login_payload(lifetime=900), clock.now)
    clock.now += 901
    flow = tokens.renew(proactive=True)
    next(flow)
    with pytest.raises(HTTPStatusError):
        flow.throw(HTTPStatusError("HTTP 503", status_code=503))


def test_stored_tokens_survive_a_restart() -> None:
    clock = FakeClock()
    first = manager(clock)
    first.adopt_login(login_payload(lifetime=900), clock.now)
    stored = first.stored()
    assert stored is not None
    clock.now += 100
    second = manager(clock)
    second.restore(stored)
    assert second.current is not None
    assert second.current.expires_at == pytest.approx(clock.now + 800)


def test_restore_reads_the_jwt_expiry_when_none_is_stored() -> None:
    clock = FakeClock()
    wall_now = 1_700_000_000.0 + clock.now
    claims = base64.urlsafe_b64encode(json.dumps({"exp": wall_now + 300}).encode()).rstrip(b"=")
    token = f"eyJhbGciOiJIUzI1NiJ9.{claims.decode()}.signature"
    tokens = manager(clock)
    tokens.restore(StoredTokens(token, "refresh-1", None))
    assert tokens.current is not None
    assert tokens.current.expires_at == pytest.approx(clock.now + 300)


@pytest.mark.parametrize("token", ["", "a.b", "a.!!!.c", "a.bnVsbA.c", "a.WzFd.c"])
def test_unreadable_jwts_have_no_known_expiry(token: str) -> None:
    assert jwt_expiry(token) is None


def test_repr_shows_no_secret() -> None:
    clock = FakeClock()
    tokens = manager(clock)
    tokens.adopt_login(login_payload("access-secret"), clock.now)
    text = repr(tokens) + repr(tokens.current) + repr(tokens.stored()) + repr(tokens.credentials)
    for secret in ("access-secret", "refresh-1", "demo-password"):
        assert secret not in text
    assert "SecretStr" in repr(SecretStr("x"))


def test_waiters_learn_the_outcome_of_the_renewal_they_waited_for() -> None:
    clock = FakeClock()
    tokens = manager(clock)
    tokens.adopt_login(login_payload(), clock.now)
    waiting = tokens.renewal_ticket()
    flow = tokens.renew(proactive=False)
    next(flow)
    error = HTTPStatusError("HTTP 503", status_code=503)
    with pytest.raises(HTTPStatusError):
        flow.throw(error)
    assert tokens.failure_since(waiting) is error
    arriving_later = tokens.renewal_ticket()
    assert tokens.failure_since(arriving_later) is None
    flow = tokens.renew(proactive=False)
    next(flow)
    with pytest.raises(StopIteration):
        flow.send(refresh_payload("access-2"))
    assert tokens.failure_since(arriving_later) is None
