"""One contender of row 9, run under cachegrind: `python -m benchmarks._instruction_child
<kind> <rows> <calls>`.

The kinds are row 1's contenders (`sync:sdk`, `async:floor`, ...) on the same
in-process transport, and row 5's parsers (`parse:sdk`, `parse:loads`, ...).
Each is warmed up first, then called `calls` times; the parent subtracts two
such runs, so start-up and warm-up cancel out.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from nextschool import AsyncNextSchool, NextSchool

from . import parsing
from ._contenders import raw_httpx_async, raw_httpx_sync, typed_floor_async, typed_floor_sync
from ._data import fake_access_token, students_response
from .overhead import URL, _own_client, _transport

WARM_UP_CALLS = 20


def _sync_call(name: str, rows: int) -> Callable[[], Any]:
    token = fake_access_token()
    if name == "sdk":
        sdk = NextSchool(URL, access_token=token, refresh_token="not-used")
        _own_client(sdk, rows)
        return lambda: sdk.students(limit=rows)
    http = httpx.Client(transport=_transport(rows))
    make = {"raw": raw_httpx_sync, "floor": typed_floor_sync}[name]
    return make(http, URL, token, rows)


def _async_call(name: str, rows: int) -> Callable[[], Awaitable[Any]]:
    token = fake_access_token()
    if name == "sdk":
        sdk = AsyncNextSchool(URL, access_token=token, refresh_token="not-used")
        _own_client(sdk, rows)
        return lambda: sdk.students(limit=rows)
    http = httpx.AsyncClient(transport=_transport(rows))
    make = {"raw": raw_httpx_async, "floor": typed_floor_async}[name]
    return make(http, URL, token, rows)


def _parse(name: str, rows: int) -> Callable[[], Any]:
    body = students_response(rows)
    parse = {"sdk": parsing._sdk_parse, "floor": parsing._pydantic_floor}.get(
        name, parsing._json_loads
    )
    return lambda: parse(body)


def run(kind: str, rows: int, calls: int) -> None:
    family, _, name = kind.partition(":")
    if family == "async":
        call = _async_call(name, rows)

        async def calls_in_a_loop() -> None:
            for _ in range(WARM_UP_CALLS + calls):
                assert len(await call()) == rows

        asyncio.run(calls_in_a_loop())
        return
    blocking = _sync_call(name, rows) if family == "sync" else _parse(name, rows)
    for _ in range(WARM_UP_CALLS if family == "sync" else 1):
        assert len(blocking()) == rows
    for _ in range(calls):
        blocking()


if __name__ == "__main__":
    run(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
