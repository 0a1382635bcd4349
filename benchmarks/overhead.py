"""Row 1: client overhead per call, in process, against a fixed answer of 20 or 500 students.

Every client talks to its own `httpx.MockTransport` answering the same bytes,
so the network and the server cost nothing and what remains is each client's
own work: building the request, httpx's machinery (the same for all), and
turning the answer into what the caller gets.

The SDK runs as most users run it, on the httpx client it makes itself; only
that client's transport is swapped for the mock one. "Ours, caller's client"
is the same SDK handed an httpx client of the caller's, for reference, and
"ariadne-codegen alone" a client generated from the same queries without the
SDK (see _stock_client.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from nextschool import AsyncNextSchool, NextSchool
from nextschool.generated_client.models.operations import STUDENTS_GQL

from ._contenders import (
    bearer,
    raw_httpx_async,
    raw_httpx_sync,
    typed_floor_async,
    typed_floor_sync,
)
from ._data import fake_access_token, students_response
from ._stock_client import stock_client
from ._table import Comparison, Row, compare, rate
from ._timing import Batch, Timings, async_batch, measure, sync_batch, warm_up

URL = "https://nextschool.test/"
TARGET_RAW = 1.05
TARGET_FLOOR = 1.02
SMALL, LARGE = 20, 500


def _transport(rows: int) -> httpx.MockTransport:
    body = students_response(rows)
    headers = {"content-type": "application/json"}

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers=headers, content=body)

    return httpx.MockTransport(answer)


def _own_client(sdk: NextSchool | AsyncNextSchool, rows: int) -> None:
    # The SDK's own client, with the in-process transport in place of the network.
    sdk._http._transport = _transport(rows)


def _async_contenders(
    loop: asyncio.AbstractEventLoop, token: str, rows: int, everyone: bool
) -> tuple[dict[str, Batch], Callable[[], Awaitable[None]]]:
    sdk = AsyncNextSchool(URL, access_token=token, refresh_token="not-used")
    _own_client(sdk, rows)
    raw = httpx.AsyncClient(transport=_transport(rows))
    floor = httpx.AsyncClient(transport=_transport(rows))

    async def sdk_call() -> Any:
        return await sdk.students(limit=rows)

    calls: dict[str, Callable[[], Awaitable[Any]]] = {
        "sdk": sdk_call,
        "raw": raw_httpx_async(raw, URL, token, rows),
        "floor": typed_floor_async(floor, URL, token, rows),
    }
    closers: list[Callable[[], Awaitable[None]]] = [sdk.aclose, raw.aclose, floor.aclose]
    if everyone:
        calls.update(_async_references(loop, token, rows, closers))
    warm_up(
        {name: _blocking(loop, call) for name, call in calls.items()},
        _warm_up_calls(rows),
        expected_rows=rows,
    )

    async def close() -> None:
        for closer in closers:
            await closer()

    return {name: async_batch(call) for name, call in calls.items()}, close


def _async_references(
    loop: asyncio.AbstractEventLoop,
    token: str,
    rows: int,
    closers: list[Callable[[], Awaitable[None]]],
) -> dict[str, Callable[[], Awaitable[Any]]]:
    from gql import Client as GqlClient
    from gql import gql
    from gql.transport.httpx import HTTPXAsyncTransport

    caller_client = httpx.AsyncClient(transport=_transport(rows))
    sdk_caller = AsyncNextSchool(
        URL, access_token=token, refresh_token="not-used", http_client=caller_client
    )
    generated = stock_client(async_client=True)(
        URL, http_client=httpx.AsyncClient(transport=_transport(rows), headers=bearer(token))
    )
    gql_client = GqlClient(
        transport=HTTPXAsyncTransport(URL, transport=_transport(rows), headers=bearer(token))
    )
    gql_session = loop.run_until_complete(gql_client.connect_async())  # type: ignore[no-untyped-call]
    document = gql(STUDENTS_GQL)
    variables = {"limit": rows}

    async def sdk_caller_call() -> Any:
        return await sdk_caller.students(limit=rows)

    async def gql_call() -> Any:
        result = await gql_session.execute(document, variable_values=variables)
        return result["students"]

    async def generated_call() -> Any:
        return await generated.students(limit=rows)

    async def close_gql() -> None:
        await gql_client.close_async()  # type: ignore[no-untyped-call]

    closers += [caller_client.aclose, generated.http_client.aclose, close_gql]
    return {"sdk_caller": sdk_caller_call, "gql": gql_call, "generated": generated_call}


def _blocking(loop: asyncio.AbstractEventLoop, call: Callable[[], Any]) -> Callable[[], Any]:
    return lambda: loop.run_until_complete(call())


def _warm_up_calls(rows: int) -> int:
    return 200 if rows <= SMALL else 20


def _async_timings(calls: int, rows: int, chunk: int, everyone: bool) -> Timings:
    loop = asyncio.new_event_loop()
    try:
        batches, close = _async_contenders(loop, fake_access_token(), rows, everyone)
        try:
            return loop.run_until_complete(measure(batches, calls, chunk))
        finally:
            loop.run_until_complete(close())
    finally:
        loop.close()


def _sync_timings(calls: int, rows: int, chunk: int, everyone: bool) -> Timings:
    token = fake_access_token()
    sdk = NextSchool(URL, access_token=token, refresh_token="not-used")
    _own_client(sdk, rows)
    raw = httpx.Client(transport=_transport(rows))
    floor = httpx.Client(transport=_transport(rows))
    contenders: dict[str, Callable[[], Any]] = {
        "sdk": lambda: sdk.students(limit=rows),
        "raw": raw_httpx_sync(raw, URL, token, rows),
        "floor": typed_floor_sync(floor, URL, token, rows),
    }
    closers: list[Callable[[], object]] = [sdk.close, raw.close, floor.close]
    try:
        if everyone:
            contenders.update(_sync_references(token, rows, closers))
        warm_up(contenders, _warm_up_calls(rows), expected_rows=rows)
        batches = {name: sync_batch(call) for name, call in contenders.items()}
        return asyncio.run(measure(batches, calls, chunk))
    finally:
        for closer in closers:
            closer()


def _sync_references(
    token: str, rows: int, closers: list[Callable[[], object]]
) -> dict[str, Callable[[], Any]]:
    from gql import Client as GqlClient
    from gql import gql
    from gql.transport.httpx import HTTPXTransport

    caller_client = httpx.Client(transport=_transport(rows))
    sdk_caller = NextSchool(
        URL, access_token=token, refresh_token="not-used", http_client=caller_client
    )
    generated = stock_client(async_client=False)(
        URL, http_client=httpx.Client(transport=_transport(rows), headers=bearer(token))
    )
    gql_client = GqlClient(
        transport=HTTPXTransport(URL, transport=_transport(rows), headers=bearer(token))
    )
    gql_session = gql_client.connect_sync()  # type: ignore[no-untyped-call]
    document = gql(STUDENTS_GQL)
    variables = {"limit": rows}
    closers += [caller_client.close, generated.http_client.close, gql_client.close_sync]
    return {
        "sdk_caller": lambda: sdk_caller.students(limit=rows),
        "gql": lambda: gql_session.execute(document, variable_values=variables)["students"],
        "generated": lambda: generated.students(limit=rows),
    }


def run(*, quick: bool) -> list[Row]:
    small_calls, large_calls = (200, 40) if quick else (6_000, 1_000)
    return [
        _row(
            "1a",
            f"Overhead per call, async (MockTransport, {SMALL} students)",
            _async_timings(small_calls, SMALL, chunk=10, everyone=True),
            SMALL,
        ),
        _row(
            "1b",
            f"Overhead per call, sync (MockTransport, {SMALL} students)",
            _sync_timings(small_calls, SMALL, chunk=10, everyone=True),
            SMALL,
        ),
        _row(
            "1c",
            f"Overhead per call, async (MockTransport, {LARGE} students)",
            _async_timings(large_calls, LARGE, chunk=2, everyone=False),
            LARGE,
        ),
        _row(
            "1d",
            f"Overhead per call, sync (MockTransport, {LARGE} students)",
            _sync_timings(large_calls, LARGE, chunk=2, everyone=False),
            LARGE,
        ),
    ]


def _row(number: str, what: str, timings: Timings, rows: int) -> Row:
    # Ratio = our time per call / theirs: 1.10x means 10% slower, 0.80x faster.
    def label(name: str, text: str) -> str:
        return f"{text}: {rate(timings.rate(name))}"

    comparisons: list[Comparison] = [
        compare(
            label("raw", "raw httpx + json.loads"),
            timings.ratio("sdk", "raw"),
            at_most=TARGET_RAW if rows <= SMALL else None,
        ),
        compare(
            label("floor", "typed floor: raw httpx + model_validate_json"),
            timings.ratio("sdk", "floor"),
            at_most=TARGET_FLOOR,
        ),
    ]
    references = (
        ("sdk_caller", "ours, caller's httpx client"),
        ("gql", "gql (httpx transport)"),
        ("generated", "ariadne-codegen alone (its own base client)"),
    )
    comparisons += [
        compare(label(name, text), timings.ratio("sdk", name))
        for name, text in references
        if name in timings.seconds
    ]
    return Row(number, what, rate(timings.rate("sdk")), tuple(comparisons))
