"""Item 7: a password in the API URL's userinfo is never shown.

`NextSchool("https://user:pass@host/")` used to print the password in repr(),
in connection error messages, in log lines and in the saved tokens' URL.
"""

from __future__ import annotations

import io
import json
import logging
import socket
import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest

from nextschool import (
    APIConnectionError,
    AsyncNextSchool,
    FileTokenStore,
    MemoryTokenStore,
    NextSchool,
    RedactingFilter,
    StoredTokens,
)
from nextschool.cli import main
from nextschool.testing import (
    DEMO_PASSWORD,
    DEMO_USERNAME,
    LocalServer,
)

URL_PASSWORD = "Url-Passw0rd-51c3"


def with_userinfo(url: str) -> str:
    return url.replace("://", f"://gateway:{URL_PASSWORD}@", 1)


@pytest.fixture
def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return with_userinfo(f"http://127.0.0.1:{port}/")


@pytest.fixture
def all_logs() -> Iterator[io.StringIO]:
    """Every record of every logger at DEBUG, through the public filter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


async def test_repr_masks_the_url_password() -> None:
    url = with_userinfo("https://api.example.org/graphql")
    sync_client = NextSchool(url)
    async_client = AsyncNextSchool(url)
    for client in (sync_client, async_client):
        shown = repr(client)
        assert URL_PASSWORD not in shown
        assert "gateway:********@api.example.org/graphql" in shown
    # The URL the client posts to is still the one given.
    assert sync_client.url == url
    sync_client.close()
    await async_client.aclose()


def test_a_connection_error_masks_the_url_password(closed_port_url: str) -> None:
    client = NextSchool(closed_port_url, username="demo", password="demo")
    with client, pytest.raises(APIConnectionError) as caught:
        client.students(limit=1)
    message = str(caught.value)
    assert "gateway:********@127.0.0.1" in message
    assert URL_PASSWORD not in message
    # Every frame's locals but the test's own, which hold the URL as given.
    summary = traceback.TracebackException.from_exception(caught.value, capture_locals=True)
    frames = [frame for frame in summary.stack if frame.filename != __file__]
    assert frames
    summary.stack = traceback.StackSummary.from_list(frames)
    assert URL_PASSWORD not in "".join(summary.format())


async def test_an_async_connection_error_masks_the_url_password(closed_port_url: str) -> None:
    async with AsyncNextSchool(closed_port_url, username="demo", password="demo") as client:
        with pytest.raises(APIConnectionError) as caught:
            await client.login()
    assert URL_PASSWORD not in str(caught.value)


def test_logs_mask_the_url_password(
    server: LocalServer, closed_port_url: str, all_logs: io.StringIO
) -> None:
    url = with_userinfo(server.url)
    other_api = StoredTokens("eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl", "r" * 20, None, "https://x/")
    with NextSchool(
        url, username=DEMO_USERNAME, password=DEMO_PASSWORD, token_store=MemoryTokenStore(other_api)
    ) as client:
        client.login()  # httpx logs the request line with the URL at INFO
    client = NextSchool(closed_port_url, username="demo", password="demo")
    with client, pytest.raises(APIConnectionError):
        client.login()
    text = all_logs.getvalue()
    assert "Ignoring saved tokens" in text
    assert "HTTP Request: POST" in text
    assert URL_PASSWORD not in text


def test_a_live_client_masks_its_url_password_wherever_it_appears() -> None:
    # Not only inside a URL: an application's own record may quote the
    # password alone, and it is masked as the client's password and tokens are.
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter())
    other = logging.getLogger("someapp.url-password-test")
    other.addHandler(handler)
    other.propagate = False
    try:
        with NextSchool(with_userinfo("https://api.example.org/graphql")):
            other.warning("gateway refused %s", URL_PASSWORD)
    finally:
        other.removeHandler(handler)
    assert stream.getvalue() == "gateway refused [redacted]\n"


def test_saved_tokens_do_not_carry_the_url_password(server: LocalServer, tmp_path: Path) -> None:
    url = with_userinfo(server.url)
    path = tmp_path / "tokens.json"
    with NextSchool(
        url, username=DEMO_USERNAME, password=DEMO_PASSWORD, token_store=FileTokenStore(path)
    ) as client:
        client.login()
        tokens = client.tokens
    assert tokens is not None
    assert URL_PASSWORD not in repr(tokens)
    assert tokens.url == server.url
    assert URL_PASSWORD not in path.read_text()
    assert json.loads(path.read_text())["url"] == server.url
    # The saved session is still that API's: a client at the same URL resumes it.
    with NextSchool(url, token_store=FileTokenStore(path)) as resumed:
        assert resumed.is_authenticated


def test_the_command_line_masks_the_url_password(
    server: LocalServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("NEXTSCHOOL_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("NEXTSCHOOL_USERNAME", DEMO_USERNAME)
    monkeypatch.setenv("NEXTSCHOOL_PASSWORD", DEMO_PASSWORD)
    monkeypatch.delenv("NEXTSCHOOL_URL", raising=False)
    assert main(["login", "--url", with_userinfo(server.url)]) == 0
    assert main(["logout"]) == 0
    captured = capsys.readouterr()
    assert "Logged in to http://gateway:********@127.0.0.1" in captured.out
    assert "Logged out of" in captured.out
    assert URL_PASSWORD not in captured.out + captured.err
