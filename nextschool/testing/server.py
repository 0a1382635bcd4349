"""Running the app with uvicorn on a loopback port, in a background thread."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import threading
import time
from collections.abc import Generator
from dataclasses import dataclass

import uvicorn

from nextschool.testing.app import NextSchoolApp, ServerState, create_app
from nextschool.testing.controls import ServerControls
from nextschool.testing.counters import ServerCounters
from nextschool.testing.settings import DEMO_USERNAME, ServerSettings

# Room for hundreds of simultaneous connects from a benchmark.
BACKLOG = 2048
_START_TIMEOUT = 10.0
_STOP_TIMEOUT = 10.0
_POLL = 0.005
_TICKS_PER_UVICORN_TICK = 20  # uvicorn's own tick is 0.1 s
_DROP_MESSAGE = "ASGI callable returned without completing response."


@dataclass(frozen=True)
class IssuedTokens:
    """Tokens that the server issued directly, without a login request."""

    access_token: str
    refresh_token: str
    expires_in: int


@dataclass(frozen=True)
class LocalServer:
    """A running local server."""

    url: str  # e.g. "http://127.0.0.1:54321/"
    host: str
    port: int
    state: ServerState

    @property
    def settings(self) -> ServerSettings:
        return self.state.settings

    @property
    def controls(self) -> ServerControls:
        return self.state.controls

    @property
    def counters(self) -> ServerCounters:
        return self.state.counters

    def issue_tokens(self, username: str = DEMO_USERNAME) -> IssuedTokens:
        """Tokens for an account without an HTTP login (counters stay untouched)."""
        account = self.state.accounts.by_username[username]
        access = self.state.tokens.issue_access(account)
        refresh = self.state.tokens.issue_refresh(account)
        return IssuedTokens(access.token, refresh, access.expires_in)


class _DeliberateDropFilter(logging.Filter):
    # The drop_connection fault makes uvicorn log this error by design; the
    # app never leaves a response unfinished otherwise.
    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != _DROP_MESSAGE


_filter_lock = threading.Lock()


def _quiet_deliberate_drops() -> None:
    logger = logging.getLogger("uvicorn.error")
    with _filter_lock:
        if not any(isinstance(f, _DeliberateDropFilter) for f in logger.filters):
            logger.addFilter(_DeliberateDropFilter())


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket; port 0 picks a free one."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # An explicit IPPROTO_TCP matters: asyncio only sets TCP_NODELAY on
    # accepted sockets whose proto says TCP, and without it every response
    # (headers and body are separate writes) stalls ~40 ms on delayed ACKs.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(BACKLOG)
    except OSError:
        sock.close()
        raise
    return sock


def server_url(host: str, port: int) -> str:
    """The URL of a server on `host` and `port`."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


class _PromptServer(uvicorn.Server):
    """uvicorn, minus its fixed 0.1 s pauses when stopping.

    A suite that starts a server per test stops hundreds of them; uvicorn's
    own loop notices `should_exit` only every 0.1 s and then sleeps another
    0.1 s before closing connections. Here both waits are short polls.
    """

    async def main_loop(self) -> None:
        ticks = 0
        should_exit = await self.on_tick(0)
        while not should_exit:
            await asyncio.sleep(_POLL)
            ticks += 1
            if self.should_exit:
                return
            if ticks % _TICKS_PER_UVICORN_TICK == 0:
                should_exit = await self.on_tick(ticks // _TICKS_PER_UVICORN_TICK % 864000)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        for listener in self.servers:
            listener.close()
        for sock in sockets or []:
            sock.close()
        state = self.server_state
        for connection in list(state.connections):
            connection.shutdown()
        grace = self.config.timeout_graceful_shutdown or 0
        loop = asyncio.get_running_loop()
        deadline = loop.time() + grace
        # uvicorn signals no event when connections drain, so poll its sets.
        while (state.connections or state.tasks) and loop.time() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(_POLL)
        for task in list(state.tasks):
            task.cancel()
        for listener in self.servers:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(listener.wait_closed(), _POLL * 10)


def make_uvicorn_server(
    app: NextSchoolApp, *, ssl_certfile: str | None = None, ssl_keyfile: str | None = None
) -> uvicorn.Server:
    """A uvicorn server for the app; with a certificate and key it serves HTTPS."""
    _quiet_deliberate_drops()
    config = uvicorn.Config(
        app,
        lifespan="off",
        access_log=False,
        # None keeps uvicorn from reconfiguring the process's logging.
        log_config=None,
        ws="none",
        interface="asgi3",
        backlog=BACKLOG,
        server_header=False,
        # Stop promptly even when a test leaves a delayed request running.
        timeout_graceful_shutdown=1,
        ssl_certfile=ssl_certfile,
        ssl_keyfile=ssl_keyfile,
    )
    return _PromptServer(config)


@contextlib.contextmanager
def run_local_server(
    settings: ServerSettings | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
) -> Generator[LocalServer, None, None]:
    """Serve a fresh local server in a daemon thread; yields once it accepts requests."""
    app, state = create_app(settings)
    sock = bind_socket(host, port)
    actual_port = int(sock.getsockname()[1])
    server = make_uvicorn_server(app)
    thread = threading.Thread(
        target=server.run,
        kwargs={"sockets": [sock]},
        name=f"nextschool-local-server-{actual_port}",
        daemon=True,
    )
    try:
        thread.start()
        deadline = time.monotonic() + _START_TIMEOUT
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("the local NextSchool server failed to start")
            if time.monotonic() > deadline:
                raise RuntimeError("the local NextSchool server did not start in time")
            time.sleep(0.002)
        yield LocalServer(server_url(host, actual_port), host, actual_port, state)
    finally:
        # A request a test left held would otherwise keep a worker thread.
        state.controls.release_held()
        server.should_exit = True
        if thread.is_alive():
            thread.join(_STOP_TIMEOUT)
        sock.close()
