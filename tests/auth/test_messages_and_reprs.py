"""The exact words a caller sees: error messages and reprs the SDK composes.

Messages are the interface of a failure (what a log or an error tracker shows),
so their wording is pinned here, along with what they must never contain.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import socket
from typing import Any

import pytest

from nextschool import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AsyncNextSchool,
    AuthenticationError,
    ConfigurationError,
    GraphQLError,
    HTTPStatusError,
    InvalidCredentialsError,
    InvalidResponseError,
    NextSchool,
    RateLimitError,
)
from nextschool._response import parse_response
from nextschool.auth._tokens import TokenManager
from nextschool.generated_client.models import Login, RefreshToken, Students
from nextschool.testing import DEMO_PASSWORD, DEMO_USERNAME, LocalServer
from nextschool.types import Student

NOT_LOGGED_IN = (
    "Not logged in: pass username and password (or set NEXTSCHOOL_USERNAME and "
    "NEXTSCHOOL_PASSWORD), or saved access and refresh tokens"
)


@pytest.fixture(autouse=True)
def _no_credentials_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NEXTSCHOOL_URL", "NEXTSCHOOL_USERNAME", "NEXTSCHOOL_PASSWORD"):
        monkeypatch.delenv(name, raising=False)


def refused(body: bytes, status: int = 200, model: Any = None, **headers: str) -> APIError:
    with pytest.raises(APIError) as caught:
        parse_response(
            operation="Students", status_code=status, headers=headers, content=body, model=model
        )
    return caught.value


@pytest.mark.parametrize(
    ("body", "status", "headers", "expected", "message"),
    [
        (b"", 429, {}, RateLimitError, "Rate limit exceeded (HTTP 429)"),
        (b"", 401, {}, AuthenticationError, "Authentication required (HTTP 401)"),
        (b"<html>bad gateway</html>", 502, {}, HTTPStatusError, "HTTP 502 from the NextSchool API"),
        (
            b'{"extensions": {}}',
            200,
            {},
            InvalidResponseError,
            "Response is not a GraphQL result (no `data` or `errors`)",
        ),
        (b'{"data": null}', 200, {}, InvalidResponseError, "Response has no data and no errors"),
        (b'{"errors": {}}', 200, {}, InvalidResponseError, "Response `errors` is not a list"),
        (b'{"errors": [{"message": ""}]}', 200, {}, GraphQLError, "GraphQL error"),
    ],
)
def test_answer_error_messages(
    body: bytes, status: int, headers: dict[str, str], expected: type[APIError], message: str
) -> None:
    error = refused(body, status, **headers)
    assert type(error) is expected
    assert str(error) == message
    assert error.operation == "Students"


def test_a_mismatch_names_three_fields_and_counts_the_rest() -> None:
    body = json.dumps({"data": {"students": [{"id": "not a number"}]}}).encode()
    error = refused(body, model=Students)
    assert type(error) is InvalidResponseError
    message = str(error)
    prefix = "Response data does not match the Students operation: "
    assert message.startswith(prefix)
    details, more = re.fullmatch(r"(.*) \(and (\d+) more\)", message[len(prefix) :]).groups()  # type: ignore[union-attr]
    parts = details.split("; ")
    assert len(parts) == 3
    assert parts[0].startswith("students.0.id: ")
    total = len(Student.model_fields)  # each row of `students` is a Student
    assert int(more) == total - 3
    assert "not a number" not in message


def test_a_single_mismatch_has_no_count() -> None:
    body = json.dumps({"data": {"refreshToken": {"accessToken": "x"}}}).encode()
    error = refused(body, model=RefreshToken)
    assert str(error).endswith(": refreshToken.expiresIn: Field required")


def test_result_json_is_json_and_keeps_tokens_masked() -> None:
    body = json.dumps(
        {"data": {"refreshToken": {"accessToken": "eyJ-secret", "expiresIn": 900}}}
    ).encode()
    result = parse_response(
        operation="RefreshToken", status_code=200, headers={}, content=body, model=RefreshToken
    )
    dumped = json.dumps(result.json())
    assert "eyJ-secret" not in dumped
    assert json.loads(dumped)["data"]["refreshToken"]["expiresIn"] == 900


def test_configuration_error_messages() -> None:
    with pytest.raises(ConfigurationError) as caught:
        NextSchool("ftp://data.example/")
    assert str(caught.value) == "url must be an http(s) URL, got 'ftp://data.example/'"
    with pytest.raises(ConfigurationError) as caught:
        NextSchool("http://127.0.0.1:9/", max_retries=-1)
    assert str(caught.value) == "max_retries must be 0 or more"
    with pytest.raises(ConfigurationError) as caught:
        NextSchool("http://127.0.0.1:9/", username="someone")
    assert str(caught.value) == "username and password must be given together"
    with NextSchool("http://127.0.0.1:9/") as client, pytest.raises(ConfigurationError) as caught:
        client.login(password="only-a-password")
    assert str(caught.value) == "username and password must be given together"
    assert "only-a-password" not in repr(caught.value)


def test_an_operation_without_a_name_is_called_request_in_errors() -> None:
    url = f"http://127.0.0.1:{_closed_port()}/"
    with (
        NextSchool(url, access_token="at", max_retries=0) as client,
        pytest.raises(APIConnectionError) as caught,
    ):
        client.execute("{ __typename }")
    assert str(caught.value) == f"Request failed: ConnectError: could not get a response from {url}"
    assert caught.value.operation is None


def test_not_logged_in_says_how_to_log_in() -> None:
    with NextSchool("http://127.0.0.1:9/") as client, pytest.raises(AuthenticationError) as caught:
        client.students(limit=1)
    assert str(caught.value) == NOT_LOGGED_IN


def test_client_reprs(server: LocalServer) -> None:
    with NextSchool(server.url) as anonymous:
        assert repr(anonymous) == f"NextSchool(url={server.url!r}, not authenticated)"
    with NextSchool(server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as client:
        assert repr(client) == (
            f"NextSchool(url={server.url!r}, username={DEMO_USERNAME!r}, not authenticated)"
        )
        client.login()
        assert repr(client) == (
            f"NextSchool(url={server.url!r}, username={DEMO_USERNAME!r}, authenticated)"
        )
    assert repr(AsyncNextSchool(server.url)).startswith("AsyncNextSchool(url=")


def test_token_manager_repr() -> None:
    tokens = TokenManager(credentials=None, clock=lambda: 0.0, wall_clock=lambda: 0.0)
    assert repr(tokens) == "TokenManager(no token)"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_connection_error_message_names_the_operation_and_the_url() -> None:
    url = f"http://127.0.0.1:{_closed_port()}/"
    with (
        NextSchool(url, access_token="at", max_retries=0) as client,
        pytest.raises(APIConnectionError) as caught,
    ):
        client.students(limit=1)
    assert type(caught.value) is APIConnectionError
    assert str(caught.value) == (
        f"Students failed: ConnectError: could not get a response from {url}"
    )
    assert caught.value.operation == "Students"


def test_timeout_message_names_the_operation_and_the_kind(server: LocalServer) -> None:
    with NextSchool(
        server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, max_retries=0
    ) as client:
        client.login()
        held = server.controls.hold_next(1, operation="Students")
        with pytest.raises(APITimeoutError) as caught:
            client.students(limit=1, timeout=0.2)
        held.release()
    assert str(caught.value) == "Students timed out (ReadTimeout)"
    assert caught.value.operation == "Students"


def test_a_password_given_to_login_is_masked_in_the_sdk_logs(
    server: LocalServer, caplog: pytest.LogCaptureFixture
) -> None:
    password = f"wrong-{secrets.token_hex(8)}"
    with NextSchool(server.url) as client, pytest.raises(InvalidCredentialsError):
        client.login(DEMO_USERNAME, password)
    caplog.set_level(logging.INFO, logger="nextschool")
    logging.getLogger("nextschool").info("echoing %s", password)
    assert password not in caplog.text
    assert "echoing [redacted]" in caplog.text


def test_a_mismatch_message_in_full() -> None:
    error = refused(b'{"data": {"login": {}}}', model=Login)
    assert str(error) == (
        "Response data does not match the Students operation: login.accessToken: Field "
        "required; login.refreshToken: Field required; login.expiresIn: Field required "
        "(and 1 more)"
    )
