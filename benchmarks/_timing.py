"""Finely interleaved turns, so a noisy neighbour slows every contender alike.

A contender is a batch: a coroutine function that makes n calls (sync calls
are wrapped in one, so sync and async contenders share one loop and no
contender pays for starting it). The contenders take turns, `chunk` calls at
a time, until each has made all its calls. The order is shuffled every turn
(with a fixed seed) because what ran just before a contender matters: one
that opens a connection per call leaves the server closing sockets, and a
fixed order would always hand that cost to the same neighbour.

A rate is the median over turns; a ratio is the median of the per-turn
ratios, each between two contenders that ran moments apart. Medians of many
short paired samples shrug off the bursts of load a shared machine produces,
which totals and long rounds do not.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

Batch = Callable[[int], Awaitable[None]]
CHUNK = 10


@dataclass(frozen=True)
class Timings:
    chunk: int
    seconds: dict[str, list[float]]  # per turn, `chunk` calls each

    def rate(self, name: str) -> float:
        """Calls per second, median over turns."""
        return self.chunk / statistics.median(self.seconds[name])

    def ratio(self, name: str, baseline: str) -> float:
        """Time of `name` over time of `baseline`, median over turns."""
        pairs = zip(self.seconds[name], self.seconds[baseline], strict=True)
        return statistics.median(ours / theirs for ours, theirs in pairs)


async def measure(batches: dict[str, Batch], calls: int, chunk: int = CHUNK) -> Timings:
    """Time `calls` calls of every contender, interleaved `chunk` calls at a time."""
    seconds: dict[str, list[float]] = {name: [] for name in batches}
    names = list(batches)
    order = random.Random(2567)
    for _ in range(max(1, calls // chunk)):
        order.shuffle(names)
        for name in names:
            started = time.perf_counter()
            await batches[name](chunk)
            seconds[name].append(time.perf_counter() - started)
    return Timings(chunk, seconds)


def sync_batch(call: Callable[[], Any]) -> Batch:
    async def run(count: int) -> None:
        for _ in range(count):
            call()

    return run


def async_batch(call: Callable[[], Awaitable[Any]]) -> Batch:
    async def run(count: int) -> None:
        for _ in range(count):
            await call()

    return run


def warm_up(calls: dict[str, Callable[[], Any]], count: int, expected_rows: int) -> None:
    """Run each call `count` times and check it returns the rows it should."""
    for name, call in calls.items():
        rows: Any = None
        for _ in range(count):
            rows = call()
        if len(rows) != expected_rows:
            raise AssertionError(f"{name} returned {len(rows)} rows, not {expected_rows}")
