"""Malformed answers that once crashed the SDK with a non-NextSchoolError.

Each test is the smallest answer that showed the crash, on both clients: an
integer beyond float range as a wait or a lifetime, and an access token that
cannot be sent in an Authorization header.
"""

from __future__ import annotations

import contextlib

import httpx
import pytest

from nextschool import NextSchoolError

from ._drivers import CLIENT_KINDS, ClientKind, open_client
from ._payloads import INITIAL_ACCESS_TOKEN, INITIAL_REFRESH_TOKEN, PASSWORD, USERNAME
from ._scripted_api import API_URL, ScriptedApi, json_response

# A JSON integer larger than any float (json.loads reads it as an exact int).
BEYOND_FLOAT = 10**400


def _call_each(kind: ClientKind, api: ScriptedApi, methods: list[str]) -> None:
    """Call the methods in turn on one client; a NextSchoolError is an acceptable answer."""
    with open_client(
        kind,
        API_URL,
        transport=httpx.MockTransport(api),
        username=USERNAME,
        password=PASSWORD,
        access_token=INITIAL_ACCESS_TOKEN,
        refresh_token=INITIAL_REFRESH_TOKEN,
        max_retries=0,
    ) as client:
        for method in methods:
            with contextlib.suppress(NextSchoolError):
                client.call(method)


@pytest.mark.parametrize("kind", CLIENT_KINDS)
def test_rate_limited_with_retry_after_beyond_float_range(kind: ClientKind) -> None:
    api = ScriptedApi()
    api.script.append(
        json_response(
            {
                "errors": [
                    {
                        "message": "Too many requests",
                        "extensions": {"code": "RATE_LIMITED", "retryAfter": BEYOND_FLOAT},
                    }
                ]
            }
        )
    )
    _call_each(kind, api, ["students"])


@pytest.mark.parametrize("kind", CLIENT_KINDS)
@pytest.mark.parametrize("method", ["login", "refresh_token"])
def test_expires_in_beyond_float_range(kind: ClientKind, method: str) -> None:
    api = ScriptedApi()
    if method == "login":
        answer = {
            "login": {
                "accessToken": "at-overflow",
                "refreshToken": "rt-overflow",
                "expiresIn": BEYOND_FLOAT,
                "user": {"id": 42},
            }
        }
    else:
        answer = {"refreshToken": {"accessToken": "at-overflow", "expiresIn": BEYOND_FLOAT}}
    api.script.append(json_response({"data": answer}))
    _call_each(kind, api, [method, "students"])


@pytest.mark.parametrize("kind", CLIENT_KINDS)
@pytest.mark.parametrize("method", ["login", "refresh_token"])
def test_access_token_that_cannot_be_a_header(kind: ClientKind, method: str) -> None:
    api = ScriptedApi()
    token = "โทเค็น-ที่ส่งไม่ได้"
    if method == "login":
        answer = {
            "login": {
                "accessToken": token,
                "refreshToken": "rt-fine",
                "expiresIn": 900,
                "user": {"id": 42},
            }
        }
    else:
        answer = {"refreshToken": {"accessToken": token, "expiresIn": 900}}
    api.script.append(json_response({"data": answer}))
    _call_each(kind, api, [method, "students"])
