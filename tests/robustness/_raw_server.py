"""A raw TCP server for answers no real HTTP server would send.

Each accepted connection takes the next scripted behaviour (then `valid` once
the script is used up): close at once, reset, stop part-way through the
headers or the body, send garbage, or stall. Every request it read is kept,
so tests can check what the client sent on each attempt.
"""

from __future__ import annotations

import contextlib
import json
import socket
import socketserver
import struct
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from ._payloads import query_data

VALID_BODY = json.dumps({"data": query_data("Students")}).encode()
_HEADERS_END = b"\r\n\r\n"
# Long enough for any client timeout in these tests, short enough to end a
# stalled connection soon after the test has moved on.
STALL_SECONDS = 2.0


def _http_response(body: bytes, *, status: str = "200 OK", extra: bytes = b"") -> bytes:
    return (
        f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n".encode()
        + extra
        + b"\r\n"
        + body
    )


# What each behaviour writes before closing (None: behaviours handled in code).
CANNED: dict[str, bytes | None] = {
    "valid": _http_response(VALID_BODY),
    "close_at_once": None,
    "reset": None,
    "stall_before_headers": None,
    "stall_mid_body": None,
    "partial_status_line": b"HTTP/1.1 20",
    "partial_headers": b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Len",
    "partial_body": _http_response(VALID_BODY)[: -len(VALID_BODY) // 2],
    "garbage": b"\x00\xff\xfe not HTTP at all \x1b[31m\r\n\r\n",
    "http09_body_only": VALID_BODY,
    "bad_content_length": (
        b"HTTP/1.1 200 OK\r\nContent-Length: twelve\r\nConnection: close\r\n\r\n{}"
    ),
    "broken_chunks": (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        b"ZZ\r\nnot a chunk\r\n"
    ),
    "lying_gzip": _http_response(VALID_BODY, extra=b"Content-Encoding: gzip\r\n"),
    "oversized_headers": b"HTTP/1.1 200 OK\r\nX-Padding: " + b"a" * 200_000 + b"\r\n\r\n{}",
    "informational_then_close": b"HTTP/1.1 100 Continue\r\n\r\n",
    "status_999": _http_response(b"{}", status="999 Whatever"),
}


@dataclass
class RawServer:
    host: str
    port: int
    script: deque[str] = field(default_factory=deque)
    requests: list[bytes] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    def next_behaviour(self) -> str:
        with self.lock:
            return self.script.popleft() if self.script else "valid"

    def record(self, request: bytes) -> None:
        with self.lock:
            self.requests.append(request)

    def operations(self) -> list[str | None]:
        """The GraphQL operationName of every request read, in order."""
        names: list[str | None] = []
        for request in self.requests:
            body = request.split(_HEADERS_END, 1)[1]
            names.append(json.loads(body).get("operationName"))
        return names

    def authorization_headers(self) -> list[str]:
        found = []
        for request in self.requests:
            head = request.split(_HEADERS_END, 1)[0].decode("latin-1")
            for line in head.split("\r\n")[1:]:
                name, _, value = line.partition(":")
                if name.strip().lower() == "authorization":
                    found.append(value.strip())
        return found


def _read_request(conn: socket.socket) -> bytes:
    data = b""
    while _HEADERS_END not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(_HEADERS_END)
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + _HEADERS_END + body


class _Handler(socketserver.BaseRequestHandler):
    server: _TCPServer

    def handle(self) -> None:
        raw = self.server.raw
        conn: socket.socket = self.request
        behaviour = raw.next_behaviour()
        if behaviour == "close_at_once":
            return
        if behaviour == "reset":
            # SO_LINGER with a zero timeout turns close() into a TCP RST.
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            return
        raw.record(_read_request(conn))
        if behaviour == "stall_before_headers":
            time.sleep(STALL_SECONDS)
            return
        if behaviour == "stall_mid_body":
            conn.sendall(_http_response(VALID_BODY)[:-10])
            time.sleep(STALL_SECONDS)
            return
        answer = CANNED[behaviour]
        assert answer is not None, behaviour
        # The client may give up first (e.g. on oversized headers).
        with contextlib.suppress(OSError):
            conn.sendall(answer)


class _TCPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    raw: RawServer


@contextmanager
def run_raw_server() -> Iterator[RawServer]:
    server = _TCPServer(("127.0.0.1", 0), _Handler)
    host, port = server.server_address[:2]
    server.raw = RawServer(str(host), int(port))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield server.raw
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
