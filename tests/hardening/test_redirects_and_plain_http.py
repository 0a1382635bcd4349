"""Item 8: API calls never follow redirects; plain HTTP off loopback warns.

A caller's `httpx.Client(follow_redirects=True)` used to carry the login body,
password included, to wherever a 307/308 pointed. Every request the SDK sends
now refuses redirects, and a 3xx is a typed error naming the target.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from nextschool import (
    AsyncNextSchool,
    ConfigurationError,
    HTTPStatusError,
    NextSchool,
    PlainHTTPWarning,
)
from nextschool.testing import (
    DEMO_PASSWORD,
    DEMO_USERNAME,
    LocalServer,
)

PASSWORD = "Redirect-Passw0rd-8e4d"


class LoopbackServer:
    """A tiny HTTP server: answers every POST with `status` (and `location`)."""

    def __init__(self, status: int, location: str | None) -> None:
        self.received: list[bytes] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                owner.received.append(self.rfile.read(length))
                body = b'{"data": null}'
                self.send_response(status)
                if location is not None:
                    self.send_header("Location", location)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @contextmanager
    def running(self) -> Iterator[LoopbackServer]:
        self._thread.start()
        try:
            yield self
        finally:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join()


@pytest.fixture
def target() -> Iterator[LoopbackServer]:
    """Where the redirect points: it must never receive anything."""
    with LoopbackServer(200, None).running() as server:
        yield server


def redirector(status: int, location: str) -> LoopbackServer:
    return LoopbackServer(status, location)


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirected_login_does_not_send_the_password_on(
    target: LoopbackServer, status: int
) -> None:
    with (
        redirector(status, target.url).running() as source,
        httpx.Client(follow_redirects=True) as http,
        NextSchool(source.url, username="redirect", password=PASSWORD, http_client=http) as client,
        pytest.raises(HTTPStatusError) as caught,
    ):
        client.login()
    assert target.received == []
    assert len(source.received) == 1 and PASSWORD.encode() in source.received[0]
    error = caught.value
    assert error.status_code == status
    assert target.url in str(error)
    assert "redirect" in str(error).lower()


async def test_an_async_redirected_login_does_not_send_the_password_on(
    target: LoopbackServer,
) -> None:
    with redirector(308, target.url).running() as source:
        async with (
            httpx.AsyncClient(follow_redirects=True) as http,
            AsyncNextSchool(
                source.url, username="redirect", password=PASSWORD, http_client=http
            ) as client,
        ):
            with pytest.raises(HTTPStatusError) as caught:
                await client.login()
    assert target.received == []
    assert caught.value.status_code == 308


def test_a_per_call_follow_redirects_is_refused(target: LoopbackServer) -> None:
    with (
        redirector(307, target.url).running() as source,
        NextSchool(source.url, access_token="not-a-real-token") as client,
        pytest.raises(ConfigurationError, match="follow_redirects"),
    ):
        client.students(limit=1, follow_redirects=True)  # type: ignore[call-arg]
    assert target.received == []


def test_the_redirect_target_is_named_with_its_password_masked(target: LoopbackServer) -> None:
    location = target.url.replace("://", "://someone:Hidden-Pw-77@", 1)
    with (
        redirector(307, location).running() as source,
        NextSchool(source.url, username="redirect", password=PASSWORD) as client,
        pytest.raises(HTTPStatusError) as caught,
    ):
        client.login()
    assert "someone:********@127.0.0.1" in str(caught.value)
    assert "Hidden-Pw-77" not in str(caught.value)
    assert target.received == []


def test_a_relative_redirect_is_named_in_full(target: LoopbackServer) -> None:
    with (
        redirector(308, "/v2/graphql").running() as source,
        NextSchool(source.url, username="redirect", password=PASSWORD) as client,
        pytest.raises(HTTPStatusError) as caught,
    ):
        client.login()
    assert f"{source.url}v2/graphql" in str(caught.value)


def test_a_redirect_is_not_retried_even_for_a_query(target: LoopbackServer) -> None:
    with (
        redirector(302, target.url).running() as source,
        NextSchool(source.url, access_token="not-a-real-token") as client,
        pytest.raises(HTTPStatusError),
    ):
        client.students(limit=1)
    assert len(source.received) == 1


def test_the_local_server_over_plain_http_on_loopback_works_without_a_warning(
    server: LocalServer,
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with NextSchool(server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as client:
            assert len(client.students(limit=1)) == 1


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/",
        "http://127.10.0.3/",
        "http://localhost:8000/",
        "http://LOCALHOST/",
        "http://api.localhost/",
        "http://[::1]:8000/",
        "https://api.example.org/",
        "https://93.184.216.34/",
    ],
)
def test_loopback_and_https_urls_do_not_warn(url: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        NextSchool(url).close()


@pytest.mark.parametrize(
    "url",
    [
        "http://api.example.org/",
        "http://10.0.0.5:8000/graphql",
        "http://[2001:db8::1]/",
        "http://localhost.example.org/",
        "HTTP://API.EXAMPLE.ORG/",
    ],
)
async def test_plain_http_to_another_host_warns_once_per_client(url: str) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"data": {"students": []}})

    transport = httpx.MockTransport(answer)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")  # count every warning, no deduplication
        with httpx.Client(transport=transport) as http:
            client = NextSchool(url, access_token="t", http_client=http)
            for _ in range(3):
                client.students(limit=1)
        async with httpx.AsyncClient(transport=transport) as http_async:
            async_client = AsyncNextSchool(url, access_token="t", http_client=http_async)
            await async_client.students(limit=1)
    assert all(isinstance(w.message, PlainHTTPWarning) for w in caught)
    assert len(caught) == 2  # one per client, none per call
    assert "plain HTTP" in str(caught[0].message)
    assert caught[0].filename == __file__  # points at the caller's line


def test_the_warning_masks_a_url_password() -> None:
    with pytest.warns(PlainHTTPWarning) as caught:
        NextSchool("http://user:Url-Secret-19@api.example.org/").close()
    assert "Url-Secret-19" not in str(caught[0].message)
    assert "user:********@api.example.org" in str(caught[0].message)
