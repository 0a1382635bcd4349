"""A real, throw-away `redis-server` on a free loopback port, for tests and benchmarks.

Needs the `redis-server` program (Debian: `apt-get install redis-server`) and,
to talk to it, the `nextschool[redis]` extra. Nothing is written to disk.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Generator
from contextlib import contextmanager

READY_TIMEOUT = 10.0


def redis_server_path() -> str | None:
    """Where `redis-server` is, or None when it is not installed."""
    return shutil.which("redis-server")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class RedisServer:
    """One redis-server process; `stop()` and `start()` again keep its port."""

    def __init__(self, port: int | None = None) -> None:
        program = redis_server_path()
        if program is None:
            raise RuntimeError("redis-server is not installed (apt-get install redis-server)")
        self._program = program
        self.port = port or _free_port()
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> None:
        """Start redis-server on a free loopback port and wait until it answers."""
        if self.running:
            return
        self._process = subprocess.Popen(
            [
                self._program,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--protected-mode",
                "yes",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._wait_ready()

    def stop(self) -> None:
        """Stop the server and remove its files."""
        process, self._process = self._process, None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                raise RuntimeError(f"redis-server exited at start (port {self.port} taken?)")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            time.sleep(0.02)
        self.stop()
        raise RuntimeError("redis-server did not answer within 10 s")


@contextmanager
def run_redis_server() -> Generator[RedisServer, None, None]:
    """Start a redis-server for the duration of the block."""
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()
