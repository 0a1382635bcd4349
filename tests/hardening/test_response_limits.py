"""Item 13: limits on what a server can make the client hold.

The body of a response is read up to `max_response_bytes` (default 64 MiB),
counted after content decoding, and reading stops there; server messages
copied into exceptions are cut to 1,000 characters.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import socket
import socketserver
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from nextschool import (
    AsyncNextSchool,
    ConfigurationError,
    GraphQLError,
    InvalidResponseError,
    NextSchool,
)
from nextschool.testing import (
    DEMO_PASSWORD,
    DEMO_USERNAME,
    LocalServer,
)

MiB = 1024 * 1024


def test_the_default_cap_is_64_mib_and_bad_values_are_refused() -> None:
    assert NextSchool("https://api.example.org/")._max_response_bytes == 64 * MiB
    for bad in (0, -1, True, 1.5, "10", None):
        with pytest.raises(ConfigurationError, match="max_response_bytes"):
            NextSchool("https://api.example.org/", max_response_bytes=bad)  # type: ignore[arg-type]


def test_an_answer_over_the_cap_is_a_typed_error(server: LocalServer) -> None:
    with NextSchool(
        server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, max_response_bytes=4000
    ) as client:
        assert len(client.students(limit=1)) == 1
        with pytest.raises(InvalidResponseError) as caught:
            client.students(limit=50)
        assert "max_response_bytes (4,000 bytes)" in str(caught.value)
        assert caught.value.operation == "Students"
        # The connection was dropped, not the client: the next call works.
        assert len(client.students(limit=1)) == 1


async def test_an_async_answer_over_the_cap_is_a_typed_error(server: LocalServer) -> None:
    async with AsyncNextSchool(
        server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, max_response_bytes=4000
    ) as client:
        with pytest.raises(InvalidResponseError, match="max_response_bytes"):
            await client.students(limit=50)
        assert len(await client.students(limit=1)) == 1


def test_a_large_answer_under_the_cap_is_read_whole(server: LocalServer) -> None:
    with NextSchool(
        server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, max_response_bytes=MiB
    ) as client:
        assert len(client.students(limit=500)) > 100


class RawServer:
    """Answers every request with what `respond` writes to the socket."""

    def __init__(self, respond: Callable[[socket.socket], None]) -> None:
        self.sent_bytes = 0
        self._lock = threading.Lock()

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = self.request.recv(65536)
                    if not chunk:
                        return
                    data += chunk
                with contextlib.suppress(OSError):  # the client hung up, as it should
                    respond(self.request)

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self._server = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/"

    def record(self, sent: int) -> None:
        with self._lock:
            self.sent_bytes += sent

    @contextmanager
    def running(self) -> Iterator[RawServer]:
        thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._server.shutdown()
            self._server.server_close()
            thread.join()


def test_an_endless_body_stops_being_read_at_the_cap() -> None:
    piece = b" " * 65536
    chunk = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"

    def endless(sock: socket.socket) -> None:
        sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
        sock.sendall(b"Transfer-Encoding: chunked\r\n\r\n1\r\n{\r\n")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            sock.sendall(chunk)
            raw.record(len(chunk))

    raw = RawServer(endless)
    with (
        raw.running(),
        NextSchool(raw.url, access_token="t", max_response_bytes=MiB) as client,
        pytest.raises(InvalidResponseError, match=r"max_response_bytes \(1,048,576 bytes\)"),
    ):
        client.students(limit=1)
    # What was sent beyond the cap is what the socket buffers held, no more.
    assert raw.sent_bytes < 16 * MiB


def test_a_declared_length_over_the_cap_is_refused_before_reading() -> None:
    def promise_and_stall(sock: socket.socket) -> None:
        sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
        sock.sendall(f"Content-Length: {200 * MiB}\r\n\r\n{{".encode())
        time.sleep(5)

    raw = RawServer(promise_and_stall)
    started = time.monotonic()
    with (
        raw.running(),
        NextSchool(raw.url, access_token="t", max_response_bytes=MiB, timeout=30) as client,
        pytest.raises(InvalidResponseError, match="max_response_bytes"),
    ):
        client.students(limit=1)
    assert time.monotonic() - started < 4


def test_a_compressed_body_is_capped_after_decoding() -> None:
    inflated = b'{"data": {"students": []}, "padding": "' + b"x" * (20 * MiB) + b'"}'
    bomb = gzip.compress(inflated, compresslevel=9)
    assert len(bomb) < MiB // 8

    def gzip_bomb(sock: socket.socket) -> None:
        sock.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
            + f"Content-Length: {len(bomb)}\r\n\r\n".encode()
            + bomb
        )

    raw = RawServer(gzip_bomb)
    with (
        raw.running(),
        NextSchool(raw.url, access_token="t", max_response_bytes=MiB) as client,
        pytest.raises(InvalidResponseError, match="max_response_bytes"),
    ):
        client.students(limit=1)


def json_answer(payload: object) -> Callable[[socket.socket], None]:
    body = json.dumps(payload).encode()

    def respond(sock: socket.socket) -> None:
        sock.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )

    return respond


def test_a_huge_server_message_is_cut_in_the_exception() -> None:
    message = "Something went wrong: " + "ข" * 200_000
    raw = RawServer(json_answer({"errors": [{"message": message}], "data": None}))
    with (
        raw.running(),
        NextSchool(raw.url, access_token="t") as client,
        pytest.raises(GraphQLError) as caught,
    ):
        client.students(limit=1)
    error = caught.value
    assert len(str(error)) <= 1001
    assert str(error).startswith("Something went wrong: ขขข")
    assert str(error).endswith("…")
    assert len(error.errors[0].message) <= 1001


def test_many_server_messages_are_cut_together() -> None:
    errors = [{"message": f"error number {n} " + "z" * 500} for n in range(2000)]
    raw = RawServer(json_answer({"errors": errors, "data": None}))
    with (
        raw.running(),
        NextSchool(raw.url, access_token="t") as client,
        pytest.raises(GraphQLError) as caught,
    ):
        client.students(limit=1)
    assert len(str(caught.value)) <= 1001
    assert len(caught.value.errors) == 2000  # every entry is kept, each one cut
