"""Item 12: odd lifetimes from the server or a token file never break refresh.

`expiresIn` <= 0, `true`, `"900"`, NaN, infinite or absurd values must neither
make the client refresh before every call nor switch proactive refresh off:
the lifetime falls back to the JWT's `exp`, else to a conservative default,
with one warning.
"""

from __future__ import annotations

import json
import logging
import math
import time
from pathlib import Path

import pytest

from nextschool import FileTokenStore, NextSchool
from nextschool._constants import FALLBACK_TOKEN_LIFETIME, MAX_TOKEN_LIFETIME
from nextschool.auth._tokens import jwt_expiry
from nextschool.testing import DEMO_PASSWORD, DEMO_USERNAME, LocalServer

from ._hostile_proxy import Canned, HostileProxy

BAD_EXPIRES_IN = [
    *("0", "-5", "true", "NaN", "Infinity", "-Infinity"),
    *("1e400", "1e12", "null", '"abc"'),
]


def _login_answer(access_token: str, refresh_token: str, expires_in: str) -> Canned:
    user = {"id": 42, "username": DEMO_USERNAME, "name": "API User", "email": "api@school.ac.th"}
    fields = (
        f'"accessToken": {json.dumps(access_token)}, '
        f'"refreshToken": {json.dumps(refresh_token)}, '
        f'"expiresIn": {expires_in}, "user": {json.dumps(user)}'
    )
    body = '{"data": {"login": {' + fields + "}}}"
    return Canned(200, body.encode())


def _assert_sane_schedule(client: NextSchool, expected_expiry: float) -> None:
    tokens = client.tokens
    assert tokens is not None and tokens.access_expires_at is not None
    assert math.isfinite(tokens.access_expires_at)
    assert abs(tokens.access_expires_at - expected_expiry) < 5


@pytest.mark.parametrize("expires_in", BAD_EXPIRES_IN)
def test_a_bad_expires_in_falls_back_to_the_jwt_expiry(
    server: LocalServer, proxy: HostileProxy, expires_in: str, caplog: pytest.LogCaptureFixture
) -> None:
    issued = server.issue_tokens()
    proxy.always("Login", _login_answer(issued.access_token, issued.refresh_token, expires_in))
    with (
        caplog.at_level(logging.WARNING, logger="nextschool"),
        NextSchool(proxy.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as client,
    ):
        for _ in range(3):
            assert len(client.students(limit=1)) == 1
        exp = jwt_expiry(issued.access_token)
        assert exp is not None
        _assert_sane_schedule(client, exp)
    assert proxy.count("RefreshToken") == 0
    warnings = [r for r in caplog.records if "lifetime" in r.getMessage()]
    assert len(warnings) == 1


@pytest.mark.parametrize("expires_in", ["0", "true", "NaN", "1e12"])
def test_without_a_jwt_expiry_a_conservative_default_applies(
    server: LocalServer, proxy: HostileProxy, expires_in: str
) -> None:
    issued = server.issue_tokens()
    # The server accepts its own JWT; the client can only read `exp` from a JWT,
    # so this one is passed as a saved token without a readable expiry.
    proxy.always("Login", _login_answer("opaque-token-1234", issued.refresh_token, expires_in))
    with NextSchool(proxy.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as client:
        before = time.time()
        client.login()
        _assert_sane_schedule(client, before + FALLBACK_TOKEN_LIFETIME)


@pytest.mark.parametrize("saved_expiry", ["NaN", "Infinity", "true", '"900"', "1e300"])
def test_a_bad_expiry_in_a_token_file_falls_back_to_the_jwt(
    server: LocalServer, tmp_path: Path, saved_expiry: str
) -> None:
    issued = server.issue_tokens()
    path = tmp_path / "tokens.json"
    fields = (
        f'"access_token": {json.dumps(issued.access_token)}, '
        f'"refresh_token": {json.dumps(issued.refresh_token)}, '
        f'"access_expires_at": {saved_expiry}, "url": {json.dumps(server.url)}'
    )
    path.write_text("{" + fields + "}")
    path.chmod(0o600)
    with NextSchool(server.url, token_store=FileTokenStore(path)) as client:
        assert len(client.students(limit=1)) == 1
        exp = jwt_expiry(issued.access_token)
        assert exp is not None
        _assert_sane_schedule(client, exp)
    assert server.counters.refreshes == 0
    assert server.counters.logins == 0


def test_the_fallback_and_the_cap_are_sensible() -> None:
    assert 60 <= FALLBACK_TOKEN_LIFETIME <= 900
    assert MAX_TOKEN_LIFETIME >= 900
