"""Malformed answers that once crashed the SDK with a non-NextSchoolError.

The property tests in test_malformed_responses.py found each of them: an
integer beyond float range as a wait or a lifetime, and an access token that
cannot be sent in an Authorization header. Each smallest answer is tested here
on both clients with the outcome the SDK promises for it, and a property test
varies around it with the original answer pinned as an @example.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from nextschool import InvalidResponseError, RateLimitError
from nextschool._constants import FALLBACK_TOKEN_LIFETIME

from ._drivers import CLIENT_KINDS, ClientDriver, ClientKind, open_client
from ._payloads import (
    INITIAL_ACCESS_TOKEN,
    INITIAL_REFRESH_TOKEN,
    PASSWORD,
    USERNAME,
    Json,
    login_data,
    refresh_data,
)
from ._scripted_api import API_URL, CannedResponse, ScriptedApi, json_response
from ._strategies import json_integers, retry_after_values, scaled_examples

# A JSON integer larger than any float (json.loads reads it as an exact int).
BEYOND_FLOAT = 10**400
UNSENDABLE_TOKEN = "โทเค็น-ที่ส่งไม่ได้"
# RFC 6750 bearer tokens: what the SDK accepts from the API.
SENDABLE = re.compile(r"[\x21-\x7e]+")
PINNED = settings(max_examples=scaled_examples(20), deadline=None)


@contextmanager
def _client(kind: ClientKind, *answers: CannedResponse) -> Iterator[ClientDriver]:
    api = ScriptedApi()
    api.script.extend(answers)
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
        yield client


def _rate_limited(retry_after: Json) -> CannedResponse:
    return json_response(
        {
            "errors": [
                {
                    "message": "Too many requests",
                    "extensions": {"code": "RATE_LIMITED", "retryAfter": retry_after},
                }
            ]
        }
    )


def _issued(method: str, access_token: str, expires_in: Json) -> CannedResponse:
    data: Any
    if method == "login":
        data = login_data(access_token, "rt-issued")
        data["login"]["expiresIn"] = expires_in
    else:
        data = refresh_data(access_token)
        data["refreshToken"]["expiresIn"] = expires_in
    return json_response({"data": data})


def _assert_still_works(client: ClientDriver) -> None:
    assert len(client.call("students")) == 2


@pytest.mark.parametrize("kind", CLIENT_KINDS)
def test_rate_limited_with_retry_after_beyond_float_range(kind: ClientKind) -> None:
    with _client(kind, _rate_limited(BEYOND_FLOAT)) as client:
        with pytest.raises(RateLimitError) as caught:
            client.call("students")
        # A wait no clock can hold is no usable wait: the error says "unknown".
        assert caught.value.retry_after is None
        _assert_still_works(client)


@pytest.mark.parametrize("kind", CLIENT_KINDS)
@pytest.mark.parametrize("method", ["login", "refresh_token"])
def test_expires_in_beyond_float_range(kind: ClientKind, method: str) -> None:
    with _client(kind, _issued(method, "at-overflow", BEYOND_FLOAT)) as client:
        before = time.time()
        client.call(method)
        tokens = client.client.tokens
        # Adopted; a lifetime no clock can hold is not trusted, and with no JWT
        # expiry to go by, the conservative default lifetime applies.
        assert tokens is not None
        assert tokens.access_token == "at-overflow"
        assert tokens.access_expires_at is not None
        expected = before + FALLBACK_TOKEN_LIFETIME
        assert expected - 1 <= tokens.access_expires_at <= time.time() + FALLBACK_TOKEN_LIFETIME
        _assert_still_works(client)


@pytest.mark.parametrize("kind", CLIENT_KINDS)
@pytest.mark.parametrize("method", ["login", "refresh_token"])
def test_access_token_that_cannot_be_a_header(kind: ClientKind, method: str) -> None:
    with _client(kind, _issued(method, UNSENDABLE_TOKEN, 900)) as client:
        with pytest.raises(InvalidResponseError, match="cannot be sent in an Authorization"):
            client.call(method)
        tokens = client.client.tokens
        assert tokens is None or tokens.access_token != UNSENDABLE_TOKEN
        _assert_still_works(client)


@pytest.mark.parametrize("kind", CLIENT_KINDS)
@PINNED
@example(retry_after=BEYOND_FLOAT)
@example(retry_after=-BEYOND_FLOAT)
@example(retry_after="9" * 400)
@example(retry_after="Wed, 21 Oct 2015 07:28:00")  # an HTTP date without a zone
@given(retry_after=retry_after_values)
def test_any_retry_after_gives_a_rate_limit_error(kind: ClientKind, retry_after: Json) -> None:
    with _client(kind, _rate_limited(retry_after)) as client:
        with pytest.raises(RateLimitError) as caught:
            client.call("students")
        wait = caught.value.retry_after
        assert wait is None or (math.isfinite(wait) and wait >= 0)
        _assert_still_works(client)


@pytest.mark.parametrize("kind", CLIENT_KINDS)
@pytest.mark.parametrize("method", ["login", "refresh_token"])
@PINNED
@example(access_token="at-overflow", expires_in=BEYOND_FLOAT)
@example(access_token="at-negative", expires_in=-BEYOND_FLOAT)
@example(access_token=UNSENDABLE_TOKEN, expires_in=900)
@example(access_token="at with spaces", expires_in=900)
@given(
    access_token=st.one_of(
        st.from_regex(SENDABLE, fullmatch=True).filter(lambda token: len(token) < 60),
        st.text(min_size=1, max_size=20),
    ),
    expires_in=json_integers,
)
def test_any_issued_access_token(
    kind: ClientKind, method: str, access_token: str, expires_in: int
) -> None:
    with _client(kind, _issued(method, access_token, expires_in)) as client:
        if SENDABLE.fullmatch(access_token):
            client.call(method)
            tokens = client.client.tokens
            assert tokens is not None and tokens.access_token == access_token
        else:
            with pytest.raises(InvalidResponseError):
                client.call(method)
        _assert_still_works(client)
