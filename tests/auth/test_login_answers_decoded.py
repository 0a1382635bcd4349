"""How the answer to a login, or to an operation, is decoded into a result or
a typed error, over loopback: the error names the operation and the request
it answered, a 429's Retry-After is read from its headers, and an answer of
the wrong shape is an InvalidResponseError naming the operation, never a bare
pydantic error."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from nextschool import (
    HTTPStatusError,
    InvalidCredentialsError,
    InvalidResponseError,
    NextSchool,
    RateLimitError,
)
from nextschool.testing import DEMO_PASSWORD, DEMO_USERNAME, LocalServer
from nextschool.testing.pytest_plugin import ServerFactory


@pytest.fixture(autouse=True)
def _no_credentials_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NEXTSCHOOL_URL", "NEXTSCHOOL_USERNAME", "NEXTSCHOOL_PASSWORD"):
        monkeypatch.delenv(name, raising=False)


def test_a_refused_login_names_its_operation_and_request(server: LocalServer) -> None:
    with (
        NextSchool(server.url, username=DEMO_USERNAME, password="not-the-password") as client,
        pytest.raises(InvalidCredentialsError) as caught,
    ):
        client.login()
    error = caught.value
    assert error.operation == "Login"
    assert error.request_id is not None
    assert error.request_id == server.state.received_request_ids[-1]


def test_a_login_answered_with_http_429_reads_retry_after_from_the_headers(
    server: LocalServer,
) -> None:
    server.controls.rate_limit_next(1, mode="http", retry_after=7, operation="Login")
    with (
        NextSchool(
            server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, max_retries=0
        ) as client,
        pytest.raises(RateLimitError) as caught,
    ):
        client.login()
    assert caught.value.operation == "Login"
    assert caught.value.retry_after is not None
    assert 6.0 <= caught.value.retry_after <= 7.0


@contextmanager
def _api_answering(body: object) -> Iterator[str]:
    """A loopback HTTP server that answers every POST with `body` as JSON."""
    content = json.dumps(body).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("content-length", "0")))
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        def log_message(self, format: str, *args: object) -> None:
            pass

    http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{http.server_address[1]}/"
    finally:
        http.shutdown()
        http.server_close()
        thread.join(timeout=5)


def test_a_login_answer_of_the_wrong_shape_is_an_invalid_response() -> None:
    with (
        _api_answering({"data": {"login": {"accessToken": 5, "refreshToken": []}}}) as url,
        NextSchool(url, username=DEMO_USERNAME, password=DEMO_PASSWORD, max_retries=0) as client,
        pytest.raises(InvalidResponseError) as caught,
    ):
        client.login()
    assert str(caught.value).startswith("Response data does not match the Login operation: ")
    assert caught.value.operation == "Login"


def test_an_error_from_a_server_that_echoes_no_request_id_keeps_the_one_sent(
    start_server: ServerFactory,
) -> None:
    server = start_server(request_ids="none")
    with (
        NextSchool(server.url, username=DEMO_USERNAME, password="not-the-password") as client,
        pytest.raises(InvalidCredentialsError) as caught,
    ):
        client.login(headers={"X-Request-Id": "login-7"})
    assert caught.value.request_id == "login-7"


# -- the same for an operation's own answer -----------------------------------


def test_an_operations_error_names_the_operation(server: LocalServer) -> None:
    issued = server.issue_tokens()
    server.controls.fail_next(1, "http_503", operation="Students")
    with (
        NextSchool(server.url, access_token=issued.access_token, max_retries=0) as client,
        pytest.raises(HTTPStatusError) as caught,
    ):
        client.students(limit=1)
    assert caught.value.operation == "Students"
    assert caught.value.status_code == 503


def test_an_operations_answer_of_the_wrong_shape_is_an_invalid_response() -> None:
    with (
        _api_answering({"data": {"students": [{"id": []}]}}) as url,
        NextSchool(url, access_token="a" * 40, max_retries=0) as client,
        pytest.raises(InvalidResponseError) as caught,
    ):
        client.students(limit=1)
    assert str(caught.value).startswith("Response data does not match the Students operation: ")
    assert caught.value.operation == "Students"
