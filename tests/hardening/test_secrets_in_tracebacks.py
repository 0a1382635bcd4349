"""Item 5: no password or token in tracebacks, frame locals or exception chains.

Tools that print frame locals (`pytest -l`, rich tracebacks, error trackers)
see the frames of `login`, `execute`, `_send` and the generated methods, and the
chained httpx exception of a transport failure (whose request carries the
body). None of that may show a secret, while the values still reach the server.
"""

from __future__ import annotations

import json
import os
import pickle
import socket
import subprocess
import sys
import textwrap
import traceback
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from nextschool import (
    APIConnectionError,
    AsyncNextSchool,
    ConfigurationError,
    InvalidCredentialsError,
    InvalidResponseError,
    NextSchool,
)
from nextschool.testing import LocalServer, ServerSettings, run_local_server

USERNAME = "tracebacks"
PASSWORD = "Tr4ceback-Passw0rd-7c1e"
WRONG_PASSWORD = "Wr0ng-Passw0rd-9d2f"


@pytest.fixture
def server() -> Iterator[LocalServer]:
    settings = ServerSettings(rate_limits=False, extra_accounts=((USERNAME, PASSWORD),))
    with run_local_server(settings) as running:
        yield running


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


def rendered(error: BaseException) -> str:
    """The traceback with every frame's locals, chained exceptions included.

    The test's own frames are left out: their locals are the test's business.
    """
    summary = traceback.TracebackException.from_exception(error, capture_locals=True)
    summary.stack = traceback.StackSummary.from_list(
        [frame for frame in summary.stack if frame.filename != __file__]
    )
    text = "".join(summary.format())
    chained: list[str] = []
    seen: BaseException | None = error
    while seen is not None:
        for attribute in ("request", "response"):
            carried = getattr(seen, attribute, None)
            content = getattr(carried, "content", None)
            if isinstance(content, bytes):
                chained.append(content.decode("utf-8", "replace"))
        seen = seen.__cause__ or seen.__context__
    return text + "\n".join(chained)


def frame_names(error: BaseException) -> set[str]:
    return {frame.name for frame in traceback.extract_tb(error.__traceback__)}


def assert_clean(text: str, *secrets: str) -> None:
    for secret in secrets:
        assert secret not in text
    assert "eyJ" not in text


def test_wrong_password_sync_shows_no_password_in_locals(server: LocalServer) -> None:
    client = NextSchool(server.url, username=USERNAME, password=WRONG_PASSWORD)
    with client, pytest.raises(InvalidCredentialsError) as caught:
        client.login()
    # The frames the issue names are there, with their locals, and clean.
    assert {"login", "execute", "_send"} <= frame_names(caught.value)
    text = rendered(caught.value)
    assert "request = " in text and "credentials = " in text
    assert_clean(text, WRONG_PASSWORD)


async def test_wrong_password_async_shows_no_password_in_locals(server: LocalServer) -> None:
    async with AsyncNextSchool(server.url, username=USERNAME, password=WRONG_PASSWORD) as client:
        with pytest.raises(InvalidCredentialsError) as caught:
            await client.students(limit=1)
    assert {"execute", "_send"} <= frame_names(caught.value)
    assert_clean(rendered(caught.value), WRONG_PASSWORD)


@pytest.mark.parametrize("failure", ["dropped", "refused"])
def test_connection_failure_during_login_chains_no_request_body(
    server: LocalServer, failure: str
) -> None:
    url = server.url
    if failure == "dropped":
        server.controls.fail_next(1, "drop_connection", operation="Login")
    else:
        url = closed_port_url()
    client = NextSchool(url, username=USERNAME, password=PASSWORD)
    with client, pytest.raises(APIConnectionError) as caught:
        client.login()
    error = caught.value
    assert error.__cause__ is None
    assert error.__context__ is None
    assert {"login", "_send"} <= frame_names(error)
    assert_clean(rendered(error), PASSWORD)


async def test_connection_failure_during_async_login_chains_no_request_body(
    server: LocalServer,
) -> None:
    server.controls.fail_next(1, "drop_connection", operation="Login")
    async with AsyncNextSchool(server.url, username=USERNAME, password=PASSWORD) as client:
        with pytest.raises(APIConnectionError) as caught:
            await client.login()
    assert caught.value.__cause__ is None and caught.value.__context__ is None
    assert_clean(rendered(caught.value), PASSWORD)


def test_failed_query_and_refresh_show_no_token(server: LocalServer) -> None:
    with NextSchool(server.url, username=USERNAME, password=PASSWORD) as client:
        client.login()
        tokens = client.tokens
        assert tokens is not None and tokens.refresh_token
        server.controls.fail_next(3, "drop_connection", operation="Students")
        with pytest.raises(APIConnectionError) as query_failure:
            client.students(limit=1)
        server.controls.fail_next(1, "drop_connection", operation="RefreshToken")
        with pytest.raises(APIConnectionError) as refresh_failure:
            client.refresh_token()
    assert "_send" in frame_names(query_failure.value)
    for error in (query_failure.value, refresh_failure.value):
        assert_clean(rendered(error), PASSWORD, tokens.access_token, tokens.refresh_token)


