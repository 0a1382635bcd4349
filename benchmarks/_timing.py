"""Finely interleaved turns, so a noisy neighbour slows every contender alike.

A contender is a batch: a coroutine function that makes n calls (sync calls
are wrapped in one, so sync and async contenders share one loop and no
contender pays for starting it). The contenders take turns, `chunk` calls at
a time, until each has made all its calls. The order is shuffled every turn
(with a fixed seed) because what ran just before a contender matters: one
that opens a connection per call leaves the server closing sockets, and a
fixed order would always hand that cost to the same neighbour.

The turns are grouped into consecutive rounds. A round's ratio is the median
of its per-turn ratios, each between two contenders that ran moments apart;
a row reports the median of the round ratios, their minimum and their spread
(maximum - minimum), and for margin targets how many rounds met the margin.
Medians of many short paired samples shrug off the bursts of load a shared
machine produces; the minimum and the spread show how far one round can
stray.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

Batch = Callable[[int], Awaitable[None]]
CHUNK = 10
ROUNDS = 20


@dataclass(frozen=True)
class RatioStats:
    """Our time over a baseline's, one value per round."""

    rounds: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.rounds)

    @property
    def minimum(self) -> float:
        return min(self.rounds)

    @property
    def maximum(self) -> float:
        return max(self.rounds)

    @property
    def spread(self) -> float:
        return self.maximum - self.minimum

    def met(self, ok: Callable[[float], bool]) -> int:
        """How many rounds met a target (compared as printed, to two decimals)."""
        return sum(1 for value in self.rounds if ok(round(value, 2)))

    @classmethod
    def of(cls, ours: Sequence[float], theirs: Sequence[float], rounds: int) -> RatioStats:
        """Ratios of paired samples, grouped into `rounds` rounds of consecutive pairs."""
        ratios = [a / b for a, b in zip(ours, theirs, strict=True)]
        return cls(tuple(statistics.median(group) for group in split(ratios, rounds)))


def split(values: Sequence[float], groups: int) -> list[Sequence[float]]:
    """`values` in at most `groups` consecutive, nearly equal, non-empty groups."""
    groups = max(1, min(groups, len(values)))
    size, extra = divmod(len(values), groups)
    out = []
    start = 0
    for index in range(groups):
        end = start + size + (1 if index < extra else 0)
        out.append(values[start:end])
        start = end
    return out


@dataclass(frozen=True)
class Timings:
    chunk: int
    seconds: dict[str, list[float]]  # per turn, `chunk` calls each
    rounds: int = ROUNDS

    def rate(self, name: str) -> float:
        """Calls per second, median over turns."""
        return self.chunk / statistics.median(self.seconds[name])

    def ratio(self, name: str, baseline: str) -> RatioStats:
        """Time of `name` over time of `baseline`, per round."""
        return RatioStats.of(self.seconds[name], self.seconds[baseline], self.rounds)


async def measure(
    batches: dict[str, Batch], calls: int, chunk: int = CHUNK, rounds: int = ROUNDS
) -> Timings:
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
    return Timings(chunk, seconds, rounds)


def measure_blocking(
    calls: dict[str, Callable[[], Any]],
    turns: int,
    rounds: int = ROUNDS,
    before_each: Callable[[], Any] | None = None,
) -> Timings:
    """One call of every contender per turn, in a shuffled order: for slow calls.

    `before_each` runs untimed before every call (e.g. `gc.collect`, so each
    call starts from the same heap whatever ran before it).
    """
    seconds: dict[str, list[float]] = {name: [] for name in calls}
    names = list(calls)
    order = random.Random(2567)
    for _ in range(turns):
        order.shuffle(names)
        for name in names:
            if before_each is not None:
                before_each()
            started = time.perf_counter()
            calls[name]()
            seconds[name].append(time.perf_counter() - started)
    return Timings(1, seconds, rounds)


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
