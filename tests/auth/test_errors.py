"""The exception hierarchy: one root, pickling, and classification of answers."""

from __future__ import annotations

import pickle

import pytest

from nextschool import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    ConfigurationError,
    ForbiddenError,
    GraphQLError,
    GraphQLErrorDetail,
    HTTPStatusError,
    InvalidCredentialsError,
    InvalidResponseError,
    NextSchoolError,
    RateLimitError,
    SessionExpiredError,
)
from nextschool._response import parse_response


def answer(body: bytes, status: int = 200, **headers: str) -> APIError:
    with pytest.raises(APIError) as caught:
        parse_response(
            operation="Students", status_code=status, headers=headers, content=body, model=None
        )
    return caught.value


@pytest.mark.parametrize(
    "error",
    [
        APIConnectionError("reset", operation="Students"),
        APITimeoutError(operation="Students"),
        RateLimitError(
            "slow down",
            retry_after=3.0,
            status_code=200,
            errors=[GraphQLErrorDetail("slow down", code="RATE_LIMITED", path=("students",))],
            data={"students": None},
        ),
        SessionExpiredError("Invalid or expired refresh token", operation="RefreshToken"),
        ConfigurationError("bad"),
    ],
)
def test_errors_survive_pickling(error: NextSchoolError) -> None:
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes
    assert type(copy) is type(error)
    assert str(copy) == str(error)
    assert copy.__dict__ == error.__dict__


def test_every_error_has_one_root() -> None:
    for cls in (
        APIConnectionError,
        APITimeoutError,
        HTTPStatusError,
        InvalidResponseError,
        GraphQLError,
        AuthenticationError,
        InvalidCredentialsError,
        SessionExpiredError,
        ForbiddenError,
        RateLimitError,
        ConfigurationError,
    ):
        assert issubclass(cls, NextSchoolError)
    assert issubclass(ConfigurationError, ValueError)


def test_unauthenticated_anywhere_in_errors_is_an_authentication_error() -> None:
    error = answer(
        b'{"data": null, "errors": [{"message": "other"}, '
        b'{"message": "Authentication required", "extensions": {"code": "UNAUTHENTICATED"}}]}'
    )
    assert type(error) is AuthenticationError
    assert error.codes == ("UNAUTHENTICATED",)


def test_http_401_without_a_body_is_an_authentication_error() -> None:
    assert type(answer(b"", status=401)) is AuthenticationError


def test_message_only_auth_errors() -> None:
    assert isinstance(
        answer(b'{"errors": [{"message": "Invalid credentials"}]}'), InvalidCredentialsError
    )
    assert isinstance(
        answer(b'{"errors": [{"message": "Invalid or expired refresh token"}]}'),
        SessionExpiredError,
    )


def test_rate_limits_carry_the_wait() -> None:
    limited = answer(b"", status=429, **{"retry-after": "12"})
    assert isinstance(limited, RateLimitError)
    assert limited.retry_after == 12
    error = answer(
        b'{"errors": [{"message": "Too many requests", '
        b'"extensions": {"code": "RATE_LIMITED", "retryAfter": 30}}]}'
    )
    assert isinstance(error, RateLimitError)
    assert error.retry_after == 30


def test_graphql_errors_keep_partial_data_and_paths() -> None:
    error = answer(
        b'{"data": {"students": []}, "errors": [{"message": "boom", "path": ["students", 0], '
        b'"locations": [{"line": 2, "column": 3}], "extensions": {"code": "INTERNAL"}}]}'
    )
    assert type(error) is GraphQLError
    assert error.data == {"students": []}
    assert error.errors[0].path == ("students", 0)
    assert error.errors[0].locations == ((2, 3),)


@pytest.mark.parametrize(
    ("body", "status", "expected"),
    [
        (b"<html>Bad gateway</html>", 502, HTTPStatusError),
        (b"not json", 200, InvalidResponseError),
        (b'{"errors": "boom"}', 200, InvalidResponseError),
        (b'{"data": null}', 200, InvalidResponseError),
        (b"[]", 200, InvalidResponseError),
        (b'{"data": {"students": []}}'.decode().encode("utf-16"), 200, InvalidResponseError),
    ],
)
def test_malformed_answers_are_typed(body: bytes, status: int, expected: type[APIError]) -> None:
    assert type(answer(body, status=status)) is expected
