"""Row 7: a fleet of processes on one account, naive / file / Redis side by side.

Each process calls `students(limit=5)` in a loop from one common start, half
of them with the async client. The local server issues 3-s access tokens and
counts its documented rate limits (5 logins, 60 requests per user, 100 per IP)
per 6-s window, so the run covers several token lifetimes and two windows.
The server counts logins, refreshes and rejections; the processes count what
succeeded and what was raised to them. Budget use is the successful calls
over what the per-user limit allows in the run's duration.

- naive: every process alone (its own session in memory, no limiter);
- file: one `FileTokenStore` path (one session), no limiter;
- Redis: `RedisTokenStore` + `RedisRateLimiter(requests=60, per=6.0)`.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from nextschool.testing import ServerSettings, run_local_server
from nextschool.testing.fleet import FleetMode, FleetReport, run_fleet
from nextschool.testing.redis_server import redis_server_path, run_redis_server

from ._table import Comparison, Row, verdict

TOKEN_LIFETIME = 3.0
WINDOW = 6.0


def _fleet(mode: FleetMode, processes: int, duration: float, **where: str) -> FleetReport:
    settings = ServerSettings(access_token_ttl=TOKEN_LIFETIME, rate_limit_window=WINDOW)
    with run_local_server(settings) as server:
        return run_fleet(server, mode=mode, processes=processes, duration=duration, **where)


def _describe(report: FleetReport) -> str:
    refused = report.login_attempts - report.logins
    errors = report.error_count
    return (
        f"{report.logins} login{'s' if report.logins != 1 else ''}"
        + (f" + {refused} refused" if refused else "")
        + f", {report.refreshes} refreshes, {report.rate_limited} rejected, "
        f"{report.budget_use:.0%} budget, {errors} error{'s' if errors != 1 else ''}"
    )


def _meets_target(report: FleetReport, *, rate_limited: bool) -> bool:
    refreshes_allowed = -(-report.duration // TOKEN_LIFETIME) + 2
    ok = (
        report.logins == report.login_attempts == 1
        and report.refreshes <= refreshes_allowed
        and report.error_count == 0
    )
    if rate_limited:
        ok = ok and report.rate_limited == 0 and report.budget_use >= 0.8
    return ok


def run(*, quick: bool = False) -> list[Row]:
    processes, duration = (4, 6.0) if quick else (12, 12.0)
    what = (
        f"Fleet: {processes} processes, one account, {duration:g} s, "
        f"{TOKEN_LIFETIME:g}-s tokens, {WINDOW:g}-s windows"
    )
    naive = _fleet("naive", processes, duration)
    with tempfile.TemporaryDirectory(prefix="nextschool-fleet-") as scratch:
        shared_file = _fleet(
            "file", processes, duration, token_path=str(Path(scratch) / "tokens.json")
        )
    comparisons = [
        Comparison(
            f"naive (each process alone): {_describe(naive)}",
            "-",
            "-",
        ),
        Comparison(
            f"file (FileTokenStore): {_describe(shared_file)}",
            f"{shared_file.logins} vs {naive.login_attempts} login attempts",
            "file: <= 1 login, no error",
            verdict(_meets_target(shared_file, rate_limited=False)),
        ),
    ]
    if redis_server_path() is None:
        ours = "Redis: not run (redis-server is not installed)"
        comparisons[0] = Comparison(comparisons[0].baseline, "0 vs 0 (not run)")
        return [Row("8", what, ours, tuple(comparisons))]
    with run_redis_server() as redis:
        shared = _fleet("redis", processes, duration, redis_url=redis.url)
    comparisons[0] = Comparison(
        comparisons[0].baseline,
        f"{shared.rate_limited} vs {naive.rate_limited} rejected",
        "<= 1 login, 0 rejected, >= 80% budget",
        verdict(_meets_target(shared, rate_limited=True)),
    )
    ours = f"Redis (store + limiter): {_describe(shared)}"
    return [Row("8", what, ours, tuple(comparisons))]
