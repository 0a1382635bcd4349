"""What the client says about a bad token lifetime or token, and which expiry it keeps.

The one warning about an unusable lifetime names where it came from (the
server's `expiresIn` or a token file's saved expiry), so an operator knows
which side to fix. A token file whose JWT claims an absurd expiry does not
lend that expiry to the session. A token that cannot go in an Authorization
header is refused with a message that says so, and never repeats the token.
"""

from __future__ import annotations

import base64
import json
import logging
import time
from pathlib import Path

import pytest

from nextschool import FileTokenStore, InvalidResponseError, NextSchool
from nextschool._constants import MAX_TOKEN_LIFETIME
from nextschool.testing import DEMO_PASSWORD, DEMO_USERNAME, LocalServer

from ._hostile_proxy import HostileProxy
from .test_bad_token_lifetimes import _login_answer


def _lifetime_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if "token lifetime" in r.getMessage()]


def test_a_bad_expires_in_is_named_in_the_warning(
    server: LocalServer, proxy: HostileProxy, caplog: pytest.LogCaptureFixture
) -> None:
    issued = server.issue_tokens()
    proxy.always("Login", _login_answer(issued.access_token, issued.refresh_token, "-5"))
    with (
        caplog.at_level(logging.WARNING, logger="nextschool"),
        NextSchool(proxy.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as client,
    ):
        client.login()
    [warning] = _lifetime_warnings(caplog)
    assert "(expiresIn)" in warning


def test_a_bad_saved_expiry_is_named_in_the_warning(
    server: LocalServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    issued = server.issue_tokens()
    path = tmp_path / "tokens.json"
    path.write_text(
        json.dumps(
            {
                "access_token": issued.access_token,
                "refresh_token": issued.refresh_token,
                "access_expires_at": 1e300,
                "url": server.url,
            }
        )
    )
    path.chmod(0o600)
    with (
        caplog.at_level(logging.WARNING, logger="nextschool"),
        NextSchool(server.url, token_store=FileTokenStore(path)) as client,
    ):
        assert len(client.students(limit=1)) == 1
    [warning] = _lifetime_warnings(caplog)
    assert "(saved expiry)" in warning


def _jwt_expiring_at(exp: float) -> str:
    def segment(value: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{segment({'alg': 'HS256'})}.{segment({'sub': '42', 'exp': exp})}.c2lnbmF0dXJl"


def test_an_absurd_jwt_expiry_in_a_token_file_is_not_the_sessions_expiry(
    tmp_path: Path,
) -> None:
    path = tmp_path / "tokens.json"
    absurd = time.time() + 10 * MAX_TOKEN_LIFETIME
    path.write_text(
        json.dumps(
            {
                "access_token": _jwt_expiring_at(absurd),
                "refresh_token": "refresh-1",
                "access_expires_at": None,
                "url": "https://api.example.org/",
            }
        )
    )
    path.chmod(0o600)
    with NextSchool("https://api.example.org/", token_store=FileTokenStore(path)) as client:
        tokens = client.tokens
    assert tokens is not None
    assert tokens.access_token == _jwt_expiring_at(absurd)
    # Unknown, as if the token had no `exp` at all: not ten lifetimes away.
    assert tokens.access_expires_at is None


@pytest.mark.parametrize("token", ["two words", "line\nbreak", "tab\there"])
def test_an_unsendable_access_token_is_refused_with_a_reason(
    server: LocalServer, proxy: HostileProxy, token: str
) -> None:
    issued = server.issue_tokens()
    proxy.always("Login", _login_answer(token, issued.refresh_token, "900"))
    with (
        NextSchool(proxy.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as client,
        pytest.raises(InvalidResponseError) as caught,
    ):
        client.login()
    assert str(caught.value) == (
        "The API issued an access token that cannot be sent in an Authorization header"
    )
    assert token not in str(caught.value)
