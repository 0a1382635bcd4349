"""An async client and the event loop it serves.

httpx connections, and an asyncio.Lock once callers wait on it, belong to the
event loop that made them. A client used from a second `asyncio.run()` used to
fail with an untyped `RuntimeError: Event loop is closed`. When the SDK owns
the httpx client it opens a new pool for the new loop (tokens are kept); a
caller's httpx client cannot be replaced, so that case is a ConfigurationError.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator

import httpx

from .._exceptions import ConfigurationError

_RUNNING_ELSEWHERE = (
    "This AsyncNextSchool is in use on another event loop that is still running. "
    "An async client serves one event loop at a time: create one client per event "
    "loop (per thread running a loop)."
)
_CALLERS_CLIENT = (
    "This AsyncNextSchool was first used on another event loop, and the http_client "
    "passed to it keeps connections that belong to that loop. Create the "
    "httpx.AsyncClient and the AsyncNextSchool inside the event loop that uses them "
    "(once per asyncio.run), or leave out http_client: the SDK then opens a new "
    "connection pool for each event loop and keeps the tokens."
)


def check_move(previous: asyncio.AbstractEventLoop, *, owns_http_client: bool) -> None:
    """Raise if a client last used on `previous` cannot serve the running loop."""
    if previous.is_running():
        raise ConfigurationError(_RUNNING_ELSEWHERE)
    if not owns_http_client:
        raise ConfigurationError(_CALLERS_CLIENT)


async def close_with_running_loop(http: httpx.AsyncClient) -> AsyncGenerator[None, None]:
    """Arrange for `http` to be closed on the running loop before that loop ends.

    The returned generator is parked at its `yield`. The loop closes it when it
    shuts down its async generators (asyncio.run does, as it finishes), or soon
    after the generator is dropped, and closing it closes the pool, on the loop
    its connections belong to. Keep a reference for as long as the pool is used.
    """
    closer = _close_at_the_end(http)
    await closer.asend(None)
    return closer


async def _close_at_the_end(http: httpx.AsyncClient) -> AsyncGenerator[None, None]:
    try:
        yield
    finally:
        await http.aclose()


__all__ = ["check_move", "close_with_running_loop"]
