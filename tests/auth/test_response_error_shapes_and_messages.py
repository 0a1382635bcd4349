"""Error answers, decoded: what each error carries, and messages cut at exactly the limit.

Unit tests of parsing (fault shapes); the same errors over HTTP are in
tests/robustness and tests/auth/test_errors.py.
"""

from __future__ import annotations

import json

import pydantic
import pytest

from nextschool import (
    AuthenticationError,
    GraphQLError,
    HTTPStatusError,
    InvalidCredentialsError,
    InvalidResponseError,
)
from nextschool._response import MAX_MESSAGE_CHARS, parse_response


def parse(status: int, body: object, operation: str = "Students") -> object:
    return parse_response(
        operation=operation,
        status_code=status,
        headers={},
        content=json.dumps(body).encode(),
        model=None,
    )


def test_a_bare_401_is_an_authentication_error_with_its_status() -> None:
    with pytest.raises(AuthenticationError) as caught:
        parse(401, {"data": None})
    assert type(caught.value) is AuthenticationError
    assert caught.value.status_code == 401
    assert caught.value.operation == "Students"


def test_errors_that_are_not_a_list_are_an_invalid_response_with_its_status() -> None:
    with pytest.raises(InvalidResponseError) as caught:
        parse(502, {"errors": "boom"})
    assert str(caught.value) == "Response `errors` is not a list"
    assert caught.value.status_code == 502
    assert caught.value.operation == "Students"


@pytest.mark.parametrize(
    "message", ["Invalid credentials", "Invalid credentials.", "  invalid CREDENTIALS . "]
)
def test_refused_credentials_carry_the_operation_status_and_errors(message: str) -> None:
    with pytest.raises(InvalidCredentialsError) as caught:
        parse(200, {"data": None, "errors": [{"message": message}]}, operation="Login")
    assert caught.value.status_code == 200
    assert caught.value.operation == "Login"
    assert [e.message for e in caught.value.errors] == [message]


def test_a_message_that_only_begins_like_refused_credentials_is_not_taken_for_it() -> None:
    with pytest.raises(GraphQLError) as caught:
        parse(200, {"data": None, "errors": [{"message": "Invalid credentials X."}]})
    assert type(caught.value) is GraphQLError


def test_an_answer_with_empty_errors_and_no_data_says_so() -> None:
    with pytest.raises(InvalidResponseError) as caught:
        parse(200, {"errors": []})
    assert str(caught.value) == "Response has no data and no errors"


@pytest.mark.parametrize(
    ("length", "shown"),
    [(MAX_MESSAGE_CHARS, MAX_MESSAGE_CHARS), (MAX_MESSAGE_CHARS + 1, MAX_MESSAGE_CHARS)],
)
def test_a_server_message_is_cut_to_the_limit_with_an_ellipsis(length: int, shown: int) -> None:
    text = "x" * length
    with pytest.raises(GraphQLError) as caught:
        parse(200, {"data": None, "errors": [{"message": text}]})
    message = str(caught.value)
    assert len(message) == shown
    assert message == (text if length <= MAX_MESSAGE_CHARS else "x" * (shown - 1) + "…")


@pytest.mark.parametrize(
    ("status", "body", "error", "message"),
    [
        (503, {"data": None}, HTTPStatusError, "HTTP 503 from the NextSchool API"),
        (200, {"result": 1}, InvalidResponseError, "Response is not a GraphQL result"),
        (200, {"errors": []}, InvalidResponseError, "Response has no data and no errors"),
        (200, {"data": {"x": "a"}, "errors": None}, InvalidResponseError, "does not match"),
    ],
)
def test_every_error_names_the_operation_and_status(
    status: int, body: object, error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as caught:
        parse_response(
            operation="Students",
            status_code=status,
            headers={},
            content=json.dumps(body).encode(),
            model=Answer,
        )
    assert message in str(caught.value)
    assert getattr(caught.value, "status_code", None) == status
    assert getattr(caught.value, "operation", None) == "Students"


class Answer(pydantic.BaseModel):
    x: int


@pytest.mark.parametrize("model", [None, Answer])
def test_a_result_keeps_its_status(model: type[pydantic.BaseModel] | None) -> None:
    result = parse_response(
        operation="Students",
        status_code=203,
        headers={},
        content=b'{"data": {"x": 1}, "errors": null}',
        model=model,
    )
    assert result.status_code == 203
