"""Drive either client through the same synchronous calls.

The async client runs on one private event loop for its whole life, so its
connection pool behaves as in an application; each call is one
`run_until_complete`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal

import httpx
from httpx import MockTransport

from nextschool import AsyncNextSchool, NextSchool, StoredTokens

ClientKind = Literal["sync", "async"]
CLIENT_KINDS: tuple[ClientKind, ...] = ("sync", "async")


class ClientDriver:
    """One client of either kind; `transport` (e.g. a MockTransport) replaces the network."""

    def __init__(
        self, kind: ClientKind, url: str, options: dict[str, Any], transport: MockTransport | None
    ) -> None:
        self.kind = kind
        self._loop: asyncio.AbstractEventLoop | None = None
        self._http: httpx.Client | httpx.AsyncClient | None = None
        self.client: NextSchool | AsyncNextSchool
        if kind == "sync":
            if transport is not None:
                self._http = options["http_client"] = httpx.Client(transport=transport)
            self.client = NextSchool(url, **options)
        else:
            self._loop = asyncio.new_event_loop()
            if transport is not None:
                self._http = options["http_client"] = httpx.AsyncClient(transport=transport)
            self.client = AsyncNextSchool(url, **options)

    def call(self, method: str, **kwargs: Any) -> Any:
        bound = getattr(self.client, method)
        if self._loop is None:
            return bound(**kwargs)
        return self._loop.run_until_complete(bound(**kwargs))

    @property
    def tokens(self) -> StoredTokens | None:
        return self.client.tokens

    def close(self) -> None:
        if isinstance(self.client, NextSchool):
            self.client.close()
            if isinstance(self._http, httpx.Client):
                self._http.close()
            return
        assert self._loop is not None
        self._loop.run_until_complete(self.client.aclose())
        if isinstance(self._http, httpx.AsyncClient):
            self._loop.run_until_complete(self._http.aclose())
        self._loop.close()


@contextmanager
def open_client(
    kind: ClientKind, url: str, *, transport: MockTransport | None = None, **options: Any
) -> Iterator[ClientDriver]:
    driver = ClientDriver(kind, url, options, transport)
    try:
        yield driver
    finally:
        driver.close()
