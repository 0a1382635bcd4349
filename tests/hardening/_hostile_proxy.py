"""A proxy in front of the local server that answers chosen operations its own way.

Everything else is forwarded to the local server unchanged, so a test gets
real logins and queries while one operation is refused with an odd wording,
answered with HTTP 401, or trickled one byte at a time.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx


@dataclass(frozen=True)
class Canned:
    """A fixed answer."""

    status: int
    body: bytes

    @classmethod
    def errors(cls, *errors: dict[str, object], status: int = 200) -> Canned:
        return cls(status, json.dumps({"data": None, "errors": list(errors)}).encode())


@dataclass(frozen=True)
class Trickle:
    """The real answer, sent one byte every `interval` seconds."""

    interval: float


Rule = Callable[[], "Canned | Trickle | None"]


class HostileProxy:
    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.rules: dict[str, Rule] = {}
        self.seen: list[str | None] = []
        self.stopping = threading.Event()
        self._http = httpx.Client(timeout=30)
        self.url = ""

    def answer(self, operation: str, rule: Rule) -> None:
        self.rules[operation] = rule

    def always(self, operation: str, answer: Canned | Trickle) -> None:
        self.rules[operation] = lambda: answer

    def count(self, operation: str) -> int:
        return self.seen.count(operation)

    def forward(self, body: bytes, headers: dict[str, str]) -> httpx.Response:
        return self._http.post(self.upstream, content=body, headers=headers)


@contextmanager
def hostile_proxy(upstream: str) -> Iterator[HostileProxy]:
    proxy = HostileProxy(upstream)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            try:
                operation = json.loads(body).get("operationName")
            except ValueError:
                operation = None
            proxy.seen.append(operation)
            rule = proxy.rules.get(operation or "")
            answer = rule() if rule is not None else None
            if isinstance(answer, Canned):
                self._send(answer.status, answer.body)
                return
            forwarded = {k: v for k, v in self.headers.items() if k.lower() in ("authorization",)}
            forwarded["Content-Type"] = "application/json"
            upstream = proxy.forward(body, forwarded)
            if isinstance(answer, Trickle):
                self._trickle(upstream.status_code, upstream.content, answer.interval)
            else:
                self._send(upstream.status_code, upstream.content)

        def _send(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _trickle(self, status: int, body: bytes, interval: float) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.flush()
            try:
                for byte in body:
                    if proxy.stopping.wait(interval):
                        return
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
            except OSError:
                return  # the client gave up, as it should
            finally:
                self.close_connection = True

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    proxy.url = f"http://127.0.0.1:{server.server_address[1]}/"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield proxy
    finally:
        proxy.stopping.set()
        server.shutdown()
        server.server_close()
        proxy._http.close()
        time.sleep(0)
