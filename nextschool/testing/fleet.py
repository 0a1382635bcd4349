"""A fleet: many processes on one API account, calling a local server together.

`run_fleet(server, mode=...)` starts the processes, lets them call
`students(limit=5)` in a loop for `duration` seconds from one common start,
and reports what the server saw (logins, refreshes, rate-limit rejections)
beside what the callers saw (calls that succeeded, errors raised to them).

Modes: "naive" (each process alone: in-memory session, no rate limiter),
"file" (one `FileTokenStore` path) and "redis" (`RedisTokenStore` and
`RedisRateLimiter` on one Redis). Half of the processes use the async client.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

from .server import LocalServer
from .settings import DEMO_PASSWORD, DEMO_USERNAME

FleetMode = Literal["naive", "file", "redis"]
START_TIMEOUT = 60.0
START_DELAY = 0.5


@dataclass(frozen=True)
class FleetReport:
    """What one fleet run did: calls, errors, logins, refreshes and rejections."""

    mode: str
    processes: int
    duration: float
    # Calls that succeeded within the duration (one that waited past its end
    # for a rate-limit slot is not counted).
    calls: int
    errors: dict[str, int]
    logins: int
    login_attempts: int
    refreshes: int
    rate_limited: int
    rate_limited_by_layer: dict[str, int]
    # Authenticated requests the per-user limit allowed over the run.
    budget: int
    per_process_calls: list[int] = field(default_factory=lambda: list[int]())

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    @property
    def budget_use(self) -> float:
        return self.calls / self.budget if self.budget else 0.0


def run_fleet(
    server: LocalServer,
    *,
    mode: FleetMode,
    processes: int = 12,
    duration: float = 12.0,
    token_path: str | None = None,
    redis_url: str | None = None,
    redis_key: str = "nextschool:fleet",
) -> FleetReport:
    """Run one fleet against `server` and report; the server's counters are reset first."""
    settings = server.settings
    command = [
        sys.executable,
        "-m",
        "nextschool.testing.fleet",
        "--url",
        server.url,
        "--mode",
        mode,
        "--requests",
        str(settings.user_limit_per_minute),
        "--per",
        repr(settings.rate_limit_window),
        "--redis-key",
        redis_key,
    ]
    if mode == "file":
        if token_path is None:
            raise ValueError("mode 'file' needs token_path")
        command += ["--token-path", token_path]
    if mode == "redis":
        if redis_url is None:
            raise ValueError("mode 'redis' needs redis_url")
        command += ["--redis-url", redis_url]
    workers = [
        subprocess.Popen(
            [*command, "--client", "async" if n % 2 else "sync"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in range(processes)
    ]
    try:
        for worker in workers:
            assert worker.stdout is not None
            line = worker.stdout.readline()
            if line.strip() != "ready":
                raise RuntimeError(f"a fleet process did not start: {line!r}")
        server.counters.reset()
        # One start and one end for all, on the host's clock, however late
        # each process reads its order.
        start_at = time.time() + START_DELAY
        for worker in workers:
            assert worker.stdin is not None
            worker.stdin.write(f"go {start_at!r} {duration!r}\n")
            worker.stdin.flush()
        results: list[dict[str, Any]] = []
        for worker in workers:
            out, _ = worker.communicate(timeout=duration + START_TIMEOUT)
            results.append(json.loads(out.strip().splitlines()[-1]))
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
            # Closes its pipes and reaps it, whatever happened above.
            with worker:
                pass
    counts = server.counters.snapshot()
    errors: Counter[str] = Counter()
    for result in results:
        errors.update(result["errors"])
    windows = duration / settings.rate_limit_window
    return FleetReport(
        mode=mode,
        processes=processes,
        duration=duration,
        calls=sum(result["calls"] for result in results),
        errors=dict(errors),
        logins=counts.logins,
        login_attempts=counts.login_attempts,
        refreshes=counts.refreshes,
        rate_limited=counts.rate_limited,
        rate_limited_by_layer={
            "global": counts.rate_limited_global,
            "login": counts.rate_limited_login,
            "user": counts.rate_limited_user,
        },
        budget=math.floor(settings.user_limit_per_minute * windows),
        per_process_calls=[result["calls"] for result in results],
    )


# -- one process of the fleet --------------------------------------------------


def _client_options(args: argparse.Namespace) -> dict[str, Any]:
    from nextschool import FileTokenStore, RedisRateLimiter, RedisTokenStore

    options: dict[str, Any] = {"username": DEMO_USERNAME, "password": DEMO_PASSWORD}
    if args.mode == "file":
        import filelock  # noqa: F401  # pyright: ignore[reportUnusedImport] - loaded now, not at the first renewal

        options["token_store"] = FileTokenStore(args.token_path)
    elif args.mode == "redis":
        store = RedisTokenStore(args.redis_url, key=f"{args.redis_key}:tokens")
        limiter = RedisRateLimiter(
            args.redis_url,
            requests=args.requests,
            per=args.per,
            key=f"{args.redis_key}:rate",
        )
        store.redis.ping()  # connected now rather than at the first call
        limiter.redis.ping()
        options.update(token_store=store, rate_limiter=limiter)
    return options


def _run_sync(
    args: argparse.Namespace, options: dict[str, Any], start_at: float, duration: float
) -> dict[str, Any]:
    from nextschool import NextSchool, NextSchoolError

    calls, errors = 0, Counter[str]()
    with NextSchool(args.url, **options) as client:
        time.sleep(max(0.0, start_at - time.time()))
        end = start_at + duration
        while time.time() < end:
            try:
                client.students(limit=5)
            except NextSchoolError as exc:
                errors[type(exc).__name__] += 1
            else:
                # A call that waited past the end for its slot is not in the budget.
                calls += time.time() <= end
    return {"calls": calls, "errors": dict(errors)}


async def _run_async(
    args: argparse.Namespace, options: dict[str, Any], start_at: float, duration: float
) -> dict[str, Any]:
    from nextschool import AsyncNextSchool, NextSchoolError

    calls, errors = 0, Counter[str]()
    async with AsyncNextSchool(args.url, **options) as client:
        await asyncio.sleep(max(0.0, start_at - time.time()))
        end = start_at + duration
        while time.time() < end:
            try:
                await client.students(limit=5)
            except NextSchoolError as exc:
                errors[type(exc).__name__] += 1
            else:
                # A call that waited past the end for its slot is not in the budget.
                calls += time.time() <= end
    return {"calls": calls, "errors": dict(errors)}


def worker_main(argv: list[str] | None = None) -> None:
    """One process of a fleet: waits for the common start, then calls in a loop."""
    parser = argparse.ArgumentParser(prog="python -m nextschool.testing.fleet")
    parser.add_argument("--url", required=True)
    parser.add_argument("--mode", choices=["naive", "file", "redis"], required=True)
    parser.add_argument("--client", choices=["sync", "async"], default="sync")
    parser.add_argument("--token-path")
    parser.add_argument("--redis-url")
    parser.add_argument("--redis-key", default="nextschool:fleet")
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--per", type=float, default=60.0)
    args = parser.parse_args(argv)
    # Everything slow (imports, Redis connections) before "ready", so the
    # processes start calling together.
    options = _client_options(args)
    import nextschool.auth._async_next_school  # noqa: F401  # pyright: ignore[reportUnusedImport]

    print("ready", flush=True)
    command = sys.stdin.readline().split()
    start_at, duration = float(command[1]), float(command[2])
    if args.client == "async":
        result = asyncio.run(_run_async(args, options, start_at, duration))
    else:
        result = _run_sync(args, options, start_at, duration)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    worker_main()
