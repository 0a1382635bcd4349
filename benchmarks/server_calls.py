"""Row 2: 2,000 sequential calls against the local server, over HTTP and HTTPS.

The server runs in a child process (rate limits off) and answers
`students(limit: 20)`. Contenders: the SDK, raw httpx with one keep-alive
client, and the documentation's `fetch_with_refresh` (a new `requests.post`,
so a new TCP connection and, over HTTPS, a new TLS handshake, every call).
Over HTTPS everyone trusts the run's self-signed certificate.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from nextschool import AsyncNextSchool, NextSchool
from nextschool.generated_client.models.operations import STUDENTS_GQL
from nextschool.testing import DEMO_PASSWORD, DEMO_USERNAME

from . import docs_pattern
from ._contenders import LIMIT, VARIABLES, raw_httpx_async, raw_httpx_sync
from ._server import server_process
from ._table import Row, compare, rate
from ._timing import Timings, async_batch, measure, sync_batch, warm_up
from ._tls import Certificate

TARGET_RAW = 1.10
# Ahead of the documentation's approach; over HTTPS by a wide margin (2x or more),
# since it pays a TCP connect and a TLS handshake per call.
TARGET_DOCS_HTTP = 1.00
TARGET_DOCS_HTTPS = 0.50
WARM_UP = 50


def _timings(url: str, verify: Any, docs_verify: Any, calls: int) -> Timings:
    docs_pattern.configure(url, verify=docs_verify)
    docs_pattern.login(DEMO_USERNAME, DEMO_PASSWORD)
    token = docs_pattern.access_token
    loop = asyncio.new_event_loop()
    sdk_sync = NextSchool(
        url, username=DEMO_USERNAME, password=DEMO_PASSWORD, http_client=httpx.Client(verify=verify)
    )
    sdk_async = AsyncNextSchool(
        url,
        username=DEMO_USERNAME,
        password=DEMO_PASSWORD,
        http_client=httpx.AsyncClient(verify=verify),
    )
    raw_sync = httpx.Client(verify=verify)
    raw_async = httpx.AsyncClient(verify=verify)
    raw_async_call = raw_httpx_async(raw_async, url, token)

    async def sdk_async_call() -> Any:
        return await sdk_async.students(limit=LIMIT)

    def docs_call() -> Any:
        return docs_pattern.fetch_with_refresh(STUDENTS_GQL, dict(VARIABLES))["students"]

    sync_calls: dict[str, Callable[[], Any]] = {
        "sdk_sync": lambda: sdk_sync.students(limit=LIMIT),
        "raw_sync": raw_httpx_sync(raw_sync, url, token),
        "docs": docs_call,
    }
    try:
        warm_up(
            {
                **sync_calls,
                "sdk_async": lambda: loop.run_until_complete(sdk_async_call()),
                "raw_async": lambda: loop.run_until_complete(raw_async_call()),
            },
            WARM_UP,
            expected_rows=LIMIT,
        )
        batches = {name: sync_batch(call) for name, call in sync_calls.items()}
        batches["sdk_async"] = async_batch(sdk_async_call)
        batches["raw_async"] = async_batch(raw_async_call)
        return loop.run_until_complete(measure(batches, calls))
    finally:
        sdk_sync.close()
        raw_sync.close()
        loop.run_until_complete(sdk_async.aclose())
        loop.run_until_complete(raw_async.aclose())
        loop.close()


def run(*, quick: bool, certificate: Certificate) -> list[Row]:
    total = 50 if quick else 2_000
    rows = []
    plans = (
        (("2a", "2b"), "HTTP", None, TARGET_DOCS_HTTP),
        (("2c", "2d"), "HTTPS", certificate, TARGET_DOCS_HTTPS),
    )
    for numbers, scheme, cert, docs_target in plans:
        cert_file: Path | None = cert.cert_file if cert else None
        key_file: Path | None = cert.key_file if cert else None
        with server_process(cert_file=cert_file, key_file=key_file) as server:
            timings = _timings(
                server.url,
                verify=cert.client_context() if cert else True,
                docs_verify=str(cert.cert_file) if cert else True,
                calls=total,
            )
        for number, mode in zip(numbers, ("sync", "async"), strict=True):
            what = f"{total:,} sequential calls, {scheme}, {mode}"
            rows.append(_row(number, what, timings, mode, docs_target))
    return rows


def _row(number: str, what: str, timings: Timings, mode: str, docs_target: float) -> Row:
    ours, raw = f"sdk_{mode}", f"raw_{mode}"
    raw_label = "raw httpx, keep-alive" if mode == "sync" else "raw httpx async, keep-alive"
    return Row(
        number,
        what,
        rate(timings.rate(ours)),
        (
            compare(
                f"{raw_label}: {rate(timings.rate(raw))}",
                timings.ratio(ours, raw),
                at_most=TARGET_RAW,
            ),
            compare(
                f"docs (requests.post per call): {rate(timings.rate('docs'))}",
                timings.ratio(ours, "docs"),
                below=docs_target,
            ),
        ),
    )
