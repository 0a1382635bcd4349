"""Row 3: a refresh storm. N calls at once on an access token the server has revoked.

Every caller's first request is refused; the question is how many refreshes
follow and how long the storm takes. The SDK renews once under a lock and
every waiting call reuses the new token; the documentation's pattern, run from
threads sharing its global token, refreshes in every thread that saw the
refusal. Refreshes are the server's own count of successful refreshToken calls.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from nextschool import AsyncNextSchool, NextSchool
from nextschool.generated_client.models.operations import STUDENTS_GQL
from nextschool.testing import DEMO_PASSWORD, DEMO_USERNAME

from . import docs_pattern
from ._contenders import LIMIT, VARIABLES
from ._server import ServerProcess, server_process
from ._table import Comparison, Row, verdict


@dataclass(frozen=True)
class Storm:
    refreshes: int
    logins: int
    seconds: float


def _revoke(server: ServerProcess) -> None:
    server.revoke_access_tokens()
    server.reset_counters()


def _result(server: ServerProcess, seconds: float) -> Storm:
    counters = server.counters()
    return Storm(counters["refreshes"], counters["logins"], seconds)


def _threaded(call: Callable[[], Any], callers: int) -> float:
    """Start `callers` threads, release them together, return the wall time."""
    gate = threading.Barrier(callers + 1)
    failures: list[BaseException] = []

    def worker() -> None:
        gate.wait()
        try:
            rows = call()
            assert len(rows) == LIMIT
        except BaseException as error:  # reported below, after every thread ends
            failures.append(error)

    threads = [threading.Thread(target=worker) for _ in range(callers)]
    for thread in threads:
        thread.start()
    gate.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"{len(failures)} of {callers} calls failed") from failures[0]
    return seconds


def _async_sdk_storm(server: ServerProcess, callers: int) -> Storm:
    async def storm() -> Storm:
        async with AsyncNextSchool(
            server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD
        ) as client:
            await client.students(limit=LIMIT)
            _revoke(server)
            started = time.perf_counter()
            results = await asyncio.gather(*(client.students(limit=LIMIT) for _ in range(callers)))
            seconds = time.perf_counter() - started
            assert all(len(rows) == LIMIT for rows in results)
            return _result(server, seconds)

    return asyncio.run(storm())


def _sync_sdk_storm(server: ServerProcess, callers: int) -> Storm:
    with NextSchool(server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as client:
        client.students(limit=LIMIT)
        _revoke(server)
        seconds = _threaded(lambda: client.students(limit=LIMIT), callers)
        return _result(server, seconds)


def _docs_storm(server: ServerProcess, callers: int) -> Storm:
    docs_pattern.configure(server.url)
    docs_pattern.login(DEMO_USERNAME, DEMO_PASSWORD)
    docs_pattern.fetch_with_refresh(STUDENTS_GQL, dict(VARIABLES))
    _revoke(server)
    # The pattern prints a line per refresh; keep them out of the table.
    with contextlib.redirect_stdout(io.StringIO()):
        seconds = _threaded(
            lambda: docs_pattern.fetch_with_refresh(STUDENTS_GQL, dict(VARIABLES))["students"],
            callers,
        )
    return _result(server, seconds)


def run(*, quick: bool) -> list[Row]:
    callers, storms = (50, 1) if quick else (200, 3)
    approaches = {"async": _async_sdk_storm, "sync": _sync_sdk_storm, "docs": _docs_storm}
    results: dict[str, list[Storm]] = {name: [] for name in approaches}
    with server_process() as server:
        for _ in range(storms):
            for name, storm in approaches.items():
                results[name].append(storm(server, callers))

    def refreshes(name: str) -> str:
        counts = sorted({s.refreshes for s in results[name]})
        per_storm = "/".join(str(c) for c in counts)
        return f"{per_storm} refresh{'' if per_storm == '1' else 'es'}"

    def wall(name: str) -> float:
        return statistics.median(s.seconds for s in results[name])

    def summary(name: str) -> str:
        return f"{refreshes(name)}, {wall(name) * 1000:,.0f} ms"

    docs = f"docs pattern, {callers} threads: {summary('docs')}"
    rows = []
    for number, name, what in (
        ("3a", "async", f"Refresh storm: {callers} coroutines, revoked token"),
        ("3b", "sync", f"Refresh storm: {callers} threads, revoked token"),
    ):
        one_each = all(s.refreshes == 1 and s.logins == 0 for s in results[name])
        rows.append(
            Row(
                number,
                what,
                summary(name),
                (
                    Comparison(
                        docs,
                        f"{wall(name) / wall('docs'):.2f}x time",
                        "1 refresh per storm",
                        verdict(one_each),
                    ),
                ),
            )
        )
    return rows
