"""A loopback HTTP proxy in front of the local server that keeps every request
as it arrived on the wire: what a server receives, not what the client meant."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

# Hop-by-hop headers and those httpx sets itself: not forwarded.
_NOT_FORWARDED = {"host", "content-length", "connection", "transfer-encoding", "keep-alive"}


@dataclass(frozen=True)
class ReceivedRequest:
    method: str
    path: str
    # Names in lower case, each with every value it arrived with.
    headers: dict[str, list[str]]
    body: bytes

    def header(self, name: str) -> str:
        """The header's single value (AssertionError if it is missing or repeated)."""
        values = self.headers.get(name.lower(), [])
        assert len(values) == 1, f"{name}: {values}"
        return values[0]


class RecordingProxy:
    """`proxy.url` forwards to `target`; `proxy.received` lists what arrived."""

    def __init__(self, target: str) -> None:
        self.received: list[ReceivedRequest] = []
        upstream = httpx.Client(timeout=30.0)
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", "0"))
                body = self.rfile.read(length)
                headers: dict[str, list[str]] = {}
                for name, value in self.headers.items():
                    headers.setdefault(name.lower(), []).append(value)
                proxy.received.append(ReceivedRequest("POST", self.path, headers, body))
                forwarded = [
                    (name, value)
                    for name, values in headers.items()
                    if name not in _NOT_FORWARDED
                    for value in values
                ]
                answer = upstream.post(target, content=body, headers=forwarded)
                self.send_response(answer.status_code)
                for name, value in answer.headers.multi_items():
                    if name.lower() not in _NOT_FORWARDED | {"content-encoding", "date", "server"}:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            def log_message(self, format: str, *args: object) -> None:
                pass  # quiet: the test reads `received`

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._upstream = upstream
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
        self._upstream.close()


@contextmanager
def recording_proxy(target: str) -> Iterator[RecordingProxy]:
    proxy = RecordingProxy(target)
    try:
        yield proxy
    finally:
        proxy.close()
