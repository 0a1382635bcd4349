"""Row 1: client overhead per call, in process, against a fixed 20-student answer.

Every client talks to its own `httpx.MockTransport` answering the same bytes,
so the network and the server cost nothing and what remains is each client's
own work: building the request, httpx's machinery (the same for all), and
turning the answer into what the caller gets.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, cast

import httpx

from nextschool import AsyncNextSchool, NextSchool
from nextschool.generated_client.async_client import GeneratedAsyncClient
from nextschool.generated_client.async_client.async_base_client import (
    HttpClient as AsyncHttpClient,
)
from nextschool.generated_client.async_client.operations import STUDENTS_GQL
from nextschool.generated_client.sync_client import GeneratedSyncClient
from nextschool.generated_client.sync_client.base_client import HttpClient as SyncHttpClient

from ._contenders import LIMIT, VARIABLES, bearer, raw_httpx_async, raw_httpx_sync
from ._data import fake_access_token, students_response
from ._table import Comparison, Row, rate, shown, times, verdict
from ._timing import Batch, Timings, async_batch, measure, sync_batch, warm_up

URL = "https://nextschool.test/"
TARGET = 1.25
WARM_UP = 200


def _transport() -> httpx.MockTransport:
    body = students_response(LIMIT)
    headers = {"content-type": "application/json"}

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers=headers, content=body)

    return httpx.MockTransport(answer)


def _async_contenders(
    loop: asyncio.AbstractEventLoop, token: str
) -> tuple[dict[str, Batch], Callable[[], Awaitable[None]]]:
    from gql import Client as GqlClient
    from gql import gql
    from gql.transport.httpx import HTTPXAsyncTransport

    sdk = AsyncNextSchool(
        URL,
        access_token=token,
        refresh_token="not-used",
        http_client=httpx.AsyncClient(transport=_transport()),
    )
    raw = httpx.AsyncClient(transport=_transport())
    # The cast works around ariadne-codegen issue #463: its HttpClient protocol
    # declares positional parameters that httpx takes as keyword-only.
    generated = GeneratedAsyncClient(
        URL,
        http_client=cast(
            AsyncHttpClient, httpx.AsyncClient(transport=_transport(), headers=bearer(token))
        ),
    )
    gql_client = GqlClient(
        transport=HTTPXAsyncTransport(URL, transport=_transport(), headers=bearer(token))
    )
    gql_session = loop.run_until_complete(gql_client.connect_async())  # type: ignore[no-untyped-call]
    document = gql(STUDENTS_GQL)

    async def sdk_call() -> Any:
        return await sdk.students(limit=LIMIT)

    async def gql_call() -> Any:
        result = await gql_session.execute(document, variable_values=VARIABLES)
        return result["students"]

    async def generated_call() -> Any:
        return await generated.students(limit=LIMIT)

    calls = {
        "sdk": sdk_call,
        "raw": raw_httpx_async(raw, URL, token),
        "gql": gql_call,
        "generated": generated_call,
    }
    warm_up(
        {name: _blocking(loop, call) for name, call in calls.items()}, WARM_UP, expected_rows=LIMIT
    )

    async def close() -> None:
        await sdk.aclose()
        await raw.aclose()
        await generated.http_client.aclose()
        await gql_client.close_async()  # type: ignore[no-untyped-call]

    return {name: async_batch(call) for name, call in calls.items()}, close


def _blocking(loop: asyncio.AbstractEventLoop, call: Callable[[], Any]) -> Callable[[], Any]:
    return lambda: loop.run_until_complete(call())


def _async_timings(calls: int) -> Timings:
    loop = asyncio.new_event_loop()
    try:
        batches, close = _async_contenders(loop, fake_access_token())
        try:
            return loop.run_until_complete(measure(batches, calls))
        finally:
            loop.run_until_complete(close())
    finally:
        loop.close()


def _sync_timings(count: int) -> Timings:
    from gql import Client as GqlClient
    from gql import gql
    from gql.transport.httpx import HTTPXTransport

    token = fake_access_token()
    raw = httpx.Client(transport=_transport())
    generated = GeneratedSyncClient(
        URL,
        http_client=cast(
            SyncHttpClient, httpx.Client(transport=_transport(), headers=bearer(token))
        ),
    )
    gql_client = GqlClient(
        transport=HTTPXTransport(URL, transport=_transport(), headers=bearer(token))
    )
    document = gql(STUDENTS_GQL)
    sdk = NextSchool(
        URL,
        access_token=token,
        refresh_token="not-used",
        http_client=httpx.Client(transport=_transport()),
    )
    with sdk, raw, generated, gql_client as gql_session:
        calls: dict[str, Callable[[], Any]] = {
            "sdk": lambda: sdk.students(limit=LIMIT),
            "raw": raw_httpx_sync(raw, URL, token),
            "gql": lambda: gql_session.execute(document, variable_values=VARIABLES)["students"],
            "generated": lambda: generated.students(limit=LIMIT),
        }
        warm_up(calls, WARM_UP, expected_rows=LIMIT)
        batches = {name: sync_batch(call) for name, call in calls.items()}
        return asyncio.run(measure(batches, count))


def run(*, quick: bool) -> list[Row]:
    calls = 200 if quick else 6_000
    return [
        _row(
            "1a",
            "Overhead per call, async (MockTransport, 20 students)",
            _async_timings(calls),
        ),
        _row(
            "1b",
            "Overhead per call, sync (MockTransport, 20 students)",
            _sync_timings(calls),
        ),
    ]


def _row(number: str, what: str, timings: Timings) -> Row:
    # Ratio = our time per call / theirs: 1.10x means 10% slower, 0.80x faster.
    overhead = timings.ratio("sdk", "raw")
    return Row(
        number,
        what,
        rate(timings.rate("sdk")),
        (
            Comparison(
                f"raw httpx + json.loads: {rate(timings.rate('raw'))}",
                times(overhead),
                f"<= {TARGET:.2f}x",
                verdict(shown(overhead) <= TARGET),
            ),
            Comparison(
                f"gql (httpx transport): {rate(timings.rate('gql'))}",
                times(timings.ratio("sdk", "gql")),
            ),
            Comparison(
                f"generated client alone: {rate(timings.rate('generated'))}",
                times(timings.ratio("sdk", "generated")),
            ),
        ),
    )
