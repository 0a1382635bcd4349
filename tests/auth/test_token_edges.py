"""The token state machine at its edges: boundaries in time, secrets in reprs,
credentials given late, and JWTs of every padding. Fake clocks, no I/O."""

from __future__ import annotations

import base64
import json

import pytest

from nextschool import AuthenticationError, ConfigurationError, HTTPStatusError
from nextschool.auth._tokens import (
    Credentials,
    LogIn,
    RefreshAccessToken,
    StoredTokens,
    TokenManager,
    TokenSet,
    jwt_expiry,
)
from nextschool.generated_client.models import RefreshTokenRefreshToken

from .test_token_manager import FakeClock, login_payload, manager, refresh_payload

WALL_OFFSET = 1_700_000_000.0


def _fail_refresh(tokens: TokenManager, *, proactive: bool) -> None:
    flow = tokens.renew(proactive=proactive)
    assert isinstance(next(flow), RefreshAccessToken)
    with pytest.raises(StopIteration):
        flow.throw(HTTPStatusError("HTTP 503", status_code=503))


def test_auth_steps_show_no_secret() -> None:
    texts = repr(RefreshAccessToken("refresh-secret")) + repr(
        LogIn(Credentials("demo", "password-secret"))
    )
    assert "refresh-secret" not in texts
    assert "password-secret" not in texts
    assert "demo" in texts


def test_repr_of_a_manager_says_whether_it_holds_a_token() -> None:
    clock = FakeClock()
    tokens = manager(clock)
    assert repr(tokens) == "TokenManager(no token)"
    tokens.adopt_login(login_payload(), clock.now)
    assert repr(tokens) == "TokenManager(generation 1)"


def test_credentials_given_late_are_used_for_the_next_login() -> None:
    clock = FakeClock()
    tokens = manager(clock, credentials=False)
    with pytest.raises(AuthenticationError, match="Not logged in"):
        tokens.require_credentials()
    with pytest.raises(AuthenticationError, match="Not logged in"):
        tokens.usable()
    tokens.set_credentials("someone", "their-password")
    assert tokens.require_credentials() == Credentials("someone", "their-password")
    step = next(tokens.renew(proactive=False))
    assert step == LogIn(Credentials("someone", "their-password"))


@pytest.mark.parametrize(("username", "password"), [("someone", None), (None, "pw"), (None, None)])
def test_half_a_credential_pair_is_a_configuration_error(
    username: str | None, password: str | None
) -> None:
    tokens = manager(FakeClock())
    with pytest.raises(ConfigurationError, match="together"):
        tokens.set_credentials(username, password)
    assert tokens.credentials == Credentials("demo", "demo-password")


def test_usable_returns_the_current_token() -> None:
    clock = FakeClock()
    tokens = manager(clock)
    tokens.adopt_login(login_payload("access-1"), clock.now)
    assert tokens.usable() is tokens.current
    assert tokens.usable().access_token == "access-1"


def test_refresh_is_due_exactly_at_the_refresh_time() -> None:
    clock = FakeClock(1000.0)
    tokens = manager(clock)
    tokens.adopt_login(login_payload(lifetime=900), clock.now)
    assert tokens.current is not None and tokens.current.refresh_at == 1000.0 + 900 - 60
    clock.now = 1839.999
    assert not tokens.renewal_needed(None)
    clock.now = 1840.0
    assert tokens.renewal_needed(None)


def test_a_token_is_no_longer_valid_exactly_at_its_expiry() -> None:
    clock = FakeClock(1000.0)
    tokens = manager(clock)
    tokens.adopt_login(login_payload(lifetime=900), clock.now)
    clock.now = 1900.0  # the expiry itself: the failed refresh cannot be shrugged off
    flow = tokens.renew(proactive=True)
    next(flow)
    with pytest.raises(HTTPStatusError):
        flow.throw(HTTPStatusError("HTTP 503", status_code=503))


def test_a_token_just_before_expiry_survives_a_failed_early_refresh() -> None:
    clock = FakeClock(1000.0)
    tokens = manager(clock)
    tokens.adopt_login(login_payload(lifetime=900), clock.now)
    clock.now = 1899.5
    _fail_refresh(tokens, proactive=True)
    assert tokens.current is not None and tokens.current.access_token == "access-1"


def test_a_postponed_early_refresh_is_never_later_than_the_expiry() -> None:
    clock = FakeClock(1000.0)
    tokens = manager(clock)
    tokens.adopt_login(login_payload(lifetime=900), clock.now)
    clock.now = 1898.0  # 2 s left: the usual 5 s pause would overshoot the expiry
    _fail_refresh(tokens, proactive=True)
    assert tokens.current is not None
    assert tokens.current.refresh_at == 1900.0
    clock.now = 1850.0  # far from expiry: the usual pause
    tokens.adopt_login(login_payload(lifetime=900), 1000.0)
    _fail_refresh(tokens, proactive=True)
    assert tokens.current.refresh_at == 1855.0


def test_a_postponed_early_refresh_keeps_the_token_generation() -> None:
    clock = FakeClock(1000.0)
    tokens = manager(clock)
    tokens.adopt_login(login_payload(lifetime=900), clock.now)
    before = tokens.current
    assert before is not None
    clock.now = 1850.0
    _fail_refresh(tokens, proactive=True)
    after = tokens.current
    assert after is not None
    # A rejection of the token in use must still count as a rejection of the current one.
    assert after.generation == before.generation
    assert (after.access_token, after.refresh_token, after.expires_at) == (
        before.access_token,
        before.refresh_token,
        before.expires_at,
    )
    assert tokens.renewal_needed(before)