def test_masked_secrets_still_reach_the_server(server: LocalServer) -> None:
    # The masking is only in repr(): the server must get the real values.
    with NextSchool(server.url, username=USERNAME, password=PASSWORD) as client:
        assert client.login().access_token.get_secret_value().startswith("eyJ")
        client.refresh_token()
        assert len(client.students(limit=1)) == 1
        assert client.logout() is True
    assert server.counters.logins == 1
    assert server.counters.refreshes == 1


INNER_TEST = """
import json
import os
import pickle

import pytest

from nextschool import NextSchool
from nextschool.testing import ServerSettings, run_local_server

USERNAME, PASSWORD, WRONG = {username!r}, {password!r}, {wrong!r}
SETTINGS = ServerSettings(rate_limits=False, extra_accounts=((USERNAME, PASSWORD),))


def test_wrong_password():
    with run_local_server(SETTINGS) as server:
        with NextSchool(server.url, username=USERNAME, password=WRONG) as client:
            client.login()


def test_connection_dropped_during_login():
    with run_local_server(SETTINGS) as server:
        server.controls.fail_next(1, "drop_connection", operation="Login")
        with NextSchool(server.url, username=USERNAME, password=PASSWORD) as client:
            client.login()


def test_connection_dropped_during_a_query():
    with run_local_server(SETTINGS) as server:
        with NextSchool(server.url, username=USERNAME, password=PASSWORD) as client:
            client.login()
            with open(os.environ["TOKENS_OUT"], "w") as out:
                json.dump([client.tokens.access_token, client.tokens.refresh_token], out)
            server.controls.fail_next(3, "drop_connection", operation="Students")
            client.students(limit=1)
"""


def test_pytest_showlocals_prints_no_secret(tmp_path: Path) -> None:
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "test_inner.py").write_text(
        textwrap.dedent(INNER_TEST).format(
            username=USERNAME, password=PASSWORD, wrong=WRONG_PASSWORD
        )
    )
    tokens_file = tmp_path / "tokens.json"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-l", "--tb=long", "-p", "no:cacheprovider", "-q"],
        cwd=tmp_path,
        env={**os.environ, "TOKENS_OUT": str(tokens_file)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    # All three fail, with the SDK's frames and their locals in the report.
    assert "3 failed" in output, output[-3000:]
    assert "InvalidCredentialsError" in output
    assert "APIConnectionError" in output
    for frame in ("def login", "def execute", "def _send"):
        assert frame in output
    assert "request    = " in output or "request = " in output
    access_token, refresh_token = json.loads(tokens_file.read_text())
    for secret in (PASSWORD, WRONG_PASSWORD, access_token, refresh_token, "eyJ"):
        assert secret not in output


def test_masked_values_are_plain_to_a_debugger_that_asks() -> None:
    # str() and equality stay those of the real value: only repr() is masked.
    client = NextSchool("https://api.example.org/", username=USERNAME, password=PASSWORD)
    credentials = client._tokens.require_credentials()
    assert credentials.password == PASSWORD
    assert str(credentials.password) == PASSWORD
    assert PASSWORD not in repr(credentials.password)
    assert pickle.loads(pickle.dumps(credentials.password))  # noqa: S301 == PASSWORD


def test_a_malformed_login_answer_shows_no_token() -> None:
    # Unit test of a fault shape: the tokens of an answer that fails to decode
    # must not sit in the parser's frame locals.
    access = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ"
    refresh = "refresh-3b9f0c7e-5d2a-4c61-9e0b"
    login = {"accessToken": access, "refreshToken": refresh, "expiresIn": {"not": "a number"}}

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"data": {"login": login}})

    transport = httpx.MockTransport(answer)
    with httpx.Client(transport=transport) as http:
        client = NextSchool(
            "https://api.example.org/", username=USERNAME, password=PASSWORD, http_client=http
        )
        with pytest.raises(InvalidResponseError) as caught:
            client.login()
    assert_clean(rendered(caught.value), access, refresh, PASSWORD)


def test_a_construction_error_shows_no_secret() -> None:
    with pytest.raises(ConfigurationError) as caught:
        NextSchool(
            "ftp://api.example.org/",
            username=USERNAME,
            password=PASSWORD,
            refresh_token=WRONG_PASSWORD,
        )
    assert "__init__" in frame_names(caught.value)
    assert_clean(rendered(caught.value), PASSWORD, WRONG_PASSWORD)
