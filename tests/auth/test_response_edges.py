"""Turning answers into data or typed errors, at the edges of each rule."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from typing import Any

import pydantic
import pytest

from nextschool import (
    APIError,
    AuthenticationError,
    ForbiddenError,
    GraphQLError,
    HTTPStatusError,
    InvalidCredentialsError,
    InvalidResponseError,
    RateLimitError,
    SessionExpiredError,
)
from nextschool._response import GraphQLResult, parse_response, parse_retry_after
from nextschool.generated_client.models import AdviserScreenStats, Logout


def parse(
    payload: Any,
    *,
    status: int = 200,
    operation: str = "AdviserScreenStats",
    model: type[pydantic.BaseModel] | None = AdviserScreenStats,
    headers: dict[str, str] | None = None,
) -> GraphQLResult:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return parse_response(
        operation=operation, status_code=status, headers=headers or {}, content=body, model=model
    )


def refused(payload: Any, **options: Any) -> APIError:
    with pytest.raises(APIError) as caught:
        parse(payload, **options)
    return caught.value


VALID = {"data": {"adviserScreenStats": None}}
BOOM = {"message": "boom", "extensions": {"code": "INTERNAL_SERVER_ERROR"}}


@pytest.mark.parametrize("model", [AdviserScreenStats, None])
def test_valid_data_with_an_errors_list_is_an_error(model: type[pydantic.BaseModel] | None) -> None:
    error = refused({**VALID, "errors": [BOOM]}, model=model)
    assert type(error) is GraphQLError
    assert error.data == {"adviserScreenStats": None}
    assert error.status_code == 200


def test_an_empty_errors_list_is_a_success() -> None:
    result = parse({**VALID, "errors": []})
    assert isinstance(result.data, AdviserScreenStats)


def test_partial_data_of_an_auth_operation_stays_out_of_its_error() -> None:
    error = refused({"data": {"logout": True}, "errors": [BOOM]}, operation="Logout", model=Logout)
    assert type(error) is GraphQLError
    assert error.data is None


@pytest.mark.parametrize("status", [199, 300, 304, 400, 404])
def test_a_valid_body_outside_2xx_is_an_http_error(status: int) -> None:
    error = refused(VALID, status=status)
    assert type(error) is HTTPStatusError
    assert error.status_code == status


@pytest.mark.parametrize("status", [200, 201, 299])
def test_a_valid_body_in_2xx_is_a_success(status: int) -> None:
    result = parse(VALID, status=status)
    assert result.status_code == status
    assert isinstance(result.data, AdviserScreenStats)


def test_http_401_is_an_authentication_error_whatever_its_errors_say() -> None:
    error = refused({"errors": [BOOM]}, status=401)
    assert type(error) is AuthenticationError
    assert error.status_code == 401
    assert error.errors[0].message == "boom"


@pytest.mark.parametrize(
    ("message", "code", "expected"),
    [
        ("Invalid credentials", None, InvalidCredentialsError),
        ("Invalid or expired refresh token", None, SessionExpiredError),
        ("Not allowed", "FORBIDDEN", ForbiddenError),
        ("Slow down", "RATE_LIMITED", RateLimitError),
        ("Not authenticated", "UNAUTHENTICATED", AuthenticationError),
        ("Something else", "BAD_USER_INPUT", GraphQLError),
    ],
)
def test_each_error_is_classified_by_its_message_or_code(
    message: str, code: str | None, expected: type[APIError]
) -> None:
    entry: dict[str, Any] = {"message": message}
    if code is not None:
        entry["extensions"] = {"code": code}
    error = refused({"data": None, "errors": [entry]})
    assert type(error) is expected
    assert str(error) == message


def test_messages_of_several_errors_are_joined() -> None:
    error = refused({"errors": [{"message": "one"}, {"message": "two"}]})
    assert str(error) == "one; two"
    assert [e.message for e in error.errors] == ["one", "two"]


def test_malformed_error_entries_still_give_a_typed_error() -> None:
    error = refused(
        {
            "errors": [
                "not an object",
                {"message": 7, "extensions": [], "path": ["a", 1, None], "locations": [{}, 3]},
            ]
        }
    )
    assert type(error) is GraphQLError
    first, second = error.errors
    assert first.message == "Malformed GraphQL error entry"
    assert second.message == "GraphQL error without a message"
    assert second.code is None
    assert second.path == ("a", 1)
    assert second.locations == ()


def test_an_answer_without_data_or_errors_is_invalid() -> None:
    error = refused({"extensions": {}})
    assert type(error) is InvalidResponseError
    assert "no `data` or `errors`" in str(error)


def test_data_that_does_not_match_the_operation_names_the_field_not_the_value() -> None:
    error = refused({"data": {"adviserScreenStats": {"total": "secret-value"}}})
    assert type(error) is InvalidResponseError
    assert "adviserScreenStats" in str(error)
    assert "secret-value" not in str(error)


def test_a_rate_limit_is_classified_before_the_body_is_read() -> None:
    error = refused(b"\xff not json", status=429, headers={"retry-after": "3"})
    assert type(error) is RateLimitError
    assert error.retry_after == 3.0
    assert error.status_code == 429


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        (0.25, 0.25),
        ("0.5", 0.5),
        (" 7 ", 7.0),
        (-3, 0.0),
        ("-86400", 0.0),
        (0, 0.0),
        (True, None),
        ("soon", None),
        ("inf", None),
        (float("nan"), None),
        (None, None),
        ([5], None),
    ],
)
def test_retry_after_values(value: object, seconds: float | None) -> None:
    assert parse_retry_after(value) == seconds


def test_retry_after_as_an_http_date() -> None:
    soon = datetime.now(timezone.utc) + timedelta(seconds=30)
    assert parse_retry_after(format_datetime(soon, usegmt=True)) == pytest.approx(30, abs=2)


def test_retry_after_date_without_a_zone_is_taken_as_utc() -> None:
    soon = datetime.now(timezone.utc) + timedelta(seconds=30)
    naive = soon.strftime("%a, %d %b %Y %H:%M:%S")  # no "GMT", no offset
    assert parse_retry_after(naive) == pytest.approx(30, abs=2)
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00") == 0.0


def test_result_json_has_the_wire_shape() -> None:
    model_result = parse(VALID)
    assert model_result.json() == {"data": {"adviserScreenStats": None}}
    dict_result = parse({"data": {"custom": [1, 2]}}, model=None)
    assert dict_result.data == {"custom": [1, 2]}
    assert dict_result.json() == {"data": {"custom": [1, 2]}}