def _refresh_sent_at_1850(answered_at: float, answer: RefreshTokenRefreshToken) -> TokenSet:
    """The tokens after a login at 1000 s and a refresh sent at 1850 s."""
    clock = FakeClock(1000.0)
    tokens = manager(clock)
    tokens.adopt_login(login_payload(lifetime=900), clock.now)
    clock.now = 1850.0
    flow = tokens.renew(proactive=True)
    next(flow)
    clock.now = answered_at
    with pytest.raises(StopIteration):
        flow.send(answer)
    assert tokens.current is not None
    return tokens.current


def test_a_refresh_keeps_the_refresh_token_and_times_from_when_it_was_sent() -> None:
    # The answer took a second.
    current = _refresh_sent_at_1850(1851.0, refresh_payload("access-2", lifetime=100))
    assert (current.access_token, current.refresh_token) == ("access-2", "refresh-1")
    assert current.expires_at == 1950.0
    assert current.refresh_at == 1950.0 - 25.0
    assert current.generation == 2


def test_a_refresh_with_no_usable_lifetime_takes_the_jwt_expiry() -> None:
    exp = WALL_OFFSET + 1850.0 + 300.0  # five minutes after the refresh was sent
    access_token = _jwt(json.dumps({"exp": exp}).encode())
    # The answer took three seconds.
    current = _refresh_sent_at_1850(1853.0, refresh_payload(access_token, lifetime=0))
    assert current.expires_at == pytest.approx(2150.0)
    assert current.refresh_at == pytest.approx(2150.0 - 60.0)


def test_stored_tokens_carry_the_wall_clock_expiry() -> None:
    clock = FakeClock(1000.0)
    tokens = manager(clock)
    assert tokens.stored() is None
    tokens.adopt_login(login_payload(lifetime=900), clock.now)
    clock.now = 1100.0
    assert tokens.stored() == StoredTokens(
        "access-1", "refresh-1", WALL_OFFSET + 1100.0 + 800.0, None
    )


def test_restore_without_a_known_expiry_never_refreshes_early() -> None:
    clock = FakeClock(1000.0)
    tokens = manager(clock)
    tokens.restore(StoredTokens("opaque-token", "refresh-1", None))
    current = tokens.current
    assert current is not None and current.expires_at is None and current.refresh_at is None
    clock.now = 10**9
    assert not tokens.renewal_needed(None)
    assert tokens.stored() == StoredTokens("opaque-token", "refresh-1", None)


def test_a_refresh_token_alone_is_refreshed_on_first_use() -> None:
    clock = FakeClock(1000.0)
    tokens = manager(clock)
    tokens.restore_refresh_only("refresh-saved")
    assert tokens.renewal_needed(None)
    assert next(tokens.renew(proactive=True)) == RefreshAccessToken("refresh-saved")


def _jwt(payload_json: bytes) -> str:
    segment = base64.urlsafe_b64encode(payload_json).rstrip(b"=").decode()
    return f"e30.{segment}.signature"


@pytest.mark.parametrize("padding", range(12))
def test_jwt_expiry_reads_payloads_of_every_length(padding: int) -> None:
    # Base64 segments without their "=" padding, whatever length they come in.
    payload = json.dumps({"exp": 1_800_000_000, "sub": "x" * padding}).encode()
    assert jwt_expiry(_jwt(payload)) == 1_800_000_000.0


@pytest.mark.parametrize(
    "payload",
    [b'{"exp": true}', b'{"exp": "1800000000"}', b"[1800000000]", b'{"nbf": 1}', b"\xff\xfe"],
)
def test_jwt_without_a_numeric_exp_has_no_expiry(payload: bytes) -> None:
    assert jwt_expiry(_jwt(payload)) is None


def test_restore_takes_the_jwt_expiry_on_the_wall_clock() -> None:
    clock = FakeClock(1000.0)
    tokens = manager(clock)
    exp = WALL_OFFSET + 1000.0 + 300.0  # five minutes from now on the wall clock
    tokens.restore(StoredTokens(_jwt(json.dumps({"exp": exp}).encode()), "refresh-1", None))
    current = tokens.current
    assert current is not None
    assert current.expires_at == pytest.approx(1300.0)
    assert current.refresh_at == pytest.approx(1240.0)


def test_a_waiter_behind_a_second_failed_renewal_shares_that_failure() -> None:
    clock = FakeClock()
    tokens = manager(clock)
    tokens.adopt_login(login_payload(), clock.now)
    first = HTTPStatusError("HTTP 503", status_code=503)
    flow = tokens.renew(proactive=False)
    next(flow)
    with pytest.raises(HTTPStatusError):
        flow.throw(first)
    waiting = tokens.renewal_ticket()  # queued behind the second renewal
    assert tokens.failure_since(waiting) is None
    second = HTTPStatusError("HTTP 502", status_code=502)
    flow = tokens.renew(proactive=False)
    next(flow)
    with pytest.raises(HTTPStatusError):
        flow.throw(second)
    assert tokens.failure_since(waiting) is second
